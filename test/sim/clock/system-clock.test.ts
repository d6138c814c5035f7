/**
 * SystemClock: a quick real-time check that production timing behaves like
 * the Clock contract says. Delays stay ≤ 50 ms; lower bounds allow Node's
 * 1 ms timer rounding, upper bounds are loose so a busy CI machine does not flap.
 *
 * Run: npx vitest run test/sim/clock/system-clock.test.ts
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, SystemClock } from '../../../sim/index.js';

const realDelay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('SystemClock', () => {
  it('now() is the wall clock', () => {
    const clock = new SystemClock();
    const before = Date.now();
    const now = clock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('setTimeout fires once, after the delay', async () => {
    const clock = new SystemClock();
    const start = performance.now();
    const firedAt = await new Promise<number>((resolve) => clock.setTimeout(() => resolve(performance.now()), 20));
    expect(firedAt - start).toBeGreaterThanOrEqual(19);
  });

  it('clearTimeout before the delay stops the callback; clearing twice, after firing or undefined is a no-op', async () => {
    const clock = new SystemClock();
    let fired = 0;
    const handle = clock.setTimeout(() => fired++, 10);
    clock.clearTimeout(handle);
    clock.clearTimeout(handle);
    clock.clearTimeout(undefined);
    const done = clock.setTimeout(() => fired++, 0);
    await realDelay(30);
    clock.clearTimeout(done);
    expect(fired).toBe(1);
    expect(handle.timerId).not.toBe(done.timerId);
  });

  it('setInterval repeats until clearInterval', async () => {
    const clock = new SystemClock();
    let ticks = 0;
    await new Promise<void>((resolve) => {
      const handle = clock.setInterval(() => {
        if (++ticks < 3) return;
        clock.clearInterval(handle);
        resolve();
      }, 5);
    });
    await realDelay(25);
    expect(ticks).toBe(3);
  });

  it('sleep resolves after the duration', async () => {
    const clock = new SystemClock();
    const start = performance.now();
    await clock.sleep(15);
    expect(performance.now() - start).toBeGreaterThanOrEqual(14);
  });

  it('sleep aborted while waiting rejects with the reason before its time is up', async () => {
    const clock = new SystemClock();
    const controller = new AbortController();
    const reason = new Error('stop');
    const sleeping = clock.sleep(50, controller.signal);
    setTimeout(() => controller.abort(reason), 5);
    // Had the 50 ms timer won, the sleep would have resolved instead.
    await expect(sleeping).rejects.toBe(reason);
  });

  it('sleep with an already aborted signal rejects with its reason, or an AbortError when it has none', async () => {
    const clock = new SystemClock();
    const reason = new Error('already gone');
    await expect(clock.sleep(50, AbortSignal.abort(reason))).rejects.toBe(reason);
    const controller = new AbortController();
    const pending = clock.sleep(50, controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects invalid delays and intervals with InvalidArgumentError naming the field', () => {
    const clock = new SystemClock();
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => clock.setTimeout(() => {}, bad)).toThrow(InvalidArgumentError);
      expect(() => clock.setTimeout(() => {}, bad)).toThrow(/^delayMs: /);
      expect(() => clock.sleep(bad)).toThrow(/^durationMs: /);
      expect(() => clock.setInterval(() => {}, bad)).toThrow(/^intervalMs: /);
    }
    expect(() => clock.setInterval(() => {}, 0)).toThrow(/^intervalMs: /);
  });
});
