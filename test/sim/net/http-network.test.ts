import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DisposableStack,
  FaultInjector,
  FaultPlan,
  InProcessHttpNetwork,
  MemoryTraceSink,
  NetworkError,
  SeededRandom,
  TraceRecorder,
  VirtualClock,
  type FaultPlanData,
} from '../../../sim/index.js';

const cleanup: DisposableStack[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!.dispose();
});

function setup(plan: FaultPlanData = { faults: [] }, intercept?: 'fetch' | 'fetch-and-node-http') {
  const stack = new DisposableStack();
  cleanup.push(stack);
  const clock = new VirtualClock();
  const random = new SeededRandom(7);
  const sink = new MemoryTraceSink();
  const trace = new TraceRecorder({ clock, sink });
  const faults = new FaultInjector({ plan: FaultPlan.parse(plan), clock, random: random.fork('faults'), observer: trace });
  const network = stack.use(InProcessHttpNetwork.attach({ clock, random, faults, trace, ...(intercept === undefined ? {} : { intercept }) }));
  const start = clock.now();
  return { clock, network, sink, elapsed: () => clock.now() - start, stack };
}

/** Runs `work` on the virtual clock to completion and returns its result. */
function simulate<T>(clock: VirtualClock, work: () => Promise<T>): Promise<T> {
  return clock.runUntilSettled(work());
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    client
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

type SocketFailure = Error & { code?: string; cause?: { code?: string } };

async function rejection(promise: Promise<unknown>): Promise<SocketFailure> {
  try {
    await promise;
  } catch (error) {
    return error as SocketFailure;
  }
  throw new Error('expected a rejection');
}

describe('in-process HTTP network', () => {
  it('answers fetch from the registered handler without advancing virtual time', async () => {
    const { clock, network, elapsed } = setup();
    network.listen('127.1.1.3:443', (req) => Response.json({ path: new URL(req.url).pathname, method: req.method }));
    const body = await simulate(clock, async () => (await fetch('https://127.1.1.3/redfish/v1')).json());
    expect(body).toEqual({ path: '/redfish/v1', method: 'GET' });
    expect(elapsed()).toBe(0);
  });

  it('answers http.request and https.request too, with request bodies reaching the handler', async () => {
    const { clock, network } = setup();
    network.listen('127.1.1.4:80', () => new Response('plain'));
    network.listen('127.1.1.4:443', async (req) => new Response(`echo:${await req.text()}`, { status: 201 }));
    const plain = await simulate(clock, () => httpGet('http://127.1.1.4/'));
    expect(plain).toEqual({ status: 200, body: 'plain' });
    const echoed = await simulate(clock, () =>
      fetch('https://127.1.1.4/x', { method: 'POST', body: 'power-on' }).then(async (r) => [r.status, await r.text()]),
    );
    expect(echoed).toEqual([201, 'echo:power-on']);
    expect(await simulate(clock, () => httpGet('https://127.1.1.4/'))).toEqual({ status: 201, body: 'echo:' });
  });

  it('runs handlers on the virtual clock: a handler that sleeps 1.5 s answers 1.5 s later', async () => {
    const { clock, network, elapsed } = setup();
    network.listen('127.1.1.5:80', async () => {
      await clock.sleep(1_500);
      return new Response('late');
    });
    expect(await simulate(clock, async () => (await fetch('http://127.1.1.5/')).text())).toBe('late');
    expect(elapsed()).toBe(1_500);
  });

  it('fails closed: an address with no handler is refused, and a real server there never sees the request', async () => {
    const server = http.createServer((_req, res) => res.end('real'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    let realRequests = 0;
    server.on('request', () => realRequests++);
    try {
      const { clock } = setup();
      const viaFetch = await simulate(clock, () => rejection(fetch(`http://127.0.0.1:${port}/`)));
      expect(viaFetch).toBeInstanceOf(TypeError);
      expect(viaFetch.cause?.code).toBe('ECONNREFUSED');
      const viaHttp = await simulate(clock, () => rejection(httpGet(`http://127.0.0.1:${port}/`)));
      expect(viaHttp.code).toBe('ECONNREFUSED');
      expect(viaHttp.message).toContain(`127.0.0.1:${port}`);
      expect(realRequests).toBe(0);
    } finally {
      await cleanup.pop()!.dispose();
      // Once disposed, the process's HTTP stack is its own again.
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('real');
      server.close();
    }
  });

  it('delays answers by an injected latency, on the virtual clock', async () => {
    const { clock, network, elapsed } = setup({ faults: [{ target: 'bmc:slow', kind: 'latency', latencyMs: 250 }] });
    network.listen('127.1.2.1:80', () => new Response('ok'), { name: 'bmc:slow' });
    network.listen('127.1.2.2:80', () => new Response('ok'), { name: 'bmc:fast' });
    await simulate(clock, () => fetch('http://127.1.2.2/'));
    expect(elapsed()).toBe(0);
    await simulate(clock, () => fetch('http://127.1.2.1/'));
    expect(elapsed()).toBe(250);
  });

  it('answers with an injected error status without calling the handler', async () => {
    const { clock, network } = setup({ faults: [{ target: 'bmc:*', kind: 'error', status: 503, atMs: 0 }] });
    let calls = 0;
    network.listen('127.1.2.3:80', () => (calls++, new Response('ok')), { name: 'bmc:r1-s1' });
    expect(await simulate(clock, async () => (await fetch('http://127.1.2.3/')).status)).toBe(503);
    expect(calls).toBe(0);
    // atMs is one-shot: the next request reaches the handler.
    expect(await simulate(clock, async () => (await fetch('http://127.1.2.3/')).status)).toBe(200);
    expect(calls).toBe(1);
  });

  it('resets connections, as a real socket reset looks to fetch and to http.request', async () => {
    const { clock, network } = setup({ faults: [{ target: 'addr:127.1.2.4:80', kind: 'reset' }] });
    network.listen('127.1.2.4:80', () => new Response('never'));
    const viaFetch = await simulate(clock, () => rejection(fetch('http://127.1.2.4/')));
    expect(viaFetch.cause?.code).toBe('ECONNRESET');
    const viaHttp = await simulate(clock, () => rejection(httpGet('http://127.1.2.4/')));
    expect(viaHttp.code).toBe('ECONNRESET');
  });

  it("drops requests: only the client's own timeout ends them, at exactly that virtual time", async () => {
    const { clock, network, elapsed, sink } = setup({ faults: [{ id: 'black-hole', target: 'bmc:gone', kind: 'drop' }] });
    network.listen('127.1.2.5:80', () => new Response('never'), { name: 'bmc:gone' });
    const error = await simulate(clock, () => {
      const abort = new AbortController();
      clock.setTimeout(() => abort.abort(new Error('timed out after 5000 ms')), 5_000);
      return rejection(fetch('http://127.1.2.5/', { signal: abort.signal }));
    });
    expect(error.message).toBe('timed out after 5000 ms');
    expect(elapsed()).toBe(5_000);
    expect(sink.lines.some((l) => l.includes('"http.dropped"') && l.includes('black-hole'))).toBe(true);
  });

  it('applies window faults only inside their window', async () => {
    const { clock, network } = setup({ faults: [{ target: 'bmc:w', kind: 'error', status: 500, window: { fromMs: 1_000, toMs: 2_000 } }] });
    network.listen('127.1.2.6:80', () => new Response('ok'), { name: 'bmc:w' });
    const status = (): Promise<number> => simulate(clock, async () => (await fetch('http://127.1.2.6/')).status);
    expect(await status()).toBe(200);
    await clock.runFor(1_000);
    expect(await status()).toBe(500);
    await clock.runFor(999);
    expect(await status()).toBe(500);
    await clock.runFor(1);
    expect(await status()).toBe(200);
  });

  it('turns a handler that throws into a 500 and says so in the trace', async () => {
    const { clock, network, sink } = setup();
    network.listen('127.1.2.7:80', () => {
      throw new Error('bug in the simulated BMC');
    }, { name: 'bmc:buggy' });
    expect(await simulate(clock, async () => (await fetch('http://127.1.2.7/')).status)).toBe(500);
    expect(sink.lines.find((l) => l.includes('http.handler-error'))).toContain('bug in the simulated BMC');
  });

  it('fails requests still in flight when the network is disposed', async () => {
    const { clock, network, stack } = setup({ faults: [{ target: 'bmc:gone', kind: 'drop' }] });
    network.listen('127.1.2.8:80', () => new Response('never'), { name: 'bmc:gone' });
    const pending = rejection(fetch('http://127.1.2.8/'));
    await clock.runUntilIdle();
    cleanup.pop();
    await stack.dispose();
    expect((await pending).cause?.code).toBe('ECONNRESET');
  });

  it('rejects a second listener on one address, a malformed address, and a second attached network', () => {
    const { network } = setup();
    network.listen('127.1.3.1:443', () => new Response());
    expect(() => network.listen('127.1.3.1:443', () => new Response())).toThrow(/already in use/);
    expect(() => network.listen('127.1.3.1', () => new Response())).toThrow(/address: "127.1.3.1" is not HOST:PORT — write e.g./);
    expect(() => network.listen('127.1.3.1:70000', () => new Response())).toThrow(/port 70000 is out of range/);
    expect(() => InProcessHttpNetwork.attach({ clock: new VirtualClock(), random: new SeededRandom(1) })).toThrow(/another one is attached/);
  });

  it('frees an address when its listener is disposed', async () => {
    const { clock, network } = setup();
    const first = network.listen('127.1.3.2:80', () => new Response('first'));
    first.dispose();
    network.listen('127.1.3.2:80', () => new Response('second'));
    expect(await simulate(clock, async () => (await fetch('http://127.1.3.2/')).text())).toBe('second');
  });

  describe('network.fetch: the handler answers the Request directly, without the process HTTP stack', () => {
    it('carries method, headers and body to the handler and its Response back, and traces the exchange', async () => {
      const { clock, network, sink } = setup();
      network.listen('127.1.4.1:443', async (req) => Response.json({ method: req.method, auth: req.headers.get('x-auth-token'), body: await req.text() }, { status: 201, headers: { etag: '"e1"' } }));
      const res = await simulate(clock, () => network.fetch('https://127.1.4.1/redfish/v1/Sessions', { method: 'POST', headers: { 'x-auth-token': 't0k' }, body: '{"a":1}' }));
      expect([res.status, res.headers.get('etag'), await res.json()]).toEqual([201, '"e1"', { method: 'POST', auth: 't0k', body: '{"a":1}' }]);
      expect(sink.lines.filter((l) => l.includes('"http.request"') || l.includes('"http.response"'))).toHaveLength(2);
    });

    it('fails like fetch: refused and reset are TypeErrors caused by the socket error', async () => {
      const { clock, network } = setup({ faults: [{ target: 'addr:127.1.4.2:80', kind: 'reset' }] });
      network.listen('127.1.4.2:80', () => new Response('never'));
      const refused = await simulate(clock, () => rejection(network.fetch('http://127.1.4.9/')));
      expect([refused instanceof TypeError, refused.cause?.code]).toEqual([true, 'ECONNREFUSED']);
      const reset = await simulate(clock, () => rejection(network.fetch('http://127.1.4.2/')));
      expect([reset instanceof TypeError, reset.cause?.code]).toEqual([true, 'ECONNRESET']);
    });

    it('applies latency and error faults as for an intercepted request', async () => {
      const { clock, network, elapsed } = setup({ faults: [{ target: 'bmc:slow', kind: 'latency', latencyMs: 300 }, { target: 'bmc:sick', kind: 'error', status: 503 }] });
      let calls = 0;
      network.listen('127.1.4.3:80', () => new Response('ok'), { name: 'bmc:slow' });
      network.listen('127.1.4.4:80', () => (calls++, new Response('ok')), { name: 'bmc:sick' });
      expect(await simulate(clock, async () => (await network.fetch('http://127.1.4.3/')).text())).toBe('ok');
      expect(elapsed()).toBe(300);
      expect(await simulate(clock, async () => (await network.fetch('http://127.1.4.4/')).status)).toBe(503);
      expect(calls).toBe(0);
    });

    it("ends a dropped request only at the client's abort, rejecting with its reason, and resets one still in flight at dispose", async () => {
      const { clock, network, elapsed, stack } = setup({ faults: [{ target: 'bmc:gone', kind: 'drop' }] });
      network.listen('127.1.4.5:80', () => new Response('never'), { name: 'bmc:gone' });
      const error = await simulate(clock, () => {
        const abort = new AbortController();
        clock.setTimeout(() => abort.abort(new Error('timed out after 2000 ms')), 2_000);
        return rejection(network.fetch('http://127.1.4.5/', { signal: abort.signal }));
      });
      expect([error.message, elapsed()]).toEqual(['timed out after 2000 ms', 2_000]);
      const pending = rejection(network.fetch('http://127.1.4.5/'));
      await clock.runUntilIdle();
      cleanup.pop();
      await stack.dispose();
      expect((await pending).cause?.code).toBe('ECONNRESET');
    });

    it('refuses to follow a redirect instead of answering with something fetch would not', async () => {
      const { clock, network } = setup();
      network.listen('127.1.4.6:80', () => new Response(null, { status: 302, headers: { location: '/elsewhere' } }));
      const error = await simulate(clock, () => rejection(network.fetch('http://127.1.4.6/')));
      expect([error instanceof TypeError, String(error.cause)]).toEqual([true, expect.stringContaining('does not follow redirects')]);
      expect(await simulate(clock, async () => (await network.fetch('http://127.1.4.6/', { redirect: 'manual' })).status)).toBe(302);
    });
  });

  describe('network.send: an HTTP message as plain data', () => {
    it("goes to the listener's message handler when it has one, else through its Fetch handler, and answers the same", async () => {
      const { clock, network, sink } = setup();
      const seen: string[] = [];
      const fetchHandler = async (req: Request) => Response.json({ via: 'fetch', auth: req.headers.get('authorization'), body: await req.text() }, { status: 201, headers: { ETag: '"e1"' } });
      network.listen('127.1.5.1:443', fetchHandler, {
        messages: async (m) => (seen.push(`${m.method} ${m.url} ${m.headers['authorization']} ${m.body}`), { status: 201, headers: { etag: '"e2"' }, body: '{"via":"messages"}' }),
      });
      network.listen('127.1.5.2:443', fetchHandler);
      const message = { method: 'POST', url: 'https://127.1.5.1/x', headers: { authorization: 'Bearer t' }, body: 'hi' };
      expect(await simulate(clock, () => network.send(message))).toEqual({ status: 201, headers: { etag: '"e2"' }, body: '{"via":"messages"}' });
      expect(seen).toEqual(['POST https://127.1.5.1/x Bearer t hi']);
      const viaFetch = await simulate(clock, () => network.send({ ...message, url: 'https://127.1.5.2/x' }));
      expect([viaFetch.status, viaFetch.headers['etag'], JSON.parse(viaFetch.body)]).toEqual([201, '"e1"', { via: 'fetch', auth: 'Bearer t', body: 'hi' }]);
      expect(sink.lines.filter((l) => l.includes('"http.response"'))).toHaveLength(2);
    });

    it('fails with the socket error itself, answers injected errors as plain text, and rejects a GET with a body', async () => {
      const { clock, network } = setup({ faults: [{ target: 'addr:127.1.5.3:80', kind: 'reset' }, { target: 'bmc:sick', kind: 'error', status: 503 }] });
      network.listen('127.1.5.3:80', () => new Response('never'));
      network.listen('127.1.5.4:80', () => new Response('never'), { name: 'bmc:sick' });
      const get = (url: string) => ({ method: 'GET', url, headers: {} });
      const refused = await simulate(clock, () => rejection(network.send(get('http://127.1.5.9/'))));
      expect([refused instanceof NetworkError, refused.code]).toEqual([true, 'ECONNREFUSED']);
      expect((await simulate(clock, () => rejection(network.send(get('http://127.1.5.3/'))))).code).toBe('ECONNRESET');
      expect(await simulate(clock, () => network.send(get('http://127.1.5.4/')))).toEqual({ status: 503, headers: { 'content-type': 'text/plain' }, body: expect.stringContaining('Injected fault') });
      await expect(network.send({ ...get('http://127.1.5.4/'), body: 'x' })).rejects.toThrow(/a GET request has none/);
    });

    it("ends a dropped message at the client's abort, with its reason", async () => {
      const { clock, network, elapsed } = setup({ faults: [{ target: 'bmc:gone', kind: 'drop' }] });
      network.listen('127.1.5.5:80', () => new Response('never'), { name: 'bmc:gone' });
      const error = await simulate(clock, () => {
        const abort = new AbortController();
        clock.setTimeout(() => abort.abort(new Error('timed out after 3000 ms')), 3_000);
        return rejection(network.send({ method: 'GET', url: 'http://127.1.5.5/', headers: {}, signal: abort.signal }));
      });
      expect([error.message, elapsed()]).toEqual(['timed out after 3000 ms', 3_000]);
    });
  });

  it("with intercept: 'fetch', answers the global fetch, makes node:http(s) throw instead of reaching a socket, and restores them at dispose", async () => {
    const server = http.createServer((_req, res) => res.end('real'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const { clock, network } = setup({ faults: [] }, 'fetch');
      network.listen('127.1.4.7:80', () => new Response('in-process'));
      expect(await simulate(clock, async () => (await fetch('http://127.1.4.7/')).text())).toBe('in-process');
      expect(() => http.get(`http://127.0.0.1:${port}/`)).toThrow(/carries fetch only — send it with network.fetch/);
      expect(() => https.request('https://127.1.4.7/')).toThrow(/carries fetch only/);
      expect(() => new http.ClientRequest(`http://127.0.0.1:${port}/`)).toThrow(/carries fetch only/);
      await cleanup.pop()!.dispose();
      expect(await httpGet(`http://127.0.0.1:${port}/`)).toEqual({ status: 200, body: 'real' });
    } finally {
      server.close();
    }
  });
});
