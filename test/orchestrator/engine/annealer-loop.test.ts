import { afterEach, describe, expect, it } from 'vitest';
import {
  AnnealerLoop,
  bindRole,
  RoleCatalog,
  SqliteStore,
  type AnnealerLimits,
  type RoleRunner,
  type RoleSpec,
  type Store,
  type StoreWrite,
} from '../../../orchestrator/index.js';
import { SeededRandom, VirtualClock } from '../../../sim/index.js';
import { role } from '../annealer/harness.js';

const LIMITS: AnnealerLimits = { maxRunning: 100, maxRunningPerNode: 1, leaseMs: 30_000 };

const roles: RoleSpec[] = [
  role('os', { local: true, outputs: ['os.id'] }),
  role('ntp', { local: true, requires: ['os'], inputs: ['ntp.servers'], retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 } }),
  role('ready', { requires: ['ntp'] }),
];

const stores: Store[] = [];
afterEach(async () => {
  while (stores.length > 0) await stores.pop()!.close();
});

async function seed(store: Store, catalog: RoleCatalog, nodes: string[]): Promise<void> {
  const writes: StoreWrite[] = [{ kind: 'deployment', value: { name: 'lab', committed: true, paused: false, attributes: { 'ntp.servers': ['10.0.0.1'] } }, expectedVersion: undefined }];
  let nodeRoles = new Map();
  for (const name of nodes) {
    writes.push({ kind: 'node', value: { name, reachable: true, paused: false, attributes: {} }, expectedVersion: undefined });
    nodeRoles = new Map([...nodeRoles, ...bindRole(catalog, nodeRoles, 'lab', 'ready', name)]);
  }
  for (const nr of nodeRoles.values()) writes.push({ kind: 'node-role', value: nr, expectedVersion: undefined });
  await store.commit(writes, []);
}

/** A runner that takes `durationMs` of virtual time and counts the side effects it completes. */
function slowRunner(clock: VirtualClock, durationMs: number, effects: Map<string, number>): RoleRunner {
  return {
    async run({ nodeRole }, signal) {
      await clock.sleep(durationMs, signal);
      effects.set(nodeRole.id, (effects.get(nodeRole.id) ?? 0) + 1);
      return { status: 'ok', outputs: nodeRole.role === 'os' ? { 'os.id': 'bookworm' } : {} };
    },
  };
}

function setup(nodes: string[], clock = new VirtualClock(), store: Store = new SqliteStore({ path: ':memory:', clock })) {
  stores.push(store);
  const catalog = new RoleCatalog(roles);
  return { clock, store, catalog, ready: seed(store, catalog, nodes) };
}

