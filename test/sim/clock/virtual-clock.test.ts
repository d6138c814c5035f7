/**
 * VirtualClock: the semantics model fidelity relies on. Every test here pins
 * something a user of the simulator would notice — which timer fires first,
 * what virtual time a callback sees, when a run stops and how it fails.
 *
 * Run: npx vitest run test/sim/clock/virtual-clock.test.ts
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_VIRTUAL_EPOCH_MS,
  InvalidArgumentError,
  SimError,
  VirtualClock,
  type TimerHandle,
} from '../../../sim/index.js';

/** A clock at t=0 and a log whose entries read `label@t`. */
function setup(options: { maxEventsPerRun?: number } = {}): {
  clock: VirtualClock;
  log: string[];
  mark: (label: string) => () => void;
} {
  const clock = new VirtualClock({ startMs: 0, ...options });
  const log: string[] = [];
  const mark = (label: string) => (): void => {
    log.push(`${label}@${clock.now()}`);
  };
  return { clock, log, mark };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

describe('VirtualClock: construction', () => {
  it('starts at 2026-01-01T00:00:00Z by default so that two runs print the same dates', () => {
    expect(DEFAULT_VIRTUAL_EPOCH_MS).toBe(Date.UTC(2026, 0, 1));
    expect(new VirtualClock().now()).toBe(DEFAULT_VIRTUAL_EPOCH_MS);
  });

  it('starts at startMs when given one', () => {
    expect(new VirtualClock({ startMs: 1_234 }).now()).toBe(1_234);
  });

  it('rejects a start time that is not a finite number, naming startMs', () => {
    for (const startMs of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new VirtualClock({ startMs })).toThrow(InvalidArgumentError);
      expect(() => new VirtualClock({ startMs })).toThrow(/^startMs:/);
    }
  });

  it('does not move on its own: scheduling a timer leaves now() unchanged until a run', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(mark('a'), 10);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(clock.now()).toBe(0);
    expect(log).toEqual([]);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.nextDueMs()).toBe(10);
  });
});

describe('VirtualClock: firing order', () => {
  it('fires timers in due-time order, each seeing its own due time as now()', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(mark('c'), 30);
    clock.setTimeout(mark('a'), 10);
    clock.setTimeout(mark('b'), 20);
    await clock.runUntilIdle();
    expect(log).toEqual(['a@10', 'b@20', 'c@30']);
    expect(clock.now()).toBe(30);
  });

  it('fires timers due at the same instant in the order they were scheduled', async () => {
    const { clock, log, mark } = setup();
    for (const label of ['e', 'b', 'd', 'a', 'c']) clock.setTimeout(mark(label), 10);
    clock.setTimeout(mark('early'), 5);
    await clock.runUntilIdle();
    expect(log).toEqual(['early@5', 'e@10', 'b@10', 'd@10', 'a@10', 'c@10']);
  });

  it('a timer scheduled from a callback for the same instant fires after the timers already due then', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(() => {
      mark('a')();
      clock.setTimeout(mark('x'), 0);
    }, 10);
    clock.setTimeout(mark('b'), 10);
    clock.setTimeout(mark('later'), 11);
    await clock.runUntilIdle();
    expect(log).toEqual(['a@10', 'b@10', 'x@10', 'later@11']);
  });

  it('fires an interval at every multiple of its period', async () => {
    const { clock, log, mark } = setup();
    clock.setInterval(mark('tick'), 10);
    await clock.runFor(35);
    expect(log).toEqual(['tick@10', 'tick@20', 'tick@30']);
  });

  it('reschedules an interval after its callback: a timer scheduled before the tick wins the tie at the next tick', async () => {
    const { clock, log, mark } = setup();
    clock.setInterval(mark('I'), 10); // scheduled first, due 10, 20, …
    clock.setTimeout(mark('T'), 20); // scheduled second, due 20
    await clock.runFor(20);
    // Had the interval kept its first sequence number, I@20 would come before T@20.
    expect(log).toEqual(['I@10', 'T@20', 'I@20']);
  });

  it('reschedules an interval after its callback: a timer its own callback schedules for the next tick fires first', async () => {
    const { clock, log, mark } = setup();
    let first = true;
    clock.setInterval(() => {
      mark('I')();
      if (first) clock.setTimeout(mark('T'), 10);
      first = false;
    }, 10);
    await clock.runFor(20);
    expect(log).toEqual(['I@10', 'T@20', 'I@20']);
  });

  it('reports the next due time and the number of live timers', async () => {
    const { clock } = setup();
    expect(clock.nextDueMs()).toBeUndefined();
    expect(clock.pendingTimers).toBe(0);
    const a = clock.setTimeout(() => {}, 30);
    clock.setTimeout(() => {}, 50);
    expect(clock.nextDueMs()).toBe(30);
    expect(clock.pendingTimers).toBe(2);
    clock.clearTimeout(a);
    expect(clock.nextDueMs()).toBe(50);
    expect(clock.pendingTimers).toBe(1);
    await clock.runUntilIdle();
    expect(clock.nextDueMs()).toBeUndefined();
    expect(clock.pendingTimers).toBe(0);
  });

  it('gives every timer a distinct id', () => {
    const { clock } = setup();
    const ids = new Set<number>();
    for (let i = 0; i < 100; i++) ids.add(clock.setTimeout(() => {}, i % 7).timerId);
    expect(ids.size).toBe(100);
  });
});

