/**
 * Time as the orchestrator sees it. Production passes the system clock; model
 * fidelity passes the simulation's virtual clock. Times are ms since the epoch.
 */
export interface TimerHandle {
  readonly timerId: number;
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  setInterval(callback: () => void, intervalMs: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
  /** Resolves after `durationMs`; rejects with the signal's reason if aborted first. */
  sleep(durationMs: number, signal?: AbortSignal): Promise<void>;
}
