/** An opaque handle for a scheduled timer; only the clock that made it can clear it. */
export interface TimerHandle {
  readonly timerId: number;
}

/**
 * Time as the orchestrator and the twin see it. Production wires `SystemClock`;
 * model fidelity wires `VirtualClock`, which moves only when nothing is runnable.
 * Times are milliseconds since the Unix epoch.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  setInterval(callback: () => void, intervalMs: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
  /** Resolves after `durationMs`; rejects with the signal's reason if aborted first. */
  sleep(durationMs: number, signal?: AbortSignal): Promise<void>;
}
