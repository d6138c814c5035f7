/**
 * IPMI LAN messages (IPMI v2.0 rev 1.1, §13.8 and Table 13-4): the request
 * a remote console sends and the response a BMC returns, with both checksums.
 */
import { ByteReader, concatBytes } from './bytes.js';

export const BMC_SLAVE_ADDRESS = 0x20;
/** Software ID of a remote console (§5.5). */
export const REMOTE_CONSOLE_SWID = 0x81;

export interface IpmiRequest {
  readonly netFn: number;
  readonly cmd: number;
  readonly data: Uint8Array | readonly number[];
  /** Responder LUN (0 unless the SDR says otherwise). */
  readonly lun?: number;
}

export interface IpmiResponse {
  readonly netFn: number;
  readonly cmd: number;
  readonly rqSeq: number;
  readonly completionCode: number;
  readonly data: Uint8Array;
}

/** Two's complement checksum: the bytes plus it sum to zero mod 256. */
export function checksum(bytes: Uint8Array | readonly number[]): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return (0x100 - sum) & 0xff;
}

export function encodeRequest(request: IpmiRequest, rqSeq: number): Uint8Array {
  const head = [BMC_SLAVE_ADDRESS, ((request.netFn & 0x3f) << 2) | ((request.lun ?? 0) & 0x03)];
  const body = concatBytes([REMOTE_CONSOLE_SWID, (rqSeq & 0x3f) << 2, request.cmd & 0xff], request.data);
  return concatBytes(head, [checksum(head)], body, [checksum(body)]);
}

export function decodeResponse(bytes: Uint8Array, bmc: string): IpmiResponse {
  const r = new ByteReader(bytes, bmc, 'IPMI response message');
  if (bytes.length < 8) r.fail(`an IPMI response is at least 8 bytes, got ${bytes.length}`);
  if (checksum(bytes.subarray(0, 2)) !== bytes[2]) r.fail('the header checksum does not match');
  if (checksum(bytes.subarray(3, bytes.length - 1)) !== bytes[bytes.length - 1]) r.fail('the data checksum does not match');
  r.u8('requester address');
  const netFn = r.u8('netFn') >> 2;
  r.u8('header checksum');
  r.u8('responder address');
  const rqSeq = r.u8('rqSeq') >> 2;
  const cmd = r.u8('command');
  const completionCode = r.u8('completion code');
  const data = r.take(r.remaining - 1, 'response data');
  return { netFn, cmd, rqSeq, completionCode, data };
}
