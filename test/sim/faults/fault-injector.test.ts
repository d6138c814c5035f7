/**
 * FaultInjector on the virtual clock: which queries a fault strikes, when, and
 * that a seed replays the same strikes. Times in a plan count from the moment
 * the injector is created; the clock here starts at the default virtual epoch so
 * that any confusion between absolute and elapsed time shows.
 *
 * Run: npx vitest run test/sim/faults/fault-injector.test.ts
 */
import { describe, expect, it } from 'vitest';
import {
  FaultInjector,
  FaultPlan,
  MemoryTraceSink,
  SeededRandom,
  TraceRecorder,
  VirtualClock,
  type Fault,
  type FaultPhase,
  type FaultSpec,
  type SeedInput,
} from '../../../sim/index.js';

function setup(faults: FaultSpec[], seed: SeedInput = 1) {
  const clock = new VirtualClock();
  const strikes: Array<{ source: string; type: string; data: Record<string, unknown> }> = [];
  const injector = new FaultInjector({
    plan: FaultPlan.parse({ faults }),
    clock,
    random: new SeededRandom(seed).fork('faults'),
    observer: { record: (source, type, data) => strikes.push({ source, type, data }) },
  });
  /** Moves virtual time to `elapsedMs` since the injector was created. */
  const at = async (elapsedMs: number): Promise<void> => {
    await clock.runFor(elapsedMs - injector.elapsedMs());
  };
  return { clock, injector, strikes, at };
}

/** The ids striking `target` now. */
function ids(injector: FaultInjector, target: string): string[] {
  return injector.strikes(target).map((f) => f.id);
}

/** Indices of the queries (of `count`, all at the same instant) on which fault `id` struck. */
function struckQueries(injector: FaultInjector, id: string, count: number, target = 'bmc:r1-s1'): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (injector.strikes(target).some((f) => f.id === id)) out.push(i);
  return out;
}

