/**
 * RMCP and IPMI LAN session framing (IPMI v2.0 rev 1.1, §13.1–13.8):
 * the RMCP header, the IPMI v1.5 session wrapper (used here only
 * sessionless, for Get Channel Authentication Capabilities) and the IPMI v2.0
 * RMCP+ session wrapper with its integrity trailer. Payloads stay opaque.
 */
import { ByteReader, concatBytes, u16le, u32le } from './bytes.js';

export const RMCP_VERSION = 0x06;
export const RMCP_CLASS_ASF = 0x06;
export const RMCP_CLASS_IPMI = 0x07;
export const AUTH_TYPE_NONE = 0x00;
export const AUTH_TYPE_RMCP_PLUS = 0x06;

/** RMCP+ payload types (Table 13-16). */
export const PayloadType = {
  ipmi: 0x00,
  openSessionRequest: 0x10,
  openSessionResponse: 0x11,
  rakp1: 0x12,
  rakp2: 0x13,
  rakp3: 0x14,
  rakp4: 0x15,
} as const;

const RMCP_HEADER = [RMCP_VERSION, 0x00, 0xff, RMCP_CLASS_IPMI] as const;
const NEXT_HEADER = 0x07;

/** An IPMI message outside any session, in the v1.5 wrapper (auth type none). */
export function encodeSessionlessV15(message: Uint8Array): Uint8Array {
  return concatBytes(RMCP_HEADER, [AUTH_TYPE_NONE], u32le(0), u32le(0), [message.length], message);
}

export interface V20Frame {
  readonly payloadType: number;
  readonly sessionId: number;
  readonly sequence: number;
  /** Already encrypted when `encrypted` is set. */
  readonly payload: Uint8Array;
  readonly encrypted: boolean;
}

/** Signs `data` (AuthType through Next Header) and returns the AuthCode. */
export type Signer = (data: Uint8Array) => Uint8Array;

/** An RMCP+ packet; with a signer it is marked authenticated and gets the integrity trailer. */
export function encodeV20(frame: V20Frame, sign?: Signer): Uint8Array {
  const typeByte = (frame.payloadType & 0x3f) | (frame.encrypted ? 0x80 : 0) | (sign ? 0x40 : 0);
  const session = concatBytes([AUTH_TYPE_RMCP_PLUS, typeByte], u32le(frame.sessionId), u32le(frame.sequence), u16le(frame.payload.length), frame.payload);
  if (!sign) return concatBytes(RMCP_HEADER, session);
  // Pad so that AuthType … Next Header is a multiple of 4 bytes (§13.28.4).
  const padLength = (4 - ((session.length + 2) % 4)) % 4;
  const signed = concatBytes(session, new Array<number>(padLength).fill(0xff), [padLength, NEXT_HEADER]);
  return concatBytes(RMCP_HEADER, signed, sign(signed));
}

export type Inbound =
  | { readonly kind: 'asf' }
  | { readonly kind: 'v15'; readonly authType: number; readonly sessionId: number; readonly payload: Uint8Array }
  | {
      readonly kind: 'v20';
      readonly payloadType: number;
      readonly encrypted: boolean;
      readonly authenticated: boolean;
      readonly sessionId: number;
      readonly sequence: number;
      readonly payload: Uint8Array;
      /** AuthType … Next Header, what the AuthCode signs (empty when not authenticated). */
      readonly signed: Uint8Array;
      readonly authCode: Uint8Array;
    };

/**
 * Splits a datagram from a BMC into its session fields. `authCodeLength` is
 * the integrity algorithm's AuthCode length for authenticated RMCP+ packets.
 */
export function decodePacket(bytes: Uint8Array, bmc: string, authCodeLength: number): Inbound {
  const r = new ByteReader(bytes, bmc, 'RMCP packet');
  if (r.u8('RMCP version') !== RMCP_VERSION) r.fail('the RMCP version is not 06h');
  r.skip(2, 'RMCP reserved and sequence');
  const messageClass = r.u8('RMCP class') & 0x1f;
  if (messageClass === RMCP_CLASS_ASF) return { kind: 'asf' };
  if (messageClass !== RMCP_CLASS_IPMI) r.fail(`the RMCP class ${messageClass} is neither ASF nor IPMI`);
  const sessionStart = r.position;
  const authType = r.u8('auth type') & 0x0f;
  if (authType !== AUTH_TYPE_RMCP_PLUS) {
    r.skip(4, 'session sequence');
    const sessionId = r.u32le('session id');
    if (authType !== AUTH_TYPE_NONE) r.skip(16, 'v1.5 auth code');
    const length = r.u8('message length');
    return { kind: 'v15', authType, sessionId, payload: r.take(length, 'IPMI message') };
  }
  const typeByte = r.u8('payload type');
  const sessionId = r.u32le('session id');
  const sequence = r.u32le('session sequence');
  const length = r.u16le('payload length');
  const payload = r.take(length, 'payload');
  const authenticated = (typeByte & 0x40) !== 0;
  let signed: Uint8Array = new Uint8Array(0);
  let authCode: Uint8Array = new Uint8Array(0);
  if (authenticated) {
    const trailerStart = r.position;
    const trailer = r.remaining - authCodeLength;
    if (trailer < 2) r.fail('the integrity trailer is truncated');
    r.skip(trailer - 2, 'integrity pad');
    const padLength = r.u8('pad length');
    if (padLength !== trailer - 2) r.fail(`the pad length says ${padLength} but ${trailer - 2} pad byte(s) precede it`);
    if (r.u8('next header') !== NEXT_HEADER) r.fail('the next header is not 07h');
    signed = bytes.subarray(sessionStart, trailerStart + trailer);
    authCode = r.take(authCodeLength, 'auth code');
  }
  return { kind: 'v20', payloadType: typeByte & 0x3f, encrypted: (typeByte & 0x80) !== 0, authenticated, sessionId, sequence, payload, signed, authCode };
}
