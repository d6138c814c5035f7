// The twin observer: layout from the spec, physical state from the simulated
// servers' events, and a WebSocket stream that resumes from a sequence number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { GAP_CLOSE_CODE, serverIdentity, startTwinObserver, TwinObserverFeed, type ObserverEvent, type RunningTwinObserver } from '../../../scenarios/index.js';
import { SeededRandom, VirtualClock } from '../../../sim/index.js';
import { parseDatacenterSpec, SimulatedServer, type ServerEvent } from '../../../twins/index.js';
import { twoRackSpec } from '../../support/small-spec.js';

const SPEC = twoRackSpec({ name: 'observer-test', seed: '0x0b5e', fidelity: 'model', racks: [{ name: 'r1', index: 0 }, { name: 'r2', index: 1 }] });

const datacenter = parseDatacenterSpec(SPEC);

function powered(from: 'Off' | 'PoweringOn' | 'On' | 'PoweringOff', to: 'Off' | 'PoweringOn' | 'On' | 'PoweringOff', atMs: number): ServerEvent {
  return { type: 'power', atMs, from, to };
}

describe('TwinObserverFeed', () => {
  it('lays out sites, rows, racks, switches and servers in their units as the spec says', () => {
    const topology = new TwinObserverFeed({ datacenter }).topology();
    const site = topology.sites[0]!;
    expect(site.spines.map((s) => s.name)).toEqual(['spine1']);
    const [r1, r2] = site.rows[0]!.racks;
    expect({ name: r1!.name, uHeight: r1!.uHeight, tor: r1!.switches[0]!.name, torUnit: r1!.switches[0]!.unit, uplinks: r1!.switches[0]!.uplinks }).toEqual({ name: 'r1', uHeight: 12, tor: 'r1-tor', torUnit: 12, uplinks: ['spine1'] });
    expect(r1!.servers.map((s) => [s.name, s.unit, s.heightU, s.flavour, s.protocols])).toEqual([
      ['r1-u01', 1, 1, 'dmtf', ['redfish', 'ipmi']],
      ['r1-u02', 2, 2, 'openbmc', ['redfish', 'ipmi']],
      ['r1-u04', 4, 1, 'ipmi-only', ['ipmi']],
    ]);
    expect(r2!.servers.map((s) => [s.name, s.unit])).toEqual([
      ['r2-u01', 1],
      ['r2-u03', 3],
    ]);
    expect(JSON.stringify(topology)).not.toContain('twin-pass');
  });

  it('follows power and boot, and keeps a reported boot stage as data until power is lost', () => {
    const feed = new TwinObserverFeed({ datacenter });
    feed.record('r1-u01', powered('Off', 'PoweringOn', 10));
    feed.record('r1-u01', { type: 'booted', atMs: 10, boot: { atMs: 10, device: 'Pxe', mode: 'Uefi' } });
    // A stage event as the twin's machines will report them: not in today's union, passed through as data.
    feed.record('r1-u01', { type: 'stage', atMs: 20, stage: 'installing', detail: 'debian 12' } as unknown as ServerEvent);
    const during = feed.snapshot().servers.find((s) => s.name === 'r1-u01')!;
    expect(during).toMatchObject({ power: 'PoweringOn', bootDevice: 'Pxe', stage: 'installing', stageDetail: 'debian 12' });
    feed.record('r1-u01', powered('PoweringOn', 'Off', 30));
    const after = feed.snapshot();
    expect(after.seq).toBe(4);
    expect(after.servers.find((s) => s.name === 'r1-u01')).toMatchObject({ power: 'Off', stage: undefined });
    expect(after.servers.find((s) => s.name === 'r1-u02')).toMatchObject({ power: 'Off', changedAtMs: undefined });
  });

  it('hands out the events after a sequence number, and says so when they are no longer kept', () => {
    const feed = new TwinObserverFeed({ datacenter, retainedEvents: 3 });
    for (let i = 0; i < 8; i++) feed.record('r2-u01', i % 2 === 0 ? powered('Off', 'On', i) : powered('On', 'Off', i));
    expect(feed.eventsAfter(7)?.map((e) => e.seq)).toEqual([8]);
    expect(feed.eventsAfter(8)).toEqual([]);
    expect(feed.eventsAfter(0)).toBeUndefined();
  });

  it('shows a fault strike on the server it is aimed at, and leaves other targets alone', () => {
    const feed = new TwinObserverFeed({ datacenter });
    feed.record('r1-u02', powered('Off', 'On', 1));
    feed.recordFault({ id: 'r1-u01:flaky-503', kind: 'error', target: 'bmc:r1-u01', atMs: 40 });
    feed.recordFault({ id: 'cut', kind: 'partition', target: 'net:storage', atMs: 41 });
    expect(feed.snapshot().servers.find((s) => s.name === 'r1-u01')!.lastFault).toEqual({ id: 'r1-u01:flaky-503', kind: 'error', atMs: 40 });
    expect(feed.eventsAfter(1)).toEqual([{ seq: 2, atMs: 40, server: 'r1-u01', type: 'fault', data: { id: 'r1-u01:flaky-503', kind: 'error', target: 'bmc:r1-u01' } }]);
  });

  it('refuses an event of a server the spec does not have', () => {
    expect(() => new TwinObserverFeed({ datacenter }).record('nowhere', powered('Off', 'On', 1))).toThrow(/nowhere/);
  });
});