describe('VirtualClock: clearing timers', () => {
  it('a timeout cleared before it fires never fires', async () => {
    const { clock, log, mark } = setup();
    const a = clock.setTimeout(mark('a'), 10);
    clock.setTimeout(mark('b'), 20);
    clock.clearTimeout(a);
    expect(clock.pendingTimers).toBe(1);
    expect(await clock.runUntilIdle()).toBe(1);
    expect(log).toEqual(['b@20']);
  });

  it('an interval cleared before its first tick never fires', async () => {
    const { clock, log, mark } = setup();
    const i = clock.setInterval(mark('i'), 10);
    clock.clearInterval(i);
    expect(clock.pendingTimers).toBe(0);
    expect(await clock.runUntilIdle()).toBe(0);
    expect(log).toEqual([]);
  });

  it('a callback can clear a timer due at the same instant', async () => {
    const { clock, log, mark } = setup();
    const handles: { b?: TimerHandle; i?: TimerHandle } = {};
    clock.setTimeout(() => {
      mark('a')();
      clock.clearTimeout(handles.b);
      clock.clearInterval(handles.i);
    }, 10);
    handles.b = clock.setTimeout(mark('b'), 10);
    handles.i = clock.setInterval(mark('i'), 10);
    clock.setTimeout(mark('c'), 10);
    expect(await clock.runUntilIdle()).toBe(2);
    expect(log).toEqual(['a@10', 'c@10']);
  });

  it('an interval can clear itself from inside its own callback', async () => {
    const { clock, log, mark } = setup();
    let ticks = 0;
    const i = clock.setInterval(() => {
      mark('i')();
      if (++ticks === 3) clock.clearInterval(i);
    }, 10);
    expect(await clock.runUntilIdle()).toBe(3);
    expect(log).toEqual(['i@10', 'i@20', 'i@30']);
    expect(clock.pendingTimers).toBe(0);
    expect(clock.now()).toBe(30);
  });

  it('a timeout clearing itself from its own callback is harmless', async () => {
    const { clock, log, mark } = setup();
    const a = clock.setTimeout(() => {
      mark('a')();
      clock.clearTimeout(a);
    }, 10);
    clock.setTimeout(mark('b'), 20);
    expect(await clock.runUntilIdle()).toBe(2);
    expect(log).toEqual(['a@10', 'b@20']);
  });

  it('clearTimeout also clears an interval and clearInterval a timeout, as in Node', async () => {
    const { clock, log, mark } = setup();
    clock.clearTimeout(clock.setInterval(mark('i'), 10));
    clock.clearInterval(clock.setTimeout(mark('t'), 10));
    expect(await clock.runFor(100)).toBe(0);
    expect(log).toEqual([]);
  });

  it('clearing a handle made by another clock throws an error that says so, and cancels nothing', async () => {
    const { clock: mine, log, mark } = setup();
    const other = new VirtualClock({ startMs: 0 });
    const foreign = other.setTimeout(() => log.push(`other@${other.now()}`), 10);
    const foreignInterval = other.setInterval(() => {}, 10);
    mine.setTimeout(mark('mine'), 10);
    for (const clear of [() => mine.clearTimeout(foreign), () => mine.clearInterval(foreignInterval)]) {
      expect(clear).toThrow(InvalidArgumentError);
      expect(clear).toThrow(/^handle: this timer belongs to another clock/);
    }
    expect(() => mine.clearTimeout({ timerId: 1 })).toThrow(InvalidArgumentError);
    expect(other.pendingTimers).toBe(2);
    expect(mine.pendingTimers).toBe(1);
    await other.runFor(10);
    await mine.runFor(10);
    expect(log).toEqual(['other@10', 'mine@10']);
  });

  it('clearing undefined, an already-fired handle or a handle twice is a no-op', async () => {
    const { clock, log, mark } = setup();
    const a = clock.setTimeout(mark('a'), 10);
    clock.setTimeout(mark('b'), 20);
    clock.clearTimeout(undefined);
    clock.clearInterval(undefined);
    await clock.runFor(10);
    clock.clearTimeout(a);
    clock.clearTimeout(a);
    clock.clearInterval(a);
    expect(clock.pendingTimers).toBe(1);
    const c = clock.setTimeout(mark('c'), 5);
    clock.clearTimeout(c);
    clock.clearTimeout(c);
    expect(clock.pendingTimers).toBe(1);
    await clock.runUntilIdle();
    expect(log).toEqual(['a@10', 'b@20']);
  });
});

