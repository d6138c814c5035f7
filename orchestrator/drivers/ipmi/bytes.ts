/**
 * Bounds-checked reading of BMC bytes. Every parser of what a BMC sends reads
 * through a `ByteReader`, so a short or garbled packet becomes a
 * `BmcProtocolError` naming what was being read, never a RangeError or an
 * `undefined` leaking into a number.
 */
import { BmcProtocolError } from '../errors.js';

export class ByteReader {
  private offset = 0;

  constructor(
    readonly bytes: Uint8Array,
    /** The BMC, as `host:port`, for the error. */
    private readonly bmc: string,
    /** What is being parsed, e.g. `Get Device ID response`. */
    private readonly what: string,
  ) {}

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  fail(problem: string): never {
    throw new BmcProtocolError(this.bmc, `Failed to parse the ${this.what}: ${problem}`);
  }

  private need(count: number, field: string): void {
    if (count < 0 || this.offset + count > this.bytes.length) {
      this.fail(`${field} needs ${count} byte(s) at offset ${this.offset}, but the data is ${this.bytes.length} byte(s) long`);
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.offset++] as number;
  }

  u16le(field: string): number {
    this.need(2, field);
    const value = readU16le(this.bytes, this.offset);
    this.offset += 2;
    return value;
  }

  u32le(field: string): number {
    this.need(4, field);
    const value = readU32le(this.bytes, this.offset);
    this.offset += 4;
    return value;
  }

  take(count: number, field: string): Uint8Array {
    this.need(count, field);
    const out = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return out;
  }

  rest(): Uint8Array {
    return this.take(this.remaining, 'the rest');
  }

  skip(count: number, field: string): void {
    this.need(count, field);
    this.offset += count;
  }
}

export function readU16le(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8)) >>> 0;
}

export function readU32le(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0;
}

export function u16le(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff];
}

export function u32le(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

export function concatBytes(...parts: ReadonlyArray<Uint8Array | readonly number[]>): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function hex(value: number, width = 2): string {
  return `0x${value.toString(16).toUpperCase().padStart(width, '0')}`;
}

/** Constant-time comparison of two MACs. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
