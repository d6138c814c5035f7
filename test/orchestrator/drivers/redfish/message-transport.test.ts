// MessageTransport over the in-process network's send: what it hands the driver for answers, socket errors, aborts and oversized bodies.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_RESPONSE_BYTES, MessageTransport, TransportError } from '../../../../orchestrator/index.js';
import { FaultInjector, FaultPlan, InProcessHttpNetwork, SeededRandom, VirtualClock, type FaultSpec } from '../../../../sim/index.js';

let network: InProcessHttpNetwork | undefined;
afterEach(() => {
  network?.dispose();
  network = undefined;
});

function rig(faults: FaultSpec[] = []) {
  const clock = new VirtualClock();
  const random = new SeededRandom(3);
  network = InProcessHttpNetwork.attach({ clock, random, faults: new FaultInjector({ plan: FaultPlan.parse({ faults }), clock, random: random.fork('faults') }), intercept: 'fetch' });
  return { clock, network, transport: new MessageTransport({ send: network.send }) };
}

const get = (url: string, signal = new AbortController().signal) => ({ method: 'GET' as const, url, headers: { accept: 'application/json' }, signal });

describe('MessageTransport', () => {
  it('hands back the answer whole, whatever its status', async () => {
    const { clock, network, transport } = rig();
    network.listen('127.1.6.1:443', (req) => Response.json({ accept: req.headers.get('accept') }, { status: 404 }));
    const reply = await clock.runUntilSettled(transport.request(get('https://127.1.6.1/redfish/v1/x')));
    expect([reply.status, reply.headers['content-type'], JSON.parse(reply.body)]).toEqual([404, 'application/json', { accept: 'application/json' }]);
  });

  it('fails a refused or reset connection as a TransportError with the socket code, and an abort with its reason', async () => {
    const { clock, network, transport } = rig([{ target: 'addr:127.1.6.2:443', kind: 'reset' }, { target: 'addr:127.1.6.3:443', kind: 'drop' }]);
    network.listen('127.1.6.2:443', () => new Response('never'));
    network.listen('127.1.6.3:443', () => new Response('never'));
    const refused = await clock.runUntilSettled(transport.request(get('https://127.1.6.9/')).catch((e: unknown) => e));
    expect(refused).toBeInstanceOf(TransportError);
    expect((refused as TransportError).code).toBe('ECONNREFUSED');
    expect(await clock.runUntilSettled(transport.request(get('https://127.1.6.2/')).catch((e: TransportError) => e.code))).toBe('ECONNRESET');
    const abort = new AbortController();
    clock.setTimeout(() => abort.abort(new Error('timeout')), 1_000);
    expect(await clock.runUntilSettled(transport.request(get('https://127.1.6.3/', abort.signal)).catch((e: Error) => e.message))).toBe('timeout');
  });

  it('refuses an answer larger than MAX_RESPONSE_BYTES', async () => {
    const { clock, network, transport } = rig();
    network.listen('127.1.6.4:443', () => new Response('x'.repeat(MAX_RESPONSE_BYTES + 1)));
    expect(await clock.runUntilSettled(transport.request(get('https://127.1.6.4/')).catch((e: TransportError) => e.code))).toBe('TOO_LARGE');
  });
});
