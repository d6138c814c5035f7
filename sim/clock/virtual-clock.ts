import type { Clock, TimerHandle } from './clock.js';
import { abortReason, checkDelay, checkInterval } from './delays.js';
import { TimerQueue, type VirtualTimer } from './timer-queue.js';
import { InvalidArgumentError, SimError } from '../errors.js';

/** 2026-01-01T00:00:00Z: a fixed start so that two runs print the same dates. */
export const DEFAULT_VIRTUAL_EPOCH_MS = Date.UTC(2026, 0, 1);

export interface VirtualClockOptions {
  /** Virtual time at construction, ms since the Unix epoch. */
  startMs?: number;
  /** A run that fires more timers than this throws instead of spinning forever. */
  maxEventsPerRun?: number;
}

export interface RunUntilOptions {
  /** Virtual milliseconds to wait for the predicate before giving up. */
  timeoutMs?: number;
}

interface ActiveRun {
  readonly untilMs: number | undefined;
  readonly predicate: (() => boolean) | undefined;
  readonly resolve: (events: number) => void;
  readonly reject: (error: unknown) => void;
  batch: number;
  /** Steps of the current batch not yet run. */
  remaining: number;
  events: number;
}

/** Steps queued per host turn; each step still gets its own microtask drain. */
const STEPS_PER_BATCH = 16;

function countHostImmediates(): number {
  let n = 0;
  for (const kind of process.getActiveResourcesInfo()) if (kind === 'Immediate') n++;
  return n;
}

/**
 * A clock that moves only when nothing is runnable: the heart of model fidelity.
 *
 * Semantics, which tests rely on:
 * - Timers fire in order of due time; timers due at the same instant fire in the
 *   order they were scheduled (an interval is rescheduled after its callback).
 * - After every timer callback, pending nextTicks and promise continuations run to
 *   completion before the next timer fires, so a continuation can still cancel a
 *   timer due at the same instant.
 * - Time advances only when no timer is due now and the host has no pending
 *   immediates (work that Node's own stream and HTTP code queues).
 * - A timer callback that throws stops the run, which rejects with that error.
 */
export class VirtualClock implements Clock {
  private nowMs: number;
  private readonly queue = new TimerQueue();
  private readonly maxEventsPerRun: number;
  private nextTimerId = 1;
  private nextSeq = 0;
  private active: ActiveRun | undefined;
  /** Our own queued host immediates, live or stale. */
  private ownImmediates = 0;
  /** Identifies the newest batch; steps of older batches are no-ops. */
  private batchSerial = 0;
  private readonly step = (batch: number): void => this.runStep(batch);

  constructor(options: VirtualClockOptions = {}) {
    this.nowMs = options.startMs ?? DEFAULT_VIRTUAL_EPOCH_MS;
    this.maxEventsPerRun = options.maxEventsPerRun ?? 50_000_000;
    if (!Number.isFinite(this.nowMs)) {
      throw new InvalidArgumentError(`startMs: ${String(options.startMs)} is not a time — pass ms since the Unix epoch`);
    }
  }

  now(): number {
    return this.nowMs;
  }

  /** Number of timers still scheduled. */
  get pendingTimers(): number {
    return this.queue.size;
  }

  /** Due time of the next timer, or undefined when none is scheduled. */
  nextDueMs(): number | undefined {
    return this.queue.peek()?.dueMs;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.schedule(callback, checkDelay(delayMs, 'delayMs'), undefined);
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    this.cancel(handle);
  }

  setInterval(callback: () => void, intervalMs: number): TimerHandle {
    return this.schedule(callback, checkInterval(intervalMs), intervalMs);
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.cancel(handle);
  }

  sleep(durationMs: number, signal?: AbortSignal): Promise<void> {
    checkDelay(durationMs, 'durationMs');
    if (!signal) return new Promise((resolve) => this.schedule(resolve, durationMs, undefined));
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortReason(signal));
      const onAbort = (): void => {
        this.cancel(timer);
        reject(abortReason(signal));
      };
      const timer = this.schedule(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        durationMs,
        undefined,
      );
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Runs until no timer is left. Throws if it fires more than `maxEventsPerRun` (a live interval). */
  runUntilIdle(): Promise<number> {
    return this.start(undefined, undefined);
  }

  /** Runs every timer due within `durationMs` from now, then sets the clock to exactly that time. */
  runFor(durationMs: number): Promise<number> {
    checkDelay(durationMs, 'durationMs');
    return this.start(this.nowMs + durationMs, undefined);
  }