describe('FaultInjector: one-shot faults (atMs)', () => {
  it('strikes exactly once, at the first query at or after atMs', async () => {
    const { injector, at } = setup([{ id: 'crash', target: 'node:r1-s1', kind: 'crash', atMs: 1_000 }]);
    expect(ids(injector, 'node:r1-s1')).toEqual([]);
    await at(999);
    expect(ids(injector, 'node:r1-s1')).toEqual([]);
    await at(1_000);
    expect(ids(injector, 'node:r1-s1')).toEqual(['crash']);
    expect(ids(injector, 'node:r1-s1')).toEqual([]);
    await at(50_000);
    expect(ids(injector, 'node:r1-s1')).toEqual([]);
  });

  it('strikes at the first query after atMs when nobody asked at atMs itself', async () => {
    const { injector, at } = setup([{ id: 'crash', target: 'node:r1-s1', kind: 'crash', atMs: 1_000 }]);
    await at(7_500);
    expect(ids(injector, 'node:r1-s1')).toEqual(['crash']);
    expect(ids(injector, 'node:r1-s1')).toEqual([]);
  });

  it('counts atMs from the injector’s creation, not from the clock’s epoch', async () => {
    const clock = new VirtualClock();
    await clock.runFor(60_000);
    const injector = new FaultInjector({
      plan: FaultPlan.parse({ faults: [{ target: 'node:a', kind: 'crash', atMs: 1_000 }] }),
      clock,
      random: new SeededRandom(1),
    });
    expect(injector.elapsedMs()).toBe(0);
    expect(injector.strike('node:a')).toBeUndefined();
    await clock.runFor(1_000);
    expect(injector.strike('node:a')?.id).toBe('fault-0');
  });

  it('is not spent by a query its params rule out: a package-fail for nginx survives an install of curl', async () => {
    const { injector, at } = setup([{ id: 'nginx', target: 'node:r1-s1', kind: 'package-fail', atMs: 10, params: { package: 'nginx' } }]);
    await at(10);
    const forPackage = (name: string) => injector.strikes('node:r1-s1', ['package-fail'], (f) => 'params' in f && f.params?.package === name).map((f) => f.id);
    expect(forPackage('curl')).toEqual([]);
    expect(forPackage('nginx')).toEqual(['nginx']);
    expect(forPackage('nginx')).toEqual([]);
  });

  it('is spent by the first matching target only: a glob one-shot fault strikes one target once', async () => {
    const { injector, at } = setup([{ id: 'one', target: 'bmc:*', kind: 'reset', atMs: 10 }]);
    await at(10);
    expect(ids(injector, 'node:r1-s1')).toEqual([]); // not a match: does not spend it
    expect(ids(injector, 'bmc:r1-s2')).toEqual(['one']);
    expect(ids(injector, 'bmc:r1-s1')).toEqual([]);
  });

  const patterns: Array<{ pattern: string; hits: string[]; misses: string[] }> = [
    { pattern: 'bmc:*', hits: ['bmc:r1-s1', 'bmc:r12-s40', 'bmc:x'], misses: ['node:r1-s1', 'bmcx:r1', 'xbmc:r1-s1'] },
    { pattern: 'bmc:r1-*', hits: ['bmc:r1-s1', 'bmc:r1-s12'], misses: ['bmc:r2-s1', 'bmc:r11-s1', 'node:r1-s1'] },
    { pattern: 'bmc:r1-s1', hits: ['bmc:r1-s1'], misses: ['bmc:r1-s10', 'bmc:r1-s', 'xbmc:r1-s1'] },
    { pattern: 'addr:127.1.*:623', hits: ['addr:127.1.2.3:623'], misses: ['addr:127x1.2.3:623', 'addr:127.1.2.3:6230'] },
  ];
  for (const { pattern, hits, misses } of patterns) {
    it(`aims ${pattern} at ${hits.join(', ')} and never at ${misses.join(', ')}`, async () => {
      for (const target of hits) {
        const { injector, at } = setup([{ target: pattern, kind: 'drop', atMs: 5 }]);
        await at(5);
        expect(ids(injector, target), target).toEqual(['fault-0']);
      }
      for (const target of misses) {
        const { injector, at } = setup([{ target: pattern, kind: 'drop', atMs: 5 }]);
        await at(5);
        expect(ids(injector, target), target).toEqual([]);
      }
    });
  }
});

describe('FaultInjector: windows and always-on faults', () => {
  it('strikes on every query in [fromMs, toMs) and on none outside it', async () => {
    const { injector, at } = setup([{ id: 'outage', target: 'bmc:r2-*', kind: 'drop', window: { fromMs: 1_000, toMs: 2_000 } }]);
    const seen: Array<[number, boolean]> = [];
    for (const t of [0, 999, 1_000, 1_001, 1_500, 1_999, 2_000, 5_000]) {
      await at(t);
      seen.push([t, injector.strike('bmc:r2-s1') !== undefined], [t, injector.strike('bmc:r2-s1') !== undefined]);
    }
    expect(seen.filter(([, hit]) => hit).map(([t]) => t)).toEqual([1_000, 1_000, 1_001, 1_001, 1_500, 1_500, 1_999, 1_999]);
  });

  it('strikes on every query for the whole run when neither atMs nor window is given', async () => {
    const { injector, at } = setup([{ target: 'bmc:*', kind: 'latency', latencyMs: 40 }]);
    for (const t of [0, 1, 60_000, 3_600_000]) {
      await at(t);
      expect(injector.strike('bmc:r1-s1')?.kind).toBe('latency');
    }
  });

  it('returns every striking fault in plan order, and strike() the first of them', () => {
    const { injector } = setup([
      { id: 'slow', target: 'bmc:*', kind: 'latency', latencyMs: 40 },
      { id: 'other-rack', target: 'bmc:r2-*', kind: 'drop' },
      { id: 'busy', target: 'bmc:r1-*', kind: 'error', status: 503 },
    ]);
    expect(ids(injector, 'bmc:r1-s1')).toEqual(['slow', 'busy']);
    expect(injector.strike('bmc:r1-s1')?.id).toBe('slow');
    expect(injector.strike('node:r1-s1')).toBeUndefined();
  });

  it('hands back the fault as planned, so a component can read its parameters', () => {
    const { injector } = setup([{ id: 'busy', target: 'bmc:*', kind: 'error', status: 503 }]);
    const fault = injector.strike('bmc:r1-s1');
    expect(fault).toEqual({ id: 'busy', target: 'bmc:*', kind: 'error', status: 503 });
  });
});

