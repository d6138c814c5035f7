/**
 * Property tests for VirtualClock's firing order, checked against a naive
 * model (a plain array scanned for the smallest (due, schedule order)).
 *
 * Replaying a failure: fast-check prints the counterexample together with
 * `{ seed: <n>, path: "<p>", endOnFailure: true }`. Either
 *   - set them in the environment, which `replayParams()` passes to fc.assert:
 *       FC_SEED=<n> FC_PATH="<p>" npx vitest run test/sim/clock/virtual-clock.property.test.ts
 *   - or paste them into that property's assertion params,
 *       fc.assert(property, { ...replayParams(), seed: <n>, path: '<p>', endOnFailure: true })
 *     and run `npx vitest run test/sim/clock/virtual-clock.property.test.ts`.
 * Both replay the failing case (and only it) without shrinking again.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock, type TimerHandle } from '../../../sim/index.js';

function replayParams(): fc.Parameters<unknown> {
  const params: fc.Parameters<unknown> = { numRuns: 100 };
  const seed = process.env['FC_SEED'];
  const path = process.env['FC_PATH'];
  if (seed !== undefined && seed !== '') params.seed = Number(seed);
  if (path !== undefined && path !== '') {
    params.path = path;
    params.endOnFailure = true;
  }
  return params;
}

describe('VirtualClock firing order (property)', () => {
  it('fires (delay, cancel?) timers in (due, schedule order), minus the cancelled ones', async () => {
    const timers = fc.array(fc.record({ delayMs: fc.integer({ min: 0, max: 20 }), cancel: fc.boolean() }), { maxLength: 80 });
    await fc.assert(
      fc.asyncProperty(timers, async (specs) => {
        const clock = new VirtualClock({ startMs: 0 });
        const fired: Array<{ index: number; atMs: number }> = [];
        const handles = specs.map((spec, index) => clock.setTimeout(() => fired.push({ index, atMs: clock.now() }), spec.delayMs));
        specs.forEach((spec, index) => {
          if (spec.cancel) clock.clearTimeout(handles[index]);
        });

        const expected = specs
          .map((spec, index) => ({ index, atMs: spec.delayMs, cancel: spec.cancel }))
          .sort((a, b) => a.atMs - b.atMs || a.index - b.index)
          .filter((t) => !t.cancel)
          .map(({ index, atMs }) => ({ index, atMs }));

        expect(clock.pendingTimers).toBe(expected.length);
        expect(await clock.runUntilIdle()).toBe(expected.length);
        expect(fired).toEqual(expected);
        expect(clock.pendingTimers).toBe(0);
      }),
      replayParams(),
    );
  });

  it('keeps (due, schedule order) with thousands of timers, many ties and cancellations mid-run', async () => {
    // Deep heaps: with up to 3,000 timers the queue has six or more levels to sift through.
    const timers = fc.array(fc.record({ delayMs: fc.integer({ min: 0, max: 200 }), cancelAtMs: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }) }), {
      minLength: 500,
      maxLength: 3_000,
    });
    await fc.assert(
      fc.asyncProperty(timers, async (specs) => {
        const clock = new VirtualClock({ startMs: 0 });
        const fired: number[] = [];
        const handles = specs.map((spec, index) => clock.setTimeout(() => fired.push(index), spec.delayMs));
        // Each cancellation runs from its own timer, scheduled after all the others:
        // at a tie it comes last, so a timer due at the same instant fires first.
        specs.forEach((spec, index) => {
          if (spec.cancelAtMs !== undefined) clock.setTimeout(() => clock.clearTimeout(handles[index]), spec.cancelAtMs);
        });
        const expected = specs
          .map((spec, index) => ({ index, ...spec }))
          .filter((t) => t.cancelAtMs === undefined || t.delayMs <= t.cancelAtMs)
          .sort((a, b) => a.delayMs - b.delayMs || a.index - b.index)
          .map((t) => t.index);
        await clock.runUntilIdle();
        expect(fired).toEqual(expected);
        expect(clock.pendingTimers).toBe(0);
      }),
      { ...replayParams(), numRuns: 15 },
    );
  });

  it('matches a naive model when callbacks cancel timers, schedule new ones and an interval clears itself', async () => {
    const spec = fc.record({
      timers: fc.array(
        fc.record({
          delayMs: fc.integer({ min: 0, max: 30 }),
          // Index into the 2n handles: the originals, then the children they spawn.
          cancels: fc.option(fc.nat(159), { nil: undefined }),
          spawnDelayMs: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 80 },
      ),
      interval: fc.option(fc.record({ periodMs: fc.integer({ min: 1, max: 15 }), ticks: fc.integer({ min: 1, max: 6 }) }), {
        nil: undefined,
      }),
    });

    await fc.assert(
      fc.asyncProperty(spec, async ({ timers, interval }) => {
        const n = timers.length;
        const childId = (i: number): string => `c${i}`;
        const targetId = (k: number): string => (k % (2 * n) < n ? `t${k % (2 * n)}` : childId((k % (2 * n)) - n));

        // --- the model ---
        interface Pending {
          id: string;
          dueMs: number;
          seq: number;
        }
        const model: string[] = [];
        {
          let seq = 0;
          let nowMs = 0;
          let ticks = 0;
          const pending: Pending[] = timers.map((t, i) => ({ id: `t${i}`, dueMs: t.delayMs, seq: seq++ }));
          if (interval) pending.push({ id: 'I', dueMs: interval.periodMs, seq: seq++ });
          while (pending.length > 0) {
            let best = 0;
            for (let i = 1; i < pending.length; i++) {
              const a = pending[i]!;
              const b = pending[best]!;
              if (a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq)) best = i;
            }
            const [timer] = pending.splice(best, 1);
            nowMs = timer!.dueMs;
            model.push(`${timer!.id}@${nowMs}`);
            if (timer!.id === 'I') {
              if (++ticks < interval!.ticks) pending.push({ id: 'I', dueMs: nowMs + interval!.periodMs, seq: seq++ });
              continue;
            }
            if (timer!.id.startsWith('c')) continue;
            const t = timers[Number(timer!.id.slice(1))]!;
            if (t.cancels !== undefined) {
              const victim = pending.findIndex((p) => p.id === targetId(t.cancels!));
              if (victim >= 0) pending.splice(victim, 1);
            }
            if (t.spawnDelayMs !== undefined) pending.push({ id: childId(Number(timer!.id.slice(1))), dueMs: nowMs + t.spawnDelayMs, seq: seq++ });
          }
        }

        // --- the clock ---
        const clock = new VirtualClock({ startMs: 0 });
        const log: string[] = [];
        const handles = new Map<string, TimerHandle>();
        timers.forEach((t, i) => {
          handles.set(
            `t${i}`,
            clock.setTimeout(() => {
              log.push(`t${i}@${clock.now()}`);
              if (t.cancels !== undefined) clock.clearTimeout(handles.get(targetId(t.cancels)));
              if (t.spawnDelayMs !== undefined) {
                handles.set(childId(i), clock.setTimeout(() => log.push(`${childId(i)}@${clock.now()}`), t.spawnDelayMs));
              }
            }, t.delayMs),
          );
        });
        if (interval) {
          let ticks = 0;
          const handle = clock.setInterval(() => {
            log.push(`I@${clock.now()}`);
            if (++ticks === interval.ticks) clock.clearInterval(handle);
          }, interval.periodMs);
        }

        expect(await clock.runUntilIdle()).toBe(model.length);
        expect(log).toEqual(model);
        expect(clock.pendingTimers).toBe(0);
      }),
      replayParams(),
    );
  });
});