describe('VirtualClock: microtasks and nextTick run before the next timer', () => {
  it('a promise continuation started by timer A cancels timer B due at the same instant: B never fires', async () => {
    const { clock, log, mark } = setup();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    clock.setTimeout(() => {
      mark('A')();
      open();
    }, 10);
    const b = clock.setTimeout(mark('B'), 10);
    void gate.then(() => clock.clearTimeout(b));
    expect(await clock.runUntilIdle()).toBe(1);
    expect(log).toEqual(['A@10']);
  });

  it('an async function several awaits deep still cancels the timer due at the same instant', async () => {
    const { clock, log, mark } = setup();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    clock.setTimeout(() => {
      mark('A')();
      open();
    }, 10);
    const b = clock.setTimeout(mark('B'), 10);
    void (async () => {
      await gate;
      for (let i = 0; i < 50; i++) await null;
      clock.clearTimeout(b);
    })();
    await clock.runUntilIdle();
    expect(log).toEqual(['A@10']);
  });

  it('a process.nextTick callback queued by timer A cancels timer B due at the same instant', async () => {
    const { clock, log, mark } = setup();
    const handles: { b?: TimerHandle } = {};
    clock.setTimeout(() => {
      mark('A')();
      process.nextTick(() => clock.clearTimeout(handles.b));
    }, 10);
    handles.b = clock.setTimeout(mark('B'), 10);
    await clock.runUntilIdle();
    expect(log).toEqual(['A@10']);
  });

  it('runs queued microtasks and nextTicks between two timers due at the same instant, in Node order', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(() => {
      mark('A')();
      queueMicrotask(mark('microtask'));
      process.nextTick(mark('tick'));
      void Promise.resolve().then(mark('then'));
    }, 10);
    clock.setTimeout(mark('B'), 10);
    await clock.runUntilIdle();
    expect(log).toEqual(['A@10', 'tick@10', 'microtask@10', 'then@10', 'B@10']);
  });

  it('a timer a continuation schedules for "now" fires at the same instant, after the timers already due', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(() => {
      mark('A')();
      void Promise.resolve().then(() => clock.setTimeout(mark('X'), 0));
    }, 10);
    clock.setTimeout(mark('B'), 10);
    clock.setTimeout(mark('C'), 11);
    await clock.runUntilIdle();
    expect(log).toEqual(['A@10', 'B@10', 'X@10', 'C@11']);
  });
});

