import { readU16, readU32, u16, u32 } from './bytes.js';

/**
 * The session wrapper inside an RMCP IPMI-class message (IPMI v2.0 §13.6).
 * Two formats share the first byte, the authentication type:
 * - IPMI v1.5 (13.6, table 13-8); only authentication type NONE is accepted,
 *   for the out-of-session commands (Get Channel Authentication Capabilities).
 * - IPMI v2.0/RMCP+ (authentication type 06h, table 13-8), with the payload type,
 *   its encrypted/authenticated bits, and the integrity trailer when authenticated.
 */
export const AUTH_TYPE_NONE = 0x00;
export const AUTH_TYPE_RMCP_PLUS = 0x06;

export const PAYLOAD_IPMI = 0x00;
export const PAYLOAD_OPEN_SESSION_REQUEST = 0x10;
export const PAYLOAD_OPEN_SESSION_RESPONSE = 0x11;
export const PAYLOAD_RAKP1 = 0x12;
export const PAYLOAD_RAKP2 = 0x13;
export const PAYLOAD_RAKP3 = 0x14;
export const PAYLOAD_RAKP4 = 0x15;

const NEXT_HEADER = 0x07;
/** Auth type through payload length, for payload types without OEM fields. */
const V20_HEADER_LENGTH = 12;

export interface V15Packet {
  readonly format: 'v1.5';
  readonly sequence: number;
  readonly sessionId: number;
  readonly payload: Uint8Array;
}

export interface V20Packet {
  readonly format: 'v2.0';
  readonly payloadType: number;
  readonly encrypted: boolean;
  readonly authenticated: boolean;
  readonly sessionId: number;
  readonly sequence: number;
  /** As on the wire: still encrypted when `encrypted`. */
  readonly payload: Uint8Array;
  /** When authenticated: the bytes the integrity code covers and the code itself. */
  readonly integrity: { readonly covered: Uint8Array; readonly authCode: Uint8Array } | undefined;
}

export type SessionPacket = V15Packet | V20Packet;

/** Undefined for anything malformed or not accepted here (v1.5 authentication, OEM payloads). */
export function decodeSessionPacket(body: Uint8Array): SessionPacket | undefined {
  if (body.length < 1) return undefined;
  const authType = body[0]! & 0x0f;
  if (authType === AUTH_TYPE_NONE) {
    if (body.length < 10) return undefined;
    const length = body[9]!;
    if (body.length < 10 + length) return undefined;
    return { format: 'v1.5', sequence: readU32(body, 1), sessionId: readU32(body, 5), payload: body.subarray(10, 10 + length) };
  }
  if (authType !== AUTH_TYPE_RMCP_PLUS || body.length < V20_HEADER_LENGTH) return undefined;
  const typeByte = body[1]!;
  const payloadType = typeByte & 0x3f;
  if (payloadType === 0x02) return undefined; // OEM explicit payloads: not supported
  const length = readU16(body, 10);
  const end = V20_HEADER_LENGTH + length;
  if (body.length < end) return undefined;
  const authenticated = (typeByte & 0x40) !== 0;
  const packet = {
    format: 'v2.0' as const,
    payloadType,
    encrypted: (typeByte & 0x80) !== 0,
    authenticated,
    sessionId: readU32(body, 2),
    sequence: readU32(body, 6),
    payload: body.subarray(V20_HEADER_LENGTH, end),
  };
  if (!authenticated) return { ...packet, integrity: undefined };
  const pad = integrityPadLength(length);
  const padLengthAt = end + pad;
  if (body.length <= padLengthAt + 2 || body[padLengthAt] !== pad || body[padLengthAt + 1] !== NEXT_HEADER) return undefined;
  for (let i = end; i < padLengthAt; i++) if (body[i] !== 0xff) return undefined;
  return { ...packet, integrity: { covered: body.subarray(0, padLengthAt + 2), authCode: body.subarray(padLengthAt + 2) } };
}

export function encodeV15(packet: Omit<V15Packet, 'format'>): Uint8Array {
  return Uint8Array.from([AUTH_TYPE_NONE, ...u32(packet.sequence), ...u32(packet.sessionId), packet.payload.length, ...packet.payload]);
}

export interface V20Outgoing {
  readonly payloadType: number;
  readonly encrypted: boolean;
  readonly sessionId: number;
  readonly sequence: number;
  readonly payload: Uint8Array;
}

/** With `sign`, the packet is marked authenticated and gets the trailer and `sign(covered bytes)`. */
export function encodeV20(packet: V20Outgoing, sign?: (covered: Uint8Array) => Uint8Array): Uint8Array {
  const typeByte = (packet.encrypted ? 0x80 : 0) | (sign ? 0x40 : 0) | packet.payloadType;
  const header = [AUTH_TYPE_RMCP_PLUS, typeByte, ...u32(packet.sessionId), ...u32(packet.sequence), ...u16(packet.payload.length)];
  if (!sign) return Uint8Array.from([...header, ...packet.payload]);
  const pad = integrityPadLength(packet.payload.length);
  const covered = Uint8Array.from([...header, ...packet.payload, ...new Array<number>(pad).fill(0xff), pad, NEXT_HEADER]);
  const authCode = sign(covered);
  const out = new Uint8Array(covered.length + authCode.length);
  out.set(covered, 0);
  out.set(authCode, covered.length);
  return out;
}

/** 0xFF bytes that make auth type … next header a whole number of 32-bit words. */
function integrityPadLength(payloadLength: number): number {
  return (4 - ((V20_HEADER_LENGTH + payloadLength + 2) % 4)) % 4;
}
