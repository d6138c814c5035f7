import { zeroChecksum } from './bytes.js';

/**
 * An IPMI LAN message (IPMI v2.0 §13.8, table 13-4): the request a remote
 * console sends to the BMC (responder address 20h) and the response to it, each
 * with two checksums.
 */
export interface IpmiRequest {
  readonly rsAddr: number;
  readonly netFn: number;
  readonly rsLun: number;
  readonly rqAddr: number;
  readonly rqSeq: number;
  readonly rqLun: number;
  readonly cmd: number;
  readonly data: Uint8Array;
}

/** Undefined when too short or a checksum is wrong. */
export function decodeIpmiRequest(bytes: Uint8Array): IpmiRequest | undefined {
  if (bytes.length < 7) return undefined;
  if (zeroChecksum(bytes, 0, 2) !== bytes[2] || zeroChecksum(bytes, 3, bytes.length - 1) !== bytes[bytes.length - 1]) return undefined;
  const netFn = bytes[1]! >> 2;
  if (netFn & 1) return undefined; // a response, not a request
  return {
    rsAddr: bytes[0]!,
    netFn,
    rsLun: bytes[1]! & 0x03,
    rqAddr: bytes[3]!,
    rqSeq: bytes[4]! >> 2,
    rqLun: bytes[4]! & 0x03,
    cmd: bytes[5]!,
    data: bytes.subarray(6, bytes.length - 1),
  };
}

export function encodeIpmiResponse(request: IpmiRequest, completionCode: number, data: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(8 + data.length);
  out[0] = request.rqAddr;
  out[1] = ((request.netFn | 1) << 2) | request.rqLun;
  out[2] = zeroChecksum(out, 0, 2);
  out[3] = request.rsAddr;
  out[4] = (request.rqSeq << 2) | request.rsLun;
  out[5] = request.cmd;
  out[6] = completionCode;
  out.set(data, 7);
  out[out.length - 1] = zeroChecksum(out, 3, out.length - 1);
  return out;
}
