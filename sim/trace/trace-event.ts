import { SimError } from '../errors.js';

/** One line of a trace: what happened, where, and when in virtual time. */
export interface TraceEvent {
  /** Milliseconds since the recording began (virtual in model fidelity). */
  readonly t: number;
  /** Position in the trace, from 0; breaks ties between events at the same t. */
  readonly seq: number;
  /** The component that emitted it, e.g. `net`, `bmc:r1-s3`, `annealer`. */
  readonly source: string;
  /** What happened, e.g. `http.request`, `power.on`, `fault.strike`. */
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export class InvalidTraceError extends SimError {
  override name = 'InvalidTraceError';
  constructor(message: string) {
    super('INVALID_TRACE', message);
  }
}

/** Parses one JSONL line of a trace; `where` names it in errors (`a.jsonl:12`). */
export function parseTraceLine(line: string, where: string): TraceEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new InvalidTraceError(`${where}: not a JSON object — each line of a trace is one event {t, seq, source, type, data}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidTraceError(`${where}: not a JSON object — each line of a trace is one event {t, seq, source, type, data}`);
  }
  const e = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof e.t !== 'number' || !(e.t >= 0)) problems.push('t must be a number of ms ≥ 0');
  if (typeof e.seq !== 'number' || !Number.isInteger(e.seq) || e.seq < 0) problems.push('seq must be an integer ≥ 0');
  if (typeof e.source !== 'string' || e.source === '') problems.push('source must be a non-empty string');
  if (typeof e.type !== 'string' || e.type === '') problems.push('type must be a non-empty string');
  if (typeof e.data !== 'object' || e.data === null || Array.isArray(e.data)) problems.push('data must be an object');
  if (problems.length > 0) throw new InvalidTraceError(`${where}: ${problems.join('; ')} — is this file a drill trace?`);
  return e as unknown as TraceEvent;
}
