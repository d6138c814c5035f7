import { CliError } from '../errors.js';

/** `--timeout SECONDS`, checked before anything is asked of the orchestrator. */
export function parseTimeoutS(value: string): number {
  const timeoutS = Number(value);
  if (!(Number.isFinite(timeoutS) && timeoutS > 0)) throw new CliError(`--timeout: ${JSON.stringify(value)} is not a positive number of seconds`, 2);
  return timeoutS;
}

/** What `work` resolves to, or 'timeout' when `timeoutS` passes first. */
export async function withTimeout<T>(work: Promise<T>, timeoutS: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutS * 1000)));
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
