import { InvalidArgumentError } from '../errors.js';

export function checkDelay(delayMs: number, what: string): number {
  if (!Number.isFinite(delayMs) || delayMs < 0) {
    throw new InvalidArgumentError(`${what}: ${String(delayMs)} is not a duration — pass a finite number of milliseconds ≥ 0`);
  }
  return delayMs;
}

export function checkInterval(intervalMs: number): number {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new InvalidArgumentError(`intervalMs: ${String(intervalMs)} would never let time advance — pass a finite number of milliseconds > 0`);
  }
  return intervalMs;
}

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