describe('VirtualClock: host immediates run before virtual time advances', () => {
  it('a timer scheduled from a setImmediate queued by a callback fires before the next later timer', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(() => {
      mark('A')();
      setImmediate(() => clock.setTimeout(mark('B'), 0));
    }, 10);
    clock.setTimeout(mark('C'), 20);
    expect(await clock.runUntilIdle()).toBe(3);
    expect(log).toEqual(['A@10', 'B@10', 'C@20']);
  });

  it('waits through a chain of host turns (immediate → immediate → timer)', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(() => {
      mark('A')();
      setImmediate(() => setImmediate(() => setImmediate(() => clock.setTimeout(mark('B'), 0))));
    }, 10);
    clock.setTimeout(mark('C'), 11);
    await clock.runUntilIdle();
    expect(log).toEqual(['A@10', 'B@10', 'C@11']);
  });

  it('waits for an immediate queued from a promise continuation, with nothing else scheduled', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(() => {
      mark('A')();
      void Promise.resolve().then(() => setImmediate(() => clock.setTimeout(mark('B'), 5)));
    }, 10);
    expect(await clock.runUntilIdle()).toBe(2);
    expect(log).toEqual(['A@10', 'B@15']);
  });
});

describe('VirtualClock: sleep', () => {
  it('a chain of awaited sleeps advances virtual time by exactly the sum', async () => {
    const { clock } = setup();
    const seen: number[] = [];
    const task = (async () => {
      await clock.sleep(10);
      seen.push(clock.now());
      await clock.sleep(25);
      seen.push(clock.now());
      await clock.sleep(0);
      seen.push(clock.now());
      for (let i = 0; i < 10; i++) await clock.sleep(1_000);
      seen.push(clock.now());
      return 'done';
    })();
    expect(await clock.runUntilIdle()).toBe(13);
    expect(seen).toEqual([10, 35, 35, 10_035]);
    expect(await task).toBe('done');
  });

  it('concurrent sleepers wake in order of their wake-up times', async () => {
    const { clock } = setup();
    const woke: string[] = [];
    const sleepers = [30, 10, 20, 10].map((ms, i) => clock.sleep(ms).then(() => woke.push(`s${i}@${clock.now()}`)));
    await clock.runUntilIdle();
    await Promise.all(sleepers);
    expect(woke).toEqual(['s1@10', 's3@10', 's2@20', 's0@30']);
  });

  it('a sleep started from a timer callback counts from the callback time', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(() => {
      void clock.sleep(10).then(mark('woke'));
    }, 5);
    clock.setTimeout(mark('other'), 15);
    await clock.runUntilIdle();
    expect(log).toEqual(['other@15', 'woke@15']);
  });

  it('sleep(0) resolves at the same instant, but only when the clock runs', async () => {
    const { clock } = setup();
    let done = false;
    void clock.sleep(0).then(() => {
      done = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    expect(await clock.runUntilIdle()).toBe(1);
    expect(done).toBe(true);
    expect(clock.now()).toBe(0);
  });

  it('with a signal aborted before the call, rejects with the reason and schedules nothing', async () => {
    const { clock } = setup();
    const controller = new AbortController();
    const reason = new Error('shutting down');
    controller.abort(reason);
    expect(await rejection(clock.sleep(100, controller.signal))).toBe(reason);
    expect(clock.pendingTimers).toBe(0);
  });

  it('aborted while sleeping, rejects with the reason at the abort time and removes its timer', async () => {
    const { clock } = setup();
    const controller = new AbortController();
    const reason = new Error('cancelled by operator');
    let settledAt: number | undefined;
    const outcome = clock.sleep(100, controller.signal).then(
      () => 'resolved',
      (error: unknown) => {
        settledAt = clock.now();
        return error;
      },
    );
    clock.setTimeout(() => controller.abort(reason), 5);
    expect(clock.pendingTimers).toBe(2);
    expect(await clock.runUntilIdle()).toBe(1);
    expect(await outcome).toBe(reason);
    expect(settledAt).toBe(5);
    // The sleep's timer is gone: the run ended at the abort, not at t=100.
    expect(clock.now()).toBe(5);
    expect(clock.pendingTimers).toBe(0);
  });

  it('aborted without a reason, rejects with an AbortError', async () => {
    const { clock } = setup();
    const controller = new AbortController();
    const pending = rejection(clock.sleep(100, controller.signal));
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('AbortError');
    expect(clock.pendingTimers).toBe(0);
  });

  it('aborting after the sleep resolved changes nothing', async () => {
    const { clock } = setup();
    const controller = new AbortController();
    const sleeping = clock.sleep(10, controller.signal);
    await clock.runUntilIdle();
    await expect(sleeping).resolves.toBeUndefined();
    controller.abort(new Error('too late'));
    expect(clock.pendingTimers).toBe(0);
    expect(await clock.runUntilIdle()).toBe(0);
  });

  it('one signal aborts every sleep that shares it', async () => {
    const { clock } = setup();
    const controller = new AbortController();
    const reason = new Error('stop');
    const sleeps = [10, 20, 30].map((ms) =>
      clock.sleep(ms, controller.signal).then(
        () => 'woke',
        (error: unknown) => error,
      ),
    );
    clock.setTimeout(() => controller.abort(reason), 15);
    await clock.runUntilIdle();
    expect(await Promise.all(sleeps)).toEqual(['woke', reason, reason]);
    expect(clock.now()).toBe(15);
  });
});

describe('VirtualClock: runUntilIdle', () => {
  it('returns the number of timers that fired, intervals counting once per tick', async () => {
    const { clock } = setup();
    clock.setTimeout(() => {}, 1);
    clock.setTimeout(() => {}, 1);
    let ticks = 0;
    const i = clock.setInterval(() => {
      if (++ticks === 4) clock.clearInterval(i);
    }, 7);
    expect(await clock.runUntilIdle()).toBe(6);
    expect(clock.now()).toBe(28);
  });

  it('with nothing scheduled returns 0 and leaves the time alone', async () => {
    const { clock } = setup();
    expect(await clock.runUntilIdle()).toBe(0);
    expect(clock.now()).toBe(0);
  });

  it('runs many timers across many host turns without losing or reordering any', async () => {
    const { clock } = setup();
    const fired: number[] = [];
    for (let i = 0; i < 1_000; i++) clock.setTimeout(() => fired.push(i), 1_000 - (i % 10));
    expect(await clock.runUntilIdle()).toBe(1_000);
    const expected = Array.from({ length: 1_000 }, (_, i) => i).sort((a, b) => a % 10 === b % 10 ? a - b : (b % 10) - (a % 10));
    expect(fired).toEqual(expected);
  });
});

describe('VirtualClock: runFor', () => {
  it('fires timers due within the window, inclusive of its end, and stops at exactly start + ms', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(mark('a'), 10);
    clock.setTimeout(mark('b'), 20);
    clock.setTimeout(mark('c'), 21);
    expect(await clock.runFor(20)).toBe(2);
    expect(log).toEqual(['a@10', 'b@20']);
    expect(clock.now()).toBe(20);
    expect(clock.pendingTimers).toBe(1);
    expect(await clock.runFor(1)).toBe(1);
    expect(log).toEqual(['a@10', 'b@20', 'c@21']);
  });

  it('advances to exactly start + ms when nothing is scheduled', async () => {
    const { clock } = setup();
    expect(await clock.runFor(1_500)).toBe(0);
    expect(clock.now()).toBe(1_500);
    expect(await clock.runFor(0)).toBe(0);
    expect(clock.now()).toBe(1_500);
  });

  it('advances to exactly start + ms when the next timer lies beyond the window, and fires it later', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(mark('far'), 50);
    expect(await clock.runFor(30)).toBe(0);
    expect(clock.now()).toBe(30);
    expect(log).toEqual([]);
    expect(await clock.runFor(20)).toBe(1);
    expect(log).toEqual(['far@50']);
  });

  it('fires a timer scheduled during the window for its last instant', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(() => clock.setTimeout(mark('edge'), 10), 10);
    expect(await clock.runFor(20)).toBe(2);
    expect(log).toEqual(['edge@20']);
  });

  it('runFor(0) fires the timers due now and nothing later', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(mark('now'), 0);
    clock.setTimeout(mark('soon'), 1);
    expect(await clock.runFor(0)).toBe(1);
    expect(log).toEqual(['now@0']);
  });

  it('bounds a run with a live interval', async () => {
    const { clock } = setup();
    let ticks = 0;
    clock.setInterval(() => ticks++, 10);
    expect(await clock.runFor(100)).toBe(10);
    expect(ticks).toBe(10);
    expect(clock.now()).toBe(100);
    expect(clock.nextDueMs()).toBe(110);
  });
});

