/**
 * Wire fidelity, once: the same machine on the system clock speaks to the
 * provisioning test peer over real loopback sockets — the boot server over
 * plain HTTP, the agent API over HTTPS with a certificate from a CA that the
 * machine knows only from the install plan.
 *
 * Run: npx vitest run test/twins/machines/wire.test.ts
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DisposableStack, SeededRandom, SystemClock, type HttpHandler } from '../../../sim/index.js';
import { factsFromSpec, ModelMachine, parseDatacenterSpec, SimulatedServer, TwinCa, type MachineEvent, type MachineTimings } from '../../../twins/index.js';
import { serverIdentity } from '../../../scenarios/twin/spec-server.js';
import { SPEC } from './support/model-twin.js';
import { ProvisioningPeer } from './support/provisioning-peer.js';

/** Short modelled durations: this suite runs on real time. */
const ms = (minMs: number, maxMs = minMs) => ({ minMs, maxMs });
const QUICK: MachineTimings = { discoveryMs: ms(5), installMs: ms(10, 20), wipeDiskMs: ms(5), wipeTerabyteMs: ms(5), diskBootMs: ms(5), packageMs: ms(5, 10), fileMs: ms(1), serviceMs: ms(1), commandMs: ms(1), requestTimeoutMs: 5_000 };

/** Serves a Fetch handler behind a node server on 127.0.0.1, on a port the kernel picks. */
async function listen(server: http.Server | https.Server, handler: () => HttpHandler, stack: DisposableStack): Promise<number> {
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      const method = req.method ?? 'GET';
      const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }) });
      const response = await handler()(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stack.defer(() => new Promise<void>((resolve) => server.close(() => resolve())));
  stack.defer(() => server.closeAllConnections());
  return (server.address() as AddressInfo).port;
}

let stack: DisposableStack | undefined;
afterEach(async () => {
  await stack?.dispose();
  stack = undefined;
});

describe('a model machine over real loopback sockets', () => {
  it('installs, reboots into its OS and applies a work item over HTTPS', async () => {
    stack = new DisposableStack();
    const clock = new SystemClock();
    const random = new SeededRandom(0xb007);
    const dc = parseDatacenterSpec(SPEC, { source: 'boot-test' });
    const spec = dc.servers[0]!;
    const ca = new TwinCa(clock, random.fork('ca'));
    let peer: ProvisioningPeer | undefined;
    const bootPort = await listen(http.createServer(), () => peer!.boot, stack);
    const leaf = ca.serverCertificate('127.0.0.1');
    const apiPort = await listen(https.createServer({ cert: leaf.certPem, key: leaf.keyPem }), () => peer!.agent, stack);
    peer = new ProvisioningPeer({ bootUrl: `http://127.0.0.1:${bootPort}`, apiUrl: `https://127.0.0.1:${apiPort}`, caCertificatePem: ca.certPem });

    const server = stack.use(new SimulatedServer({ name: spec.name, identity: serverIdentity(dc, spec), clock, random: random.fork('server'), timings: { postMs: ms(5), softOffMs: ms(5), cycleOffMs: 5 } }));
    const machine = stack.use(
      new ModelMachine({ server, facts: factsFromSpec(spec), boot: { nic: 'eno1', mac: spec.nics[0]!.mac, bootServerUrl: `http://127.0.0.1:${bootPort}` }, clock, random: random.fork('machine'), timings: QUICK }),
    );
    const events: MachineEvent[] = [];
    stack.defer(machine.subscribe((event) => events.push(event)));

    peer.addNode(spec.name, spec.nics[0]!.mac, spec.disks[1]!.serial);
    peer.provision(spec.name);
    peer.enqueue(spec.name, { id: 'w-1', nodeRole: 'lab/motd@r1-u01', resources: [{ kind: 'file', path: '/etc/motd', content: 'drill\n', mode: '0644', owner: 'root', group: 'root' }] });
    server.powerAction('on');

    await vi.waitFor(() => expect(peer!.results).toHaveLength(1), { timeout: 15_000, interval: 20 });
    expect(peer.results[0]!.body).toEqual({ exitStatus: 0, changed: true, output: 'drill: changed file /etc/motd\n' });
    expect(peer.installReports).toEqual([{ node: spec.name, body: { status: 'ok' } }]);
    expect(machine.os?.files.get('/etc/motd')?.content).toBe('drill\n');
    expect(events.filter((e) => e.type === 'stage' && e.stage === 'installing').at(-1)).toMatchObject({ detail: `${spec.name}: writing debian 12 to ${spec.disks[1]!.name}` });
    expect(peer.agentLog[0]).toEqual({ method: 'GET', path: '/api/v1/agent/work', authorization: `Bearer agent-${spec.name}` });

    server.powerAction('off');
    expect(machine.stage).toBe('off');
  });
});
