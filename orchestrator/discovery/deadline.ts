import type { Clock } from '../ports/clock.js';

/**
 * Runs `work` with a signal that aborts after `timeoutMs` on the injected
 * clock, and settles no later than that even if the work ignores the signal:
 * one slow BMC must not hold a batch slot forever.
 */
export async function withDeadline<T>(clock: Clock, timeoutMs: number, reason: () => Error, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<Clock['setTimeout']> | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = clock.setTimeout(() => {
      const error = reason();
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  expired.catch(() => undefined);
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clock.clearTimeout(timer);
  }
}

/** Maps `items` through `fn` with at most `concurrency` in flight; results keep the input order. */
export async function boundedMap<I, O>(items: readonly I[], concurrency: number, fn: (item: I, index: number) => Promise<O>): Promise<O[]> {
  const results = new Array<O>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
