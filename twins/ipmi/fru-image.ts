import type { ServerIdentity } from '../server/index.js';
import { zeroChecksum } from './bytes.js';

/**
 * The FRU inventory image of the server (IPMI Platform Management FRU
 * Information Storage Definition v1.0): a common header pointing at the chassis,
 * board and product info areas, each in 8-byte multiples with a zero checksum,
 * fields as 8-bit ASCII type/length bytes, closed by C1h.
 */
const FORMAT_VERSION = 0x01;
const END_OF_FIELDS = 0xc1;
/** Rack Mount Chassis (SMBIOS chassis type 17h). */
const CHASSIS_RACK_MOUNT = 0x17;
const ENGLISH = 0x00;
/** Board manufacturing dates count minutes from 1996-01-01 00:00 UTC. */
const FRU_EPOCH_MS = Date.UTC(1996, 0, 1);

/** One 8-bit ASCII field. A one-character value gets a trailing space: C1h is the end marker, not a field. */
function field(text: string): number[] {
  const value = text.length === 1 ? `${text} ` : text;
  return [0xc0 | value.length, ...Array.from(value, (c) => c.charCodeAt(0) & 0xff)];
}

/** An info area: version, length in 8-byte units, `head`, the fields, C1h, zero padding and the checksum. */
function area(head: readonly number[], fields: readonly string[]): number[] {
  const body = [FORMAT_VERSION, 0, ...head, ...fields.flatMap(field), END_OF_FIELDS];
  const length = Math.ceil((body.length + 1) / 8) * 8;
  while (body.length < length - 1) body.push(0);
  body[1] = length / 8;
  body.push(zeroChecksum(body));
  return body;
}

function minutesSinceFruEpoch(ms: number | undefined): number[] {
  const minutes = ms === undefined ? 0 : Math.max(0, Math.min(0xffffff, Math.floor((ms - FRU_EPOCH_MS) / 60_000)));
  return [minutes & 0xff, (minutes >> 8) & 0xff, (minutes >> 16) & 0xff];
}

export function encodeFruImage(identity: ServerIdentity): Uint8Array {
  const chassis = area([CHASSIS_RACK_MOUNT], [identity.partNumber, identity.chassisSerialNumber]);
  const board = area([ENGLISH, ...minutesSinceFruEpoch(identity.manufacturedAtMs)], [
    identity.manufacturer,
    identity.productName,
    identity.boardSerialNumber,
    identity.boardPartNumber,
    '',
  ]);
  const product = area([ENGLISH], [
    identity.manufacturer,
    identity.productName,
    identity.partNumber,
    '',
    identity.serialNumber,
    identity.assetTag ?? '',
    '',
  ]);
  const chassisAt = 1;
  const boardAt = chassisAt + chassis.length / 8;
  const productAt = boardAt + board.length / 8;
  const header = [FORMAT_VERSION, 0, chassisAt, boardAt, productAt, 0, 0];
  return Uint8Array.from([...header, zeroChecksum(header), ...chassis, ...board, ...product]);
}
