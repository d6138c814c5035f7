/**
 * FRU inventory parsing (Platform Management FRU Information Storage
 * Definition v1.0 rev 1.3): the common header, the chassis, board and
 * product info areas, and their type/length fields in binary, BCD plus,
 * 6-bit packed ASCII and 8-bit encodings. The common header's checksum is
 * enforced; area checksums are not (field FRUs get them wrong often enough
 * that refusing the whole inventory would help nobody).
 */
import type { FruInventory } from '../bmc-driver.js';
import { ByteReader } from './bytes.js';

const END_OF_FIELDS = 0xc1;
const BCD_PLUS = '0123456789 -.???';

/** One decoded type/length field, or END after the C1h marker. */
type Field = string | typeof END;
const END = Symbol('end-of-fields');

export function decodeTypeLength(r: ByteReader, name: string): Field {
  const tl = r.u8(`${name} type/length`);
  if (tl === END_OF_FIELDS) return END;
  const data = r.take(tl & 0x3f, name);
  switch (tl >> 6) {
    case 0:
      return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
    case 1:
      return Array.from(data, (b) => `${BCD_PLUS[b >> 4]}${BCD_PLUS[b & 0x0f]}`).join('').trim();
    case 2:
      return unpackSixBitAscii(data).trim();
    default:
      return String.fromCharCode(...data).replace(/\0+$/, '').trim();
  }
}

/** Four 6-bit characters (offset 20h) in every three bytes, least significant bits first. */
export function unpackSixBitAscii(data: Uint8Array): string {
  let out = '';
  let bits = 0;
  let count = 0;
  for (const byte of data) {
    bits |= byte << count;
    count += 8;
    while (count >= 6) {
      out += String.fromCharCode((bits & 0x3f) + 0x20);
      bits >>= 6;
      count -= 6;
    }
  }
  return out;
}

/** The fields of one area until C1h, in order; `skip` bytes after the length byte come first. */
function readArea(bytes: Uint8Array, offset: number, skip: number, bmc: string, what: string): string[] {
  const head = new ByteReader(bytes.subarray(offset), bmc, what);
  if ((head.u8('format version') & 0x0f) !== 1) head.fail('the area format version is not 1');
  const length = head.u8('area length') * 8;
  if (length < 2 + skip) head.fail(`the area length ${length} is too short`);
  if (offset + length > bytes.length) head.fail(`the area (${length} bytes at ${offset}) runs past the ${bytes.length}-byte FRU`);
  const r = new ByteReader(bytes.subarray(offset, offset + length), bmc, what);
  r.skip(2 + skip, 'area header');
  const fields: string[] = [];
  while (r.remaining > 0) {
    const field = decodeTypeLength(r, `field ${fields.length + 1}`);
    if (field === END) return fields;
    fields.push(field);
  }
  return fields;
}

function put(target: Record<string, string>, key: keyof FruInventory, value: string | undefined): void {
  if (value !== undefined && value !== '') target[key] = value;
}

export function parseFru(bytes: Uint8Array, bmc: string): FruInventory {
  const r = new ByteReader(bytes, bmc, 'FRU common header');
  const header = r.take(8, 'common header');
  if (((header[0] as number) & 0x0f) !== 1) r.fail('the format version is not 1');
  if (header.reduce((sum, b) => (sum + b) & 0xff, 0) !== 0) r.fail('the checksum does not match');
  const at = (i: number): number => (header[i] as number) * 8;
  const out: Record<string, string> = {};
  if (at(2) !== 0) {
    const [, serial] = readArea(bytes, at(2), 1, bmc, 'FRU chassis info area');
    put(out, 'chassisSerial', serial);
  }
  if (at(3) !== 0) {
    const [manufacturer, product, serial] = readArea(bytes, at(3), 4, bmc, 'FRU board info area');
    put(out, 'boardManufacturer', manufacturer);
    put(out, 'boardProduct', product);
    put(out, 'boardSerial', serial);
  }
  if (at(4) !== 0) {
    const [manufacturer, name, partNumber, , serial] = readArea(bytes, at(4), 1, bmc, 'FRU product info area');
    put(out, 'productManufacturer', manufacturer);
    put(out, 'productName', name);
    put(out, 'productPartNumber', partNumber);
    put(out, 'productSerial', serial);
  }
  return out as FruInventory;
}
