/**
 * What a server's BMC logs (IPMI SEL, Redfish LogService): power, boot and
 * sensor-threshold events with clock timestamps, in a bounded log. When the log is full the
 * oldest entry goes and `overflowed` is set, as many BMCs do.
 */
export type LogEventKind =
  | 'power-on'
  | 'power-off'
  | 'soft-off'
  | 'power-cycle'
  | 'hard-reset'
  | 'log-cleared'
  /** A sensor's reading moved across a threshold (either way). */
  | 'sensor-threshold';

/** What a `sensor-threshold` entry records. */
export interface SensorCrossing {
  readonly sensor: string;
  readonly from: 'ok' | 'non-critical' | 'critical';
  readonly to: 'ok' | 'non-critical' | 'critical';
  /** The reading that crossed, in the sensor's units. */
  readonly value: number;
  /** Which thresholds: the upper ones (too hot, too high) or the lower (a fan stalling). */
  readonly side: 'upper' | 'lower';
}

export interface LogEntry {
  /** 1…0xfffe, increasing, never reused until it wraps. */
  readonly id: number;
  readonly atMs: number;
  readonly kind: LogEventKind;
  /** Set on `sensor-threshold` entries. */
  readonly crossing?: SensorCrossing;
}

const LAST_ID = 0xfffe;

export class EventLog {
  private entries: LogEntry[] = [];
  private nextId = 1;
  private overflow = false;
  private lastAddMs: number | undefined;
  private lastEraseMs: number | undefined;

  constructor(readonly capacity: number) {}

  append(kind: LogEventKind, atMs: number, crossing?: SensorCrossing): LogEntry {
    const entry: LogEntry = { id: this.nextId, atMs, kind, ...(crossing ? { crossing } : {}) };
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