describe('annealer loop over the SQLite store', () => {
  it('anneals a deployment to active on the virtual clock, persisting every transition as an event', async () => {
    const { clock, store, catalog, ready } = setup(['n1', 'n2']);
    await ready;
    const effects = new Map<string, number>();
    const loop = new AnnealerLoop({ store, catalog, clock, random: new SeededRandom(1), runnerFor: () => slowRunner(clock, 5_000, effects), limits: LIMITS, tickEveryMs: 2_000 });
    loop.start();
    await clock.runFor(60_000);
    await loop.stop();
    const snapshot = await store.snapshot();
    expect([...snapshot.nodeRoles.values()].map((v) => v.value.state.kind)).toEqual(Array(6).fill('active'));
    expect([...effects.values()]).toEqual(Array(6).fill(1));
    const events = await store.events(0, 1_000);
    const ready1 = events.filter((e) => e.subject === 'lab/ready@n1').map((e) => `${String(e.data.from)}→${String(e.data.to)}`);
    expect(ready1).toEqual(['proposed→blocked', 'blocked→running', 'running→active']);
  });

  it('keeps a long run alive by renewing its lease', async () => {
    const { clock, store, catalog, ready } = setup(['n1']);
    await ready;
    const effects = new Map<string, number>();
    const loop = new AnnealerLoop({ store, catalog, clock, random: new SeededRandom(1), runnerFor: () => slowRunner(clock, 100_000, effects), limits: LIMITS, tickEveryMs: 2_000 });
    loop.start();
    await clock.runFor(400_000);
    await loop.stop();
    expect([...effects.values()]).toEqual([1, 1, 1]);
    const snapshot = await store.snapshot();
    expect([...snapshot.nodeRoles.values()].every((v) => v.value.attempts === 0 && v.value.runCount === 1)).toBe(true);
  });

  it('lets another orchestrator take over runs a stopped one left behind, once their leases expire', async () => {
    const clock = new VirtualClock();
    const { store, catalog, ready } = setup(['n1', 'n2', 'n3'], clock);
    await ready;
    const effects = new Map<string, number>();
    const first = new AnnealerLoop({ store, catalog, clock, random: new SeededRandom(1), runnerFor: () => slowRunner(clock, 20_000, effects), limits: LIMITS, tickEveryMs: 2_000 });
    first.start();
    await clock.runFor(10_000);
    expect(first.runsInFlight).toBe(3);
    await first.stop(); // Dies mid-run: the os runs never finish, their side effects never happened.
    expect(effects.size).toBe(0);

    const second = new AnnealerLoop({ store, catalog, clock, random: new SeededRandom(2), runnerFor: () => slowRunner(clock, 20_000, effects), limits: LIMITS, tickEveryMs: 2_000 });
    second.start();
    await clock.runFor(300_000);
    await second.stop();
    const snapshot = await store.snapshot();
    expect([...snapshot.nodeRoles.values()].map((v) => v.value.state.kind)).toEqual(Array(9).fill('active'));
    expect([...effects.values()]).toEqual(Array(9).fill(1));
    const os = snapshot.nodeRoles.get('lab/os@n1')!.value;
    expect(os.attempts).toBe(0);
    expect(os.runCount).toBe(1);
  });

  it('retries a failing run as its role allows and records the error', async () => {
    const { clock, store, catalog, ready } = setup(['n1']);
    await ready;
    let ntpCalls = 0;
    const runner: RoleRunner = {
      async run({ nodeRole }) {
        if (nodeRole.role === 'ntp') {
          ntpCalls++;
          throw new Error('chronyd: cannot reach 10.0.0.1');
        }
        return { status: 'ok', outputs: nodeRole.role === 'os' ? { 'os.id': 'bookworm' } : {} };
      },
    };
    const loop = new AnnealerLoop({ store, catalog, clock, random: new SeededRandom(1), runnerFor: () => runner, limits: LIMITS, tickEveryMs: 2_000 });
    loop.start();
    await clock.runFor(120_000);
    await loop.stop();
    expect(ntpCalls).toBe(3);
    const snapshot = await store.snapshot();
    expect(snapshot.nodeRoles.get('lab/ntp@n1')!.value.state).toMatchObject({ kind: 'error', message: 'chronyd: cannot reach 10.0.0.1' });
    expect(snapshot.nodeRoles.get('lab/ready@n1')!.value.state).toEqual({ kind: 'blocked', reason: { code: 'parent_error', parents: ['lab/ntp@n1'] } });
  });

  it('moves children on as soon as their parents finish, without waiting for the periodic re-plan, and leaves nothing a full re-plan would change', async () => {
    const { clock, store, catalog, ready } = setup(['n1', 'n2', 'n3']);
    await ready;
    const instant: RoleRunner = { run: async ({ nodeRole }) => ({ status: 'ok', outputs: nodeRole.role === 'os' ? { 'os.id': 'bookworm' } : {} }) };
    const loop = new AnnealerLoop({ store, catalog, clock, random: new SeededRandom(1), runnerFor: () => instant, limits: LIMITS, tickEveryMs: 3_600_000 });
    loop.start();
    await clock.runFor(1_000);
    await loop.stop();
    expect([...(await store.snapshot()).nodeRoles.values()].map((v) => v.value.state.kind)).toEqual(Array(9).fill('active'));
    const fresh = new AnnealerLoop({ store, catalog, clock, random: new SeededRandom(2), runnerFor: () => instant, limits: LIMITS, tickEveryMs: 3_600_000 });
    expect(await fresh.tick()).toEqual({ decisions: 0, started: 0, conflicted: false });
  });

  it('sees what another writer commits while its runs are in flight, without waiting for the periodic re-plan', async () => {
    const { clock, store, catalog, ready } = setup(['n1', 'n2']);
    await ready;
    const runner: RoleRunner = {
      async run({ nodeRole }) {
        if (nodeRole.id === 'lab/os@n2') {
          // An operator pauses n2 while its OS installs: the commit lands between the loop's own.
          const n2 = (await store.nodes()).get('n2')!;
          await store.commit([{ kind: 'node', value: { ...n2.value, paused: true }, expectedVersion: n2.version }], []);
        }
        return { status: 'ok', outputs: nodeRole.role === 'os' ? { 'os.id': 'bookworm' } : {} };
      },
    };
    const loop = new AnnealerLoop({ store, catalog, clock, random: new SeededRandom(1), runnerFor: () => runner, limits: LIMITS, tickEveryMs: 3_600_000 });
    loop.start();
    await clock.runFor(1_000);
    await loop.stop();
    const states = (await store.snapshot()).nodeRoles;
    expect(states.get('lab/ready@n1')!.value.state.kind).toBe('active');
    expect(states.get('lab/os@n2')!.value.state.kind).toBe('active');
    expect(states.get('lab/ntp@n2')!.value.state).toEqual({ kind: 'blocked', reason: { code: 'paused' } });
  });

  it('aborts every run in flight when it stops, however many one tick started, without a listener-leak warning', async () => {
    const nodes = Array.from({ length: 40 }, (_, i) => `n${i}`);
    const { clock, store, catalog, ready } = setup(nodes);
    await ready;
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    let aborted = 0;
    const listening: RoleRunner = {
      run: (_request, signal) =>
        new Promise((_resolve, reject) => {
          // Two listeners a run, as a dispatch and a sleep would add.
          signal.addEventListener('abort', () => aborted++, { once: true });
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        }),
    };
    const loop = new AnnealerLoop({ store, catalog, clock, random: new SeededRandom(1), runnerFor: () => listening, limits: LIMITS, tickEveryMs: 2_000 });
    loop.start();
    await clock.runFor(1_000);
    expect(loop.runsInFlight).toBe(40);
    await loop.stop();
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(aborted).toBe(40);
    expect(loop.runsInFlight).toBe(0);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
