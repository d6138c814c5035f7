/**
 * Builders for the binary records BMCs serve (FRU images, SDRs, SEL
 * entries), written from the specs for tests: the unit tests parse them, and
 * the ipmi_sim suite loads them into the simulator with emu commands.
 */

export function checksum(bytes: readonly number[]): number {
  return (0x100 - (bytes.reduce((s, b) => s + b, 0) & 0xff)) & 0xff;
}

/** An 8-bit ASCII type/length field. */
export function ascii(text: string): number[] {
  return [0xc0 | text.length, ...Array.from(text, (c) => c.charCodeAt(0))];
}

/** A 6-bit packed ASCII field (characters 20h–5Fh). */
export function sixBit(text: string): number[] {
  const out: number[] = [];
  let bits = 0;
  let count = 0;
  for (const c of text) {
    bits |= (c.charCodeAt(0) - 0x20) << count;
    count += 6;
    while (count >= 8) {
      out.push(bits & 0xff);
      bits >>= 8;
      count -= 8;
    }
  }
  if (count > 0) out.push(bits & 0xff);
  return [0x80 | out.length, ...out];
}

/** A BCD plus field (digits, space, dash, period), two characters a byte. */
export function bcdPlus(text: string): number[] {
  const code = (c: string): number => ('0123456789 -.'.indexOf(c) + 16) % 16;
  const out: number[] = [];
  for (let i = 0; i < text.length; i += 2) out.push((code(text[i] as string) << 4) | code(text[i + 1] ?? ' '));
  return [0x40 | out.length, ...out];
}

/** An info area: header bytes, fields, C1h, pad to 8 bytes, checksum. */
export function area(head: readonly number[], fields: ReadonlyArray<readonly number[]>): number[] {
  const body = [0x01, 0x00, ...head, ...fields.flat(), 0xc1];
  while ((body.length + 1) % 8 !== 0) body.push(0x00);
  body[1] = (body.length + 1) / 8;
  return [...body, checksum(body)];
}

export interface FruSpec {
  readonly chassis?: ReadonlyArray<readonly number[]>;
  readonly board?: ReadonlyArray<readonly number[]>;
  readonly product?: ReadonlyArray<readonly number[]>;
}

export function fruImage(spec: FruSpec): number[] {
  const chassis = spec.chassis ? area([0x17], spec.chassis) : [];
  const board = spec.board ? area([0x19, 0x00, 0x00, 0x00], spec.board) : [];
  const product = spec.product ? area([0x19], spec.product) : [];
  let at = 1;
  const offset = (a: number[]): number => {
    if (a.length === 0) return 0;
    const o = at;
    at += a.length / 8;
    return o;
  };
  const header = [0x01, 0x00, offset(chassis), offset(board), offset(product), 0x00, 0x00];
  return [...header, checksum(header), ...chassis, ...board, ...product];
}

export interface FullSdrSpec {
  readonly recordId: number;
  readonly sensorNumber: number;
  readonly sensorType: number;
  readonly name: string;
  /** Base unit code. */
  readonly unit: number;
  readonly m: number;
  readonly b: number;
  readonly bExp: number;
  readonly rExp: number;
  /** 0 unsigned, 1 one's complement, 2 two's complement. */
  readonly format?: number;
  readonly linearization?: number;
  readonly ownerId?: number;
  readonly ownerLun?: number;
}

const tc = (v: number, bits: number): number => (v < 0 ? v + (1 << bits) : v);

/** A full sensor record (type 01h) of a threshold sensor. */
export function fullSdr(s: FullSdrSpec): number[] {
  const m = tc(s.m, 10);
  const b = tc(s.b, 10);
  const body = [
    s.ownerId ?? 0x20, s.ownerLun ?? 0, s.sensorNumber,
    0x07, 0x01, 0x7f, 0x68, s.sensorType, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ((s.format ?? 0) << 6), s.unit, 0x00,
    s.linearization ?? 0, m & 0xff, (m >> 2) & 0xc0, b & 0xff, (b >> 2) & 0xc0, 0x00,
    (tc(s.rExp, 4) << 4) | tc(s.bExp, 4),
    0x00, 0x00, 0x00, 0x00, 0xff, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ...ascii(s.name),
  ];
  return [s.recordId & 0xff, s.recordId >> 8, 0x51, 0x01, body.length, ...body];
}

/** A compact sensor record (type 02h) of a discrete sensor. */
export function compactSdr(recordId: number, sensorNumber: number, sensorType: number, name: string): number[] {
  const body = [
    0x20, 0x00, sensorNumber, 0x07, 0x01, 0x7f, 0x68, sensorType, 0x6f,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ...ascii(name),
  ];
  return [recordId & 0xff, recordId >> 8, 0x51, 0x02, body.length, ...body];
}

/** The 13 bytes after the record type of a system event record (type 02h). */
export function systemEvent(timestampS: number, sensorType: number, sensorNumber: number, dirType: number, data1: number): number[] {
  return [timestampS & 0xff, (timestampS >> 8) & 0xff, (timestampS >> 16) & 0xff, (timestampS >>> 24) & 0xff, 0x20, 0x00, 0x04, sensorType, sensorNumber, dirType, data1, 0xff, 0xff];
}

export const hexBytes = (bytes: readonly number[]): string => bytes.map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ');