  /**
   * Runs until `predicate` holds (checked before every step). Rejects with
   * SIMULATION_STALLED if the simulation goes idle first, or SIMULATION_TIMEOUT
   * after `timeoutMs` of virtual time.
   */
  async runUntil(predicate: () => boolean, options: RunUntilOptions = {}): Promise<number> {
    const untilMs = options.timeoutMs === undefined ? undefined : this.nowMs + checkDelay(options.timeoutMs, 'timeoutMs');
    const events = await this.start(untilMs, predicate);
    if (predicate()) return events;
    if (untilMs !== undefined && this.nowMs >= untilMs) {
      throw new SimError('SIMULATION_TIMEOUT', `Failed to reach the awaited condition: still false after ${options.timeoutMs} virtual ms (${events} events ran)`);
    }
    throw new SimError('SIMULATION_STALLED', `Failed to reach the awaited condition: the simulation went idle at t=${new Date(this.nowMs).toISOString()} with nothing left to run`);
  }

  /**
   * Runs until `work` settles and returns its outcome (value or rejection), for
   * driving code that waits on this clock. Rejects like `runUntil` if the
   * simulation goes idle or `timeoutMs` of virtual time pass first.
   */
  async runUntilSettled<T>(work: Promise<T>, options: RunUntilOptions = {}): Promise<T> {
    let done = false;
    const settled = work.finally(() => {
      done = true;
    });
    // The outcome is delivered by the return below; this only keeps an early rejection from being reported as unhandled.
    settled.catch(() => undefined);
    await this.runUntil(() => done, options);
    return settled;
  }

  private schedule(callback: () => void, delayMs: number, intervalMs: number | undefined): TimerHandle {
    if (typeof callback !== 'function') throw new InvalidArgumentError('callback: not a function — pass the function to call');
    const timer: VirtualTimer = {
      timerId: this.nextTimerId++,
      owner: this,
      dueMs: this.nowMs + delayMs,
      seq: this.nextSeq++,
      intervalMs,
      callback,
      state: 'queued',
    };
    this.queue.push(timer);
    return timer;
  }

  private cancel(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    const timer = handle as VirtualTimer;
    if (timer.owner !== this) throw new InvalidArgumentError('handle: this timer belongs to another clock — clear it with the clock that made it');
    this.queue.cancel(timer);
  }

  private start(untilMs: number | undefined, predicate: (() => boolean) | undefined): Promise<number> {
    if (this.active) {
      return Promise.reject(new SimError('CLOCK_BUSY', 'Failed to run the virtual clock: a run is already in progress — await it before starting another'));
    }
    return new Promise((resolve, reject) => {
      this.active = { untilMs, predicate, resolve, reject, batch: 0, remaining: 0, events: 0 };
      this.queueBatch();
    });
  }

  private queueBatch(): void {
    const run = this.active!;
    run.batch = ++this.batchSerial;
    run.remaining = STEPS_PER_BATCH;
    for (let i = 0; i < STEPS_PER_BATCH; i++) setImmediate(this.step, run.batch);
    this.ownImmediates += STEPS_PER_BATCH;
  }

  private runStep(batch: number): void {
    this.ownImmediates--;
    const run = this.active;
    if (!run || batch !== run.batch) return;
    run.remaining--;
    try {
      if (run.predicate?.()) return this.finish(undefined);
      let next = this.queue.peek();
      if (!next || next.dueMs > this.nowMs) {
        // Nothing is due now: let the host's own queued work run before time moves.
        if (countHostImmediates() > this.ownImmediates) return this.queueBatch();
        if (!next || (run.untilMs !== undefined && next.dueMs > run.untilMs)) {
          // runFor ends at its window's end; runUntil going idle is a stall, not a wait for its timeout.
          const idleUntil = !next && run.predicate !== undefined;
          if (run.untilMs !== undefined && run.untilMs > this.nowMs && !idleUntil) this.nowMs = run.untilMs;
          return this.finish(undefined);
        }
      }
      // Checked before time moves and before popping: the timer that trips the limit stays scheduled.
      if (run.events >= this.maxEventsPerRun) {
        return this.finish(new SimError('SIMULATION_RUNAWAY', `Failed to reach idle: more than ${this.maxEventsPerRun} timers fired in one run — an interval is probably still set; use runFor or runUntil, or clear it`));
      }
      this.nowMs = next.dueMs;
      next = this.queue.pop()!;
      run.events++;
      try {
        next.callback();
      } finally {
        if (next.intervalMs !== undefined && next.state === 'running') {
          next.dueMs = this.nowMs + next.intervalMs;
          next.seq = this.nextSeq++;
          this.queue.push(next);
        } else {
          next.state = 'done';
        }
      }
      if (this.active === run && run.batch === batch && run.remaining === 0) this.queueBatch();
    } catch (error) {
      this.finish(error, true);
    }
  }

  /** `failed` is explicit so that a callback throwing `undefined` still fails the run. */
  private finish(error: unknown, failed = error !== undefined): void {
    const run = this.active!;
    this.active = undefined;
    if (failed) run.reject(error);
    else run.resolve(run.events);
  }
}
