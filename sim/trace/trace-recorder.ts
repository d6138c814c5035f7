import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Clock } from '../clock/clock.js';
import { canonicalJson } from './canonical-json.js';

/** Where recorded lines go. */
export interface TraceSink {
  write(line: string): void;
  close(): void;
}

/** Keeps lines in memory; for tests and for digests of a run. */
export class MemoryTraceSink implements TraceSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  close(): void {}
}

const FLUSH_BYTES = 64 * 1024;

/** Appends lines to a file, buffered; `close()` flushes. */
export class FileTraceSink implements TraceSink {
  private readonly fd: number;
  private buffer: string[] = [];
  private bufferedBytes = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(line: string): void {
    this.buffer.push(line, '\n');
    this.bufferedBytes += line.length + 1;
    if (this.bufferedBytes >= FLUSH_BYTES) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.bufferedBytes = 0;
  }
}

export interface TraceRecorderOptions {
  clock: Clock;
  sink?: TraceSink;
}

/**
 * Records events as JSONL `{t, seq, source, type, data}` with keys in a fixed
 * order, so the same run gives the same bytes. Also keeps a running SHA-256 of
 * everything written, so two runs can be compared by digest alone.
 */
export class TraceRecorder {
  private readonly clock: Clock;
  private readonly sink: TraceSink;
  private readonly originMs: number;
  private readonly hash = createHash('sha256');
  private seq = 0;

  constructor(options: TraceRecorderOptions) {
    this.clock = options.clock;
    this.sink = options.sink ?? new MemoryTraceSink();
    this.originMs = options.clock.now();
  }

  get count(): number {
    return this.seq;
  }

  record(source: string, type: string, data: Record<string, unknown> = {}): void {
    const t = this.clock.now() - this.originMs;
    const line = `{"t":${t},"seq":${this.seq},"source":${JSON.stringify(source)},"type":${JSON.stringify(type)},"data":${canonicalJson(data)}}`;
    this.seq++;
    this.hash.update(line);
    this.hash.update('\n');
    this.sink.write(line);
  }

  /** Hex SHA-256 of the trace so far; closes the recorder. */
  finish(): string {
    this.sink.close();
    return this.hash.digest('hex');
  }
}
