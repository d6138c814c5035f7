import type { Clock, TimerHandle } from './clock.js';
import { abortReason, checkDelay, checkInterval } from './delays.js';

interface SystemTimer extends TimerHandle {
  readonly native: ReturnType<typeof globalThis.setTimeout>;
}

/**
 * The real clock: the only place in drill's libraries that touches the host's
 * timers and wall time. Everything else receives a `Clock`.
 */
export class SystemClock implements Clock {
  private nextId = 1;
  private readonly live = new WeakSet<TimerHandle>();

  now(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const native = globalThis.setTimeout(callback, checkDelay(delayMs, 'delayMs'));
    return this.track({ timerId: this.nextId++, native });
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle && this.live.delete(handle)) globalThis.clearTimeout((handle as SystemTimer).native);
  }

  setInterval(callback: () => void, intervalMs: number): TimerHandle {
    const native = globalThis.setInterval(callback, checkInterval(intervalMs));
    return this.track({ timerId: this.nextId++, native });
  }

  clearInterval(handle: TimerHandle | undefined): void {
    if (handle && this.live.delete(handle)) globalThis.clearInterval((handle as SystemTimer).native);
  }

  sleep(durationMs: number, signal?: AbortSignal): Promise<void> {
    checkDelay(durationMs, 'durationMs');
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const onAbort = (): void => {
        globalThis.clearTimeout(native);
        reject(abortReason(signal!));
      };
      const native = globalThis.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, durationMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private track(timer: SystemTimer): TimerHandle {
    this.live.add(timer);
    return timer;
  }
}