describe('VirtualClock: runUntil', () => {
  it('stops as soon as the predicate holds and leaves later timers scheduled', async () => {
    const { clock } = setup();
    let ticks = 0;
    clock.setInterval(() => ticks++, 10);
    clock.setTimeout(() => {}, 25);
    expect(await clock.runUntil(() => ticks >= 3)).toBe(4);
    expect(ticks).toBe(3);
    expect(clock.now()).toBe(30);
    expect(clock.pendingTimers).toBe(1);
  });

  it('checks the predicate after the callback’s continuations, before a timer due at the same instant', async () => {
    const { clock, log, mark } = setup();
    let ready = false;
    clock.setTimeout(() => {
      mark('A')();
      void Promise.resolve().then(() => {
        ready = true;
      });
    }, 10);
    clock.setTimeout(mark('B'), 10);
    expect(await clock.runUntil(() => ready)).toBe(1);
    expect(log).toEqual(['A@10']);
    expect(clock.pendingTimers).toBe(1);
  });

  it('resolves with 0 events when the predicate already holds', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(mark('a'), 0);
    expect(await clock.runUntil(() => true)).toBe(0);
    expect(log).toEqual([]);
  });

  it('rejects with SIMULATION_STALLED when the simulation goes idle first', async () => {
    const { clock } = setup();
    clock.setTimeout(() => {}, 10);
    const error = await rejection(clock.runUntil(() => false));
    expect(error).toBeInstanceOf(SimError);
    expect(error).toMatchObject({ code: 'SIMULATION_STALLED' });
    expect((error as Error).message).toMatch(/^Failed to reach the awaited condition: the simulation went idle/);
    expect(clock.now()).toBe(10);
  });

  it('rejects with SIMULATION_STALLED, not a timeout, when it goes idle before timeoutMs — and does not jump ahead', async () => {
    const { clock } = setup();
    clock.setTimeout(() => {}, 10);
    await expect(clock.runUntil(() => false, { timeoutMs: 1_000 })).rejects.toMatchObject({ code: 'SIMULATION_STALLED' });
    expect(clock.now()).toBe(10);
  });

  it('rejects with SIMULATION_TIMEOUT after timeoutMs of virtual time, stopping exactly at the deadline', async () => {
    const { clock } = setup();
    let ticks = 0;
    clock.setInterval(() => ticks++, 10);
    const error = await rejection(clock.runUntil(() => false, { timeoutMs: 55 }));
    expect(error).toBeInstanceOf(SimError);
    expect(error).toMatchObject({ code: 'SIMULATION_TIMEOUT' });
    expect((error as Error).message).toMatch(/still false after 55 virtual ms \(5 events ran\)/);
    expect(ticks).toBe(5);
    expect(clock.now()).toBe(55);
  });

  it('rejects with SIMULATION_TIMEOUT when the next timer lies beyond the deadline, leaving it scheduled', async () => {
    const { clock } = setup();
    clock.setTimeout(() => {}, 100);
    await expect(clock.runUntil(() => false, { timeoutMs: 50 })).rejects.toMatchObject({ code: 'SIMULATION_TIMEOUT' });
    expect(clock.now()).toBe(50);
    expect(clock.pendingTimers).toBe(1);
  });

  it('resolves when the predicate becomes true exactly at the deadline', async () => {
    const { clock } = setup();
    let done = false;
    clock.setTimeout(() => {
      done = true;
    }, 50);
    expect(await clock.runUntil(() => done, { timeoutMs: 50 })).toBe(1);
  });

  it('rejects with the predicate’s own error when the predicate throws, and the clock stays usable', async () => {
    const { clock } = setup();
    const boom = new Error('predicate broke');
    clock.setTimeout(() => {}, 10);
    expect(await rejection(clock.runUntil(() => { throw boom; }))).toBe(boom);
    expect(await clock.runUntilIdle()).toBe(1);
  });
});

