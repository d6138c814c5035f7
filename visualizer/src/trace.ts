import { applyTwinEvent, initialPhysical } from './physical.js';
import type { TwinEvent, TwinPhysicalState } from './wire.js';

/**
 * A scenario trace (JSONL from the simulation's trace recorder: one
 * `{t, seq, source, type, data}` per line) as replay needs it: every line an
 * entry of the log, the `server.*` ones also as twin events.
 */
export interface TraceEntry {
  readonly index: number;
  readonly tMs: number;
  readonly source: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** Set for `server.<type>` events that name their server and for fault strikes on one. */
  readonly twin: TwinEvent | undefined;
}

export class TraceFormatError extends Error {
  override name = 'TraceFormatError';
  readonly code = 'TRACE_FORMAT';
}

/** `server.<type>` events, and fault strikes aimed at a server (`bmc:NAME`, `node:NAME`), as twin events. */
function twinEventOf(index: number, tMs: number, type: string, data: Record<string, unknown>): TwinEvent | undefined {
  if (type.startsWith('server.') && typeof data.server === 'string') return { seq: index + 1, atMs: tMs, server: data.server, type: type.slice('server.'.length), data };
  if (type === 'fault.strike' && typeof data.target === 'string' && data.target.includes(':')) {
    return { seq: index + 1, atMs: tMs, server: data.target.slice(data.target.indexOf(':') + 1), type: 'fault', data };
  }
  return undefined;
}

export function parseTrace(text: string): TraceEntry[] {
  const entries: TraceEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new TraceFormatError(`line ${i + 1}: not JSON — load a JSONL trace written by --trace`);
    }
    const { t, source, type, data } = (raw ?? {}) as { t?: unknown; source?: unknown; type?: unknown; data?: unknown };
    if (typeof t !== 'number' || typeof type !== 'string' || typeof data !== 'object' || data === null) {
      throw new TraceFormatError(`line ${i + 1}: expected {t, seq, source, type, data} — load a JSONL trace written by --trace`);
    }
    const fields = data as Record<string, unknown>;
    const index = entries.length;
    entries.push({ index, tMs: t, source: typeof source === 'string' ? source : '', type, data: fields, twin: twinEventOf(index, t, type, fields) });
  });
  return entries;
}

/** Every server's physical state once entries 0 … `through` have happened (-1: before the first). */
export function physicalAt(entries: readonly TraceEntry[], through: number, names: Iterable<string>): Map<string, TwinPhysicalState> {
  const states = new Map<string, TwinPhysicalState>();
  for (const name of names) states.set(name, initialPhysical(name));
  for (let i = 0; i <= through && i < entries.length; i++) {
    const event = entries[i]!.twin;
    if (!event) continue;
    states.set(event.server, applyTwinEvent(states.get(event.server) ?? initialPhysical(event.server), event));
  }
  return states;
}