describe('twin observer endpoint', () => {
  const clock = new VirtualClock();
  const feed = new TwinObserverFeed({ datacenter, retainedEvents: 50 });
  const spec = datacenter.servers[0]!;
  const server = new SimulatedServer({ name: spec.name, identity: serverIdentity(datacenter, spec), clock, random: new SeededRandom(datacenter.seed) });
  server.onEvent((event) => feed.record(spec.name, event));
  let observer: RunningTwinObserver;

  beforeAll(async () => {
    observer = await startTwinObserver({ feed, host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await observer.close();
    server.dispose();
  });

  const getJson = async (path: string): Promise<{ status: number; body: unknown; cors: string | null }> => {
    const response = await fetch(`${observer.url}${path}`);
    return { status: response.status, body: await response.json(), cors: response.headers.get('access-control-allow-origin') };
  };

  /** Connects with ?after=N and collects events until `count` arrived (or the socket closed). */
  const subscribe = (after: number, count: number) => {
    const ws = new WebSocket(`${observer.url.replace('http', 'ws')}/twin/v1/events?after=${after}`);
    const events: ObserverEvent[] = [];
    const opened = new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const done = new Promise<{ events: ObserverEvent[]; closeCode: number | undefined }>((resolve) => {
      ws.on('message', (data: Buffer) => {
        events.push(JSON.parse(data.toString()) as ObserverEvent);
        if (events.length === count) {
          ws.close();
          resolve({ events, closeCode: undefined });
        }
      });
      ws.on('close', (code) => resolve({ events, closeCode: code }));
    });
    return { opened, done };
  };
  const collect = (after: number, count: number) => subscribe(after, count).done;

  it('serves the layout and the physical state to any page (read-only, CORS *)', async () => {
    const topology = await getJson('/twin/v1/topology');
    expect(topology.status).toBe(200);
    expect(topology.cors).toBe('*');
    expect((topology.body as { name: string }).name).toBe('observer-test');
    const servers = await getJson('/twin/v1/servers');
    expect((servers.body as { servers: unknown[] }).servers).toHaveLength(5);
    expect((await getJson('/twin/v1/nope')).status).toBe(404);
    const post = await fetch(`${observer.url}/twin/v1/servers`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('streams live events, and a client resuming after N gets exactly the ones after N', async () => {
    const start = feed.latestSeq;
    const live = subscribe(start, 3);
    await live.opened;
    server.powerAction('on');
    const { events } = await live.done;
    // The BMC logs the power-on, the power state changes, POST begins.
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [start + 1, 'log'],
      [start + 2, 'power'],
      [start + 3, 'booted'],
    ]);
    await clock.runUntilIdle();
    server.powerAction('off');
    const end = feed.latestSeq;
    const resumed = await collect(start + 1, end - start - 1);
    expect(resumed.events.map((e) => e.seq)).toEqual(Array.from({ length: end - start - 1 }, (_, i) => start + 2 + i));
    expect(resumed.events.at(-1)).toMatchObject({ server: 'r1-u01', type: 'power', data: { to: 'Off' } });
  });

  it('tells a client that resumes from too far back to re-read the servers', async () => {
    for (let i = 0; i < 60; i++) server.powerAction(i % 2 === 0 ? 'on' : 'off');
    const { events, closeCode } = await collect(0, 1);
    expect(events).toEqual([]);
    expect(closeCode).toBe(GAP_CLOSE_CODE);
  });

  it('listens on loopback only', async () => {
    await expect(startTwinObserver({ feed, host: '0.0.0.0', port: 0 })).rejects.toThrow(/loopback/);
  });
});
