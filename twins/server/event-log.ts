/**
 * What a server's BMC logs (IPMI SEL, Redfish LogService): power and boot
 * events with clock timestamps, in a bounded log. When the log is full the
 * oldest entry goes and `overflowed` is set, as many BMCs do.
 */
export type LogEventKind =
  | 'power-on'
  | 'power-off'
  | 'soft-off'
  | 'power-cycle'
  | 'hard-reset'
  | 'log-cleared';

export interface LogEntry {
  /** 1…0xfffe, increasing, never reused until it wraps. */
  readonly id: number;
  readonly atMs: number;
  readonly kind: LogEventKind;
}

const LAST_ID = 0xfffe;

export class EventLog {
  private entries: LogEntry[] = [];
  private nextId = 1;
  private overflow = false;
  private lastAddMs: number | undefined;
  private lastEraseMs: number | undefined;

  constructor(readonly capacity: number) {}

  append(kind: LogEventKind, atMs: number): LogEntry {
    const entry: LogEntry = { id: this.nextId, atMs, kind };
    this.nextId = this.nextId === LAST_ID ? 1 : this.nextId + 1;
    this.entries.push(entry);
    if (this.entries.length > this.capacity) {
      this.entries.shift();
      this.overflow = true;
    }
    this.lastAddMs = atMs;
    return entry;
  }

  /** Empties the log; the log then records that it was cleared, as IPMI BMCs do. */
  clear(atMs: number): LogEntry {
    this.entries = [];
    this.overflow = false;
    this.lastEraseMs = atMs;
    return this.append('log-cleared', atMs);
  }

  list(): readonly LogEntry[] {
    return this.entries;
  }

  info(): { count: number; capacity: number; overflowed: boolean; lastAddMs: number | undefined; lastEraseMs: number | undefined } {
    return { count: this.entries.length, capacity: this.capacity, overflowed: this.overflow, lastAddMs: this.lastAddMs, lastEraseMs: this.lastEraseMs };
  }
}