describe('FaultInjector: kinds filter', () => {
  it('returns only faults of the asked kinds', () => {
    const { injector } = setup([
      { id: 'slow', target: 'bmc:*', kind: 'latency', latencyMs: 40 },
      { id: 'busy', target: 'bmc:*', kind: 'error', status: 503 },
      { id: 'gone', target: 'bmc:*', kind: 'drop' },
    ]);
    expect(injector.strikes('bmc:r1-s1', ['error']).map((f) => f.id)).toEqual(['busy']);
    expect(injector.strikes('bmc:r1-s1', ['drop', 'latency']).map((f) => f.id)).toEqual(['slow', 'gone']);
    expect(injector.strike('bmc:r1-s1', ['reset'])).toBeUndefined();
    expect(injector.strikes('bmc:r1-s1', []).map((f) => f.id)).toEqual([]);
  });

  it('does not spend a one-shot fault on a query for other kinds', async () => {
    const { injector, at } = setup([{ id: 'crash', target: 'node:a', kind: 'crash', atMs: 100 }]);
    await at(200);
    expect(injector.strike('node:a', ['latency', 'drop'])).toBeUndefined();
    expect(injector.strike('node:a', ['crash'])?.id).toBe('crash');
    expect(injector.strike('node:a', ['crash'])).toBeUndefined();
  });
});