describe('VirtualClock: failing runs', () => {
  it('a live interval makes runUntilIdle reject with SIMULATION_RUNAWAY after maxEventsPerRun', async () => {
    const { clock } = setup({ maxEventsPerRun: 5 });
    let ticks = 0;
    const i = clock.setInterval(() => ticks++, 10);
    const error = await rejection(clock.runUntilIdle());
    expect(error).toBeInstanceOf(SimError);
    expect(error).toMatchObject({ code: 'SIMULATION_RUNAWAY' });
    expect((error as Error).message).toMatch(/more than 5 timers fired in one run/);
    expect(ticks).toBe(5);
    // Time stops at the last timer that fired, not at the one that was refused.
    expect(clock.now()).toBe(50);
    // The interval survives the failed run: it is neither lost nor fired twice.
    expect(clock.pendingTimers).toBe(1);
    expect(await clock.runFor(20)).toBe(2);
    expect(ticks).toBe(7);
    clock.clearInterval(i);
    expect(await clock.runUntilIdle()).toBe(0);
  });

  it('maxEventsPerRun counts per run: exactly the limit is fine, one more is a runaway that loses no timer', async () => {
    const { clock, log, mark } = setup({ maxEventsPerRun: 3 });
    for (const label of ['a', 'b', 'c']) clock.setTimeout(mark(label), 1);
    expect(await clock.runUntilIdle()).toBe(3);
    for (const label of ['d', 'e', 'f', 'g']) clock.setTimeout(mark(label), 1);
    await expect(clock.runUntilIdle()).rejects.toMatchObject({ code: 'SIMULATION_RUNAWAY' });
    expect(clock.pendingTimers).toBe(1);
    expect(await clock.runUntilIdle()).toBe(1);
    expect(log).toEqual(['a@1', 'b@1', 'c@1', 'd@2', 'e@2', 'f@2', 'g@2']);
  });

  it('starting a second run while one is active rejects with CLOCK_BUSY; the first run is unaffected', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(mark('a'), 10);
    clock.setTimeout(mark('b'), 20);
    const first = clock.runUntilIdle();
    const busy = [clock.runFor(5), clock.runUntilIdle(), clock.runUntil(() => true)];
    for (const attempt of busy) {
      const error = await rejection(attempt);
      expect(error).toBeInstanceOf(SimError);
      expect(error).toMatchObject({ code: 'CLOCK_BUSY' });
    }
    expect(await first).toBe(2);
    expect(log).toEqual(['a@10', 'b@20']);
  });

  it('a run started from inside a timer callback rejects with CLOCK_BUSY', async () => {
    const { clock } = setup();
    let inner: Promise<unknown> | undefined;
    clock.setTimeout(() => {
      inner = rejection(clock.runFor(10));
    }, 10);
    expect(await clock.runUntilIdle()).toBe(1);
    expect(await inner).toMatchObject({ code: 'CLOCK_BUSY' });
  });

  it('a callback that throws rejects the run with that error; the clock is usable again afterwards', async () => {
    const { clock, log, mark } = setup();
    const boom = new Error('handler failed');
    clock.setTimeout(mark('a'), 10);
    clock.setTimeout(() => {
      mark('thrower')();
      throw boom;
    }, 20);
    clock.setTimeout(mark('c'), 20);
    clock.setTimeout(mark('d'), 30);
    expect(await rejection(clock.runUntilIdle())).toBe(boom);
    expect(log).toEqual(['a@10', 'thrower@20']);
    expect(clock.now()).toBe(20);
    expect(clock.pendingTimers).toBe(2);
    expect(await clock.runUntilIdle()).toBe(2);
    expect(log).toEqual(['a@10', 'thrower@20', 'c@20', 'd@30']);
  });

  it('a callback that throws a non-Error value, even undefined, still rejects the run with that value', async () => {
    const { clock, log, mark } = setup();
    clock.setTimeout(() => {
      throw undefined;
    }, 10);
    clock.setTimeout(mark('after'), 20);
    expect(await rejection(clock.runUntilIdle())).toBeUndefined();
    expect(log).toEqual([]);
    clock.setTimeout(() => {
      throw 'a string';
    }, 0);
    expect(await rejection(clock.runUntilIdle())).toBe('a string');
    expect(await clock.runUntilIdle()).toBe(1);
    expect(log).toEqual(['after@20']);
  });

  it('a throwing callback does not keep the clock busy for runFor or runUntil either', async () => {
    const { clock } = setup();
    clock.setTimeout(() => {
      throw new Error('first');
    }, 1);
    await expect(clock.runFor(10)).rejects.toThrow('first');
    expect(clock.now()).toBe(1);
    expect(await clock.runFor(9)).toBe(0);
    expect(clock.now()).toBe(10);
  });
});

