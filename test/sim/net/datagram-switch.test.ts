import { describe, expect, it } from 'vitest';
import {
  DatagramSwitch,
  FaultInjector,
  FaultPlan,
  MemoryTraceSink,
  SeededRandom,
  TraceRecorder,
  UdpNetwork,
  VirtualClock,
  type DatagramSocket,
  type Endpoint,
  type FaultPlanData,
} from '../../../sim/index.js';

function setup(plan: FaultPlanData = { faults: [] }, seed = 3) {
  const clock = new VirtualClock();
  const random = new SeededRandom(seed);
  const sink = new MemoryTraceSink();
  const trace = new TraceRecorder({ clock, sink });
  const faults = new FaultInjector({ plan: FaultPlan.parse(plan), clock, random: random.fork('faults'), observer: trace });
  const net = new DatagramSwitch({ clock, random, faults, trace });
  const start = clock.now();
  return { clock, net, sink, elapsed: () => clock.now() - start };
}

function inbox(socket: DatagramSocket, at?: () => number): Array<{ text: string; from: Endpoint; atMs: number | undefined }> {
  const got: Array<{ text: string; from: Endpoint; atMs: number | undefined }> = [];
  socket.onMessage((data, from) => got.push({ text: new TextDecoder().decode(data), from, atMs: at?.() }));
  return got;
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('datagram switch', () => {
  it('delivers datagrams with the sender address, in send order, through the clock', async () => {
    const { clock, net } = setup();
    const bmc = await net.bind({ host: '127.1.1.3', port: 623, name: 'bmc:r1-s3' });
    const client = await net.bind({ host: '127.0.0.1' });
    const got = inbox(bmc);
    await client.send(bytes('one'), { host: '127.1.1.3', port: 623 });
    await client.send(bytes('two'), { host: '127.1.1.3', port: 623 });
    expect(got).toEqual([]); // delivery happens on the clock, never inside send()
    await clock.runUntilIdle();
    expect(got.map((m) => m.text)).toEqual(['one', 'two']);
    expect(got[0]!.from).toEqual({ host: '127.0.0.1', port: 49_152 });
  });

  it('hands out ephemeral ports in order, skipping ones in use', async () => {
    const { net } = setup();
    await net.bind({ host: '127.0.0.1', port: 49_153 });
    const a = await net.bind({ host: '127.0.0.1' });
    const b = await net.bind({ host: '127.0.0.1' });
    const c = await net.bind({ host: '127.0.0.1', port: 0 });
    expect([a.local.port, b.local.port, c.local.port]).toEqual([49_152, 49_154, 49_155]);
  });

  it('copies the payload: a sender reusing its buffer does not change what arrives', async () => {
    const { clock, net } = setup();
    const rx = await net.bind({ host: '127.0.0.2', port: 623 });
    const tx = await net.bind({ host: '127.0.0.1' });
    const got = inbox(rx);
    const buffer = bytes('abc');
    await tx.send(buffer, rx.local);
    buffer.set(bytes('xyz'));
    await clock.runUntilIdle();
    expect(got[0]!.text).toBe('abc');
  });

  it('delays delivery by injected latency, for datagrams to and from the faulty component', async () => {
    const { clock, net, elapsed } = setup({ faults: [{ target: 'bmc:slow', kind: 'latency', latencyMs: 120 }] });
    const slow = await net.bind({ host: '127.1.1.9', port: 623, name: 'bmc:slow' });
    const client = await net.bind({ host: '127.0.0.1' });
    const atSlow = inbox(slow, elapsed);
    const atClient = inbox(client, elapsed);
    slow.onMessage((data, from) => void slow.send(data, from));
    await client.send(bytes('ping'), slow.local);
    await clock.runUntilIdle();
    expect(atSlow[0]!.atMs).toBe(120);
    expect(atClient[0]!.atMs).toBe(240);
  });

  it('loses datagrams to drop faults the same way for the same seed, and differently for another', async () => {
    const plan: FaultPlanData = { faults: [{ target: 'bmc:lossy', kind: 'drop', probability: 0.3 }] };
    const run = async (seed: number): Promise<string> => {
      const { clock, net } = setup(plan, seed);
      const rx = await net.bind({ host: '127.1.1.8', port: 623, name: 'bmc:lossy' });
      const tx = await net.bind({ host: '127.0.0.1' });
      const got = inbox(rx);
      for (let i = 0; i < 200; i++) await tx.send(bytes(String(i)), rx.local);
      await clock.runUntilIdle();
      return got.map((m) => m.text).join(',');
    };
    const first = await run(11);
    const delivered = first.split(',').length;
    expect(delivered).toBeGreaterThan(110);
    expect(delivered).toBeLessThan(170);
    expect(await run(11)).toBe(first);
    expect(await run(12)).not.toBe(first);
  });

  it('refuses a send to an address nobody is bound to (a wiring bug in the twin, not a lost packet)', async () => {
    const { net } = setup();
    const tx = await net.bind({ host: '127.0.0.1' });
    await expect(tx.send(bytes('x'), { host: '127.9.9.9', port: 623 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('loses datagrams in flight to a socket that closes, and frees its address', async () => {
    const { clock, net, sink } = setup({ faults: [{ target: 'bmc:x', kind: 'latency', latencyMs: 10 }] });
    const rx = await net.bind({ host: '127.1.1.7', port: 623, name: 'bmc:x' });
    const tx = await net.bind({ host: '127.0.0.1' });
    await tx.send(bytes('late'), rx.local);
    await rx.close();
    await clock.runUntilIdle();
    expect(sink.lines.some((l) => l.includes('udp.lost'))).toBe(true);
    await expect(net.bind({ host: '127.1.1.7', port: 623 })).resolves.toBeDefined();
    await expect(tx.send(bytes('x'), { host: '127.9.9.9', port: 1 })).rejects.toThrow(/no socket is bound there/);
  });

  it('rejects binding an address twice and malformed endpoints', async () => {
    const { net } = setup();
    await net.bind({ host: '127.1.1.6', port: 623 });
    await expect(net.bind({ host: '127.1.1.6', port: 623 })).rejects.toThrow(/already in use/);
    await expect(net.bind({ host: 'not a host', port: 623 })).rejects.toThrow(/is not an IP address or host name/);
    await expect(net.bind({ host: '127.0.0.1', port: 99_999 })).rejects.toThrow(/out of range/);
  });
});

describe('UDP network (real loopback sockets)', () => {
  it('round-trips a datagram between two sockets on 127.0.0.1', async () => {
    const net = new UdpNetwork();
    const server = await net.bind({ host: '127.0.0.1' });
    const client = await net.bind({ host: '127.0.0.1' });
    try {
      server.onMessage((data, from) => void server.send(new Uint8Array([...data].reverse()), from));
      const reply = new Promise<Uint8Array>((resolve) => client.onMessage((data) => resolve(data)));
      await client.send(new Uint8Array([1, 2, 3]), server.local);
      expect([...(await reply)]).toEqual([3, 2, 1]);
      expect(server.local.port).toBeGreaterThan(0);
    } finally {
      await server.close();
      await client.close();
    }
  });
});