describe('FaultInjector: probability is drawn from the seed', () => {
  const busy: FaultSpec = { id: 'busy', target: 'bmc:*', kind: 'error', status: 503, probability: 0.3 };

  it('strikes about 30% of 10,000 queries at probability 0.3', () => {
    const { injector } = setup([busy], 0x5eed);
    const hits = struckQueries(injector, 'busy', 10_000).length;
    // Binomial(10000, 0.3): sd ≈ 46; ±200 is more than 4 sd.
    expect(hits).toBeGreaterThan(2_800);
    expect(hits).toBeLessThan(3_200);
  });

  it('strikes the same queries for the same seed, and different ones for another seed', () => {
    const a = struckQueries(setup([busy], 42).injector, 'busy', 2_000);
    const b = struckQueries(setup([busy], 42).injector, 'busy', 2_000);
    const c = struckQueries(setup([busy], 43).injector, 'busy', 2_000);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('never strikes at probability 0, and always at probability 1', () => {
    const { injector } = setup([
      { id: 'never', target: 'bmc:*', kind: 'drop', probability: 0 },
      { id: 'always', target: 'bmc:*', kind: 'reset', probability: 1 },
    ]);
    expect(struckQueries(injector, 'never', 1_000)).toEqual([]);
    expect(struckQueries(setup([{ id: 'always', target: 'bmc:*', kind: 'reset', probability: 1 }]).injector, 'always', 1_000)).toHaveLength(1_000);
  });

  it('adding a second fault to the plan does not change which queries the first one strikes', () => {
    const alone = struckQueries(setup([busy], 7).injector, 'busy', 3_000);
    const appended = struckQueries(
      setup([busy, { id: 'lossy', target: 'bmc:*', kind: 'drop', probability: 0.5 }], 7).injector,
      'busy',
      3_000,
    );
    const prepended = struckQueries(
      setup([{ id: 'lossy', target: 'bmc:*', kind: 'drop', probability: 0.5 }, busy], 7).injector,
      'busy',
      3_000,
    );
    expect(appended).toEqual(alone);
    expect(prepended).toEqual(alone);
  });

  it('appending a fault keeps the default fault-N id, and so the strikes, of the ones before it', () => {
    const noId: FaultSpec = { target: 'bmc:*', kind: 'drop', probability: 0.3 };
    const alone = struckQueries(setup([noId], 9).injector, 'fault-0', 3_000);
    const appended = struckQueries(setup([noId, { target: 'bmc:*', kind: 'reset', probability: 0.3 }], 9).injector, 'fault-0', 3_000);
    expect(appended).toEqual(alone);
  });

  it('queries filtered out by target or kind draw nothing, so they do not shift later strikes', () => {
    const plain = setup([busy], 11).injector;
    const busyDay = setup([busy], 11).injector;
    const a: boolean[] = [];
    const b: boolean[] = [];
    for (let i = 0; i < 2_000; i++) {
      a.push(plain.strike('bmc:r1-s1') !== undefined);
      busyDay.strike('node:r1-s1');
      busyDay.strike('bmc:r1-s1', ['latency']);
      b.push(busyDay.strike('bmc:r1-s1') !== undefined);
    }
    expect(b).toEqual(a);
  });

  it('thins a one-shot fault: it strikes once, at a drawn query at or after atMs', async () => {
    const { injector, at } = setup([{ id: 'maybe', target: 'bmc:*', kind: 'reset', atMs: 10, probability: 0.3 }], 3);
    await at(10);
    const hits = struckQueries(injector, 'maybe', 1_000);
    expect(hits).toHaveLength(1);
  });
});

describe('FaultInjector: observer', () => {
  it('reports each strike as a fault.strike record with the fault id, kind and target', async () => {
    const { injector, strikes, at } = setup([
      { id: 'slow', target: 'bmc:*', kind: 'latency', latencyMs: 40 },
      { id: 'crash', target: 'node:*', kind: 'crash', atMs: 500 },
    ]);
    injector.strikes('bmc:r1-s2');
    injector.strikes('node:r1-s1'); // too early: no record
    await at(500);
    injector.strikes('node:r1-s1');
    injector.strikes('node:r1-s1'); // spent: no record
    expect(strikes).toEqual([
      { source: 'faults', type: 'fault.strike', data: { id: 'slow', kind: 'latency', target: 'bmc:r1-s2' } },
      { source: 'faults', type: 'fault.strike', data: { id: 'crash', kind: 'crash', target: 'node:r1-s1' } },
    ]);
  });

  it('does not report faults that did not strike (filtered, missed the draw, outside the window)', () => {
    const { injector, strikes } = setup([
      { id: 'never', target: 'bmc:*', kind: 'drop', probability: 0 },
      { id: 'later', target: 'bmc:*', kind: 'reset', window: { fromMs: 1_000, toMs: 2_000 } },
      { id: 'slow', target: 'bmc:*', kind: 'latency', latencyMs: 1 },
    ]);
    injector.strikes('bmc:r1-s1', ['drop', 'reset']);
    injector.strikes('node:r1-s1');
    expect(strikes).toEqual([]);
  });

  it('plugs into a TraceRecorder: strikes become trace lines at their virtual time', async () => {
    const clock = new VirtualClock();
    const sink = new MemoryTraceSink();
    const trace = new TraceRecorder({ clock, sink });
    const injector = new FaultInjector({
      plan: FaultPlan.parse({ faults: [{ id: 'cut', target: 'link:*', kind: 'link-down', atMs: 250 }] }),
      clock,
      random: new SeededRandom(1),
      observer: trace,
    });
    await clock.runFor(300);
    injector.strike('link:a-b');
    expect(sink.lines).toEqual(['{"t":300,"seq":0,"source":"faults","type":"fault.strike","data":{"id":"cut","kind":"link-down","target":"link:a-b"}}']);
  });
});

describe('FaultInjector: onScheduled', () => {
  /** Listens on `pattern` and logs `id:phase@elapsedMs`. */
  function listen(injector: FaultInjector, pattern: string) {
    const log: string[] = [];
    const subscription = injector.onScheduled(pattern, (fault: Fault, phase: FaultPhase) => log.push(`${fault.id}:${phase}@${injector.elapsedMs()}`));
    return { log, subscription };
  }

  it('announces a one-shot fault with start at atMs, and a window with start at fromMs and end at toMs', async () => {
    const { injector, clock } = setup([
      { id: 'crash', target: 'node:r1-s3', kind: 'crash', atMs: 1_000 },
      { id: 'cut', target: 'node:r1-s3', kind: 'partition', window: { fromMs: 2_000, toMs: 5_000 } },
    ]);
    const { log } = listen(injector, 'node:r1-s3');
    expect(log).toEqual([]);
    await clock.runUntilIdle();
    expect(log).toEqual(['crash:start@1000', 'cut:start@2000', 'cut:end@5000']);
  });

  it('lets a listener for a concrete target hear a fault aimed at a glob', async () => {
    const { injector, clock } = setup([{ id: 'rack', target: 'node:r1-*', kind: 'crash', window: { fromMs: 10, toMs: 20 } }]);
    const { log } = listen(injector, 'node:r1-s3');
    const other = listen(injector, 'node:r2-s3');
    await clock.runUntilIdle();
    expect(log).toEqual(['rack:start@10', 'rack:end@20']);
    expect(other.log).toEqual([]);
  });

  it('lets a listener on a glob hear a fault aimed at a concrete target', async () => {
    const { injector, clock } = setup([
      { id: 'one', target: 'node:r1-s3', kind: 'crash', atMs: 30 },
      { id: 'bmc', target: 'bmc:r1-s3', kind: 'hang', atMs: 40 },
    ]);
    const { log } = listen(injector, 'node:*');
    await clock.runUntilIdle();
    expect(log).toEqual(['one:start@30']);
  });

  it('announces nothing for faults without a schedule, and ignores probability', async () => {
    const { injector, clock } = setup([
      { id: 'always', target: 'node:*', kind: 'crash' },
      { id: 'never-drawn', target: 'node:*', kind: 'crash', atMs: 5, probability: 0 },
    ]);
    const { log } = listen(injector, 'node:a');
    await clock.runUntilIdle();
    expect(log).toEqual(['never-drawn:start@5']);
  });

  it('keeps to the plan’s time base when a listener subscribes late: past marks are skipped, an open window starts at once', async () => {
    const { injector, clock } = setup([
      { id: 'early', target: 'node:a', kind: 'crash', atMs: 100 },
      { id: 'late', target: 'node:a', kind: 'crash', atMs: 1_000 },
      { id: 'spanning', target: 'node:a', kind: 'hang', window: { fromMs: 200, toMs: 2_000 } },
      { id: 'over', target: 'node:a', kind: 'hang', window: { fromMs: 200, toMs: 400 } },
    ]);
    await clock.runFor(500);
    const { log } = listen(injector, 'node:a');
    await clock.runUntilIdle();
    expect(log).toEqual(['spanning:start@500', 'late:start@1000', 'spanning:end@2000']);
  });

  it('stops announcing after dispose(), leaving no timers behind', async () => {
    const { injector, clock } = setup([
      { id: 'crash', target: 'node:a', kind: 'crash', atMs: 1_000 },
      { id: 'cut', target: 'node:a', kind: 'partition', window: { fromMs: 2_000, toMs: 5_000 } },
    ]);
    const { log, subscription } = listen(injector, 'node:a');
    expect(clock.pendingTimers).toBe(3);
    await clock.runFor(1_500);
    expect(log).toEqual(['crash:start@1000']);
    await subscription.dispose();
    expect(clock.pendingTimers).toBe(0);
    await clock.runUntilIdle();
    expect(log).toEqual(['crash:start@1000']);
  });

  it('disposes one listener without silencing another', async () => {
    const { injector, clock } = setup([{ id: 'crash', target: 'node:*', kind: 'crash', atMs: 10 }]);
    const a = listen(injector, 'node:a');
    const b = listen(injector, 'node:b');
    await a.subscription.dispose();
    await clock.runUntilIdle();
    expect(a.log).toEqual([]);
    expect(b.log).toEqual(['crash:start@10']);
  });
});