describe('VirtualClock: invalid arguments', () => {
  const badDelays = [-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

  it.each(badDelays)('setTimeout(cb, %s) throws InvalidArgumentError naming delayMs', (delayMs) => {
    const { clock } = setup();
    expect(() => clock.setTimeout(() => {}, delayMs)).toThrow(InvalidArgumentError);
    expect(() => clock.setTimeout(() => {}, delayMs)).toThrow(/^delayMs: .* is not a duration/);
    expect(clock.pendingTimers).toBe(0);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('setInterval(cb, %s) throws InvalidArgumentError naming intervalMs', (intervalMs) => {
    const { clock } = setup();
    expect(() => clock.setInterval(() => {}, intervalMs)).toThrow(InvalidArgumentError);
    expect(() => clock.setInterval(() => {}, intervalMs)).toThrow(/^intervalMs: /);
    expect(clock.pendingTimers).toBe(0);
  });

  it.each(badDelays)('sleep(%s) and runFor(%s) throw InvalidArgumentError naming durationMs', (durationMs) => {
    const { clock } = setup();
    expect(() => clock.sleep(durationMs)).toThrow(InvalidArgumentError);
    expect(() => clock.sleep(durationMs)).toThrow(/^durationMs: /);
    expect(() => clock.runFor(durationMs)).toThrow(/^durationMs: /);
    expect(clock.now()).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it.each(badDelays)('runUntil with timeoutMs %s rejects with InvalidArgumentError naming timeoutMs', async (timeoutMs) => {
    const { clock } = setup();
    const error = await rejection(clock.runUntil(() => false, { timeoutMs }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((error as Error).message).toMatch(/^timeoutMs: /);
    // The failed call did not leave a run behind.
    expect(await clock.runUntilIdle()).toBe(0);
  });

  it('a callback that is not a function throws InvalidArgumentError naming callback', () => {
    const { clock } = setup();
    const notAFunction = 'console.log(1)' as unknown as () => void;
    expect(() => clock.setTimeout(notAFunction, 1)).toThrow(/^callback: /);
    expect(() => clock.setInterval(notAFunction, 1)).toThrow(InvalidArgumentError);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('VirtualClock: runUntilSettled', () => {
  it('runs the clock until the work settles and hands back its value or its rejection', async () => {
    const clock = new VirtualClock();
    const start = clock.now();
    expect(await clock.runUntilSettled(clock.sleep(1_500).then(() => 'slept'))).toBe('slept');
    expect(clock.now() - start).toBe(1_500);
    const failing = clock.sleep(10).then(() => {
      throw new Error('BMC said no');
    });
    await expect(clock.runUntilSettled(failing)).rejects.toThrow('BMC said no');
  });

  it('reports work that can never settle as a stall, and slow work as a timeout', async () => {
    const clock = new VirtualClock();
    await expect(clock.runUntilSettled(new Promise(() => {}))).rejects.toMatchObject({ code: 'SIMULATION_STALLED' });
    await expect(clock.runUntilSettled(clock.sleep(60_000), { timeoutMs: 1_000 })).rejects.toMatchObject({ code: 'SIMULATION_TIMEOUT' });
  });
});
