/**
 * Errors raised by the simulation kernel. Every error carries a stable `code`
 * so callers and tests can tell failures apart without parsing messages.
 */
export type SimErrorCode =
  | 'INVALID_ARGUMENT'
  | 'CLOCK_BUSY'
  | 'SIMULATION_STALLED'
  | 'SIMULATION_TIMEOUT'
  | 'SIMULATION_RUNAWAY'
  | 'INVALID_FAULT_PLAN'
  | 'INVALID_TRACE'
  | 'ADDRESS_IN_USE'
  | 'NETWORK_CLOSED'
  | 'CLIENT_NOT_CARRIED';

export class SimError extends Error {
  override name = 'SimError';
  constructor(
    readonly code: SimErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bad input at the edge of the kernel: names the problem and the fix. */
export class InvalidArgumentError extends SimError {
  override name = 'InvalidArgumentError';
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** A broken internal assumption: a bug in drill, never a user error. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Invariant violated: ${message}`);
}
