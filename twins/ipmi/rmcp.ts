/**
 * RMCP (DMTF ASF 2.0 §3.2.2): the 4-byte header every IPMI-over-LAN datagram
 * carries, and the ASF presence ping/pong that discovery tools send first.
 */
export const RMCP_VERSION = 0x06;
export const RMCP_CLASS_ASF = 0x06;
export const RMCP_CLASS_IPMI = 0x07;
/** "No RMCP ACK": IPMI traffic never asks for RMCP-level acknowledgement. */
export const RMCP_NO_ACK_SEQUENCE = 0xff;

const ASF_IANA = 4542;
const ASF_PING = 0x80;
const ASF_PONG = 0x40;

export interface RmcpDatagram {
  readonly messageClass: number;
  readonly sequence: number;
  readonly body: Uint8Array;
}

/** Undefined for anything that is not an RMCP v1.0 normal message (ACKs included). */
export function decodeRmcp(data: Uint8Array): RmcpDatagram | undefined {
  if (data.length < 5 || data[0] !== RMCP_VERSION) return undefined;
  const messageClass = data[3]!;
  if (messageClass & 0x80) return undefined; // an RMCP ACK: nothing to answer
  return { messageClass: messageClass & 0x1f, sequence: data[2]!, body: data.subarray(4) };
}

export function encodeRmcp(messageClass: number, body: Uint8Array, sequence = RMCP_NO_ACK_SEQUENCE): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out.set([RMCP_VERSION, 0x00, sequence, messageClass], 0);
  out.set(body, 4);
  return out;
}

/** The message tag of an ASF Presence Ping, or undefined for any other ASF message. */
export function decodeAsfPing(body: Uint8Array): number | undefined {
  if (body.length < 8) return undefined;
  const iana = ((body[0]! << 24) | (body[1]! << 16) | (body[2]! << 8) | body[3]!) >>> 0;
  if (iana !== ASF_IANA || body[4] !== ASF_PING) return undefined;
  return body[5]!;
}

/** ASF Presence Pong: IPMI supported, no ASF interactions. */
export function encodeAsfPong(tag: number): Uint8Array {
  const iana = [0x00, 0x00, 0x11, 0xbe];
  return Uint8Array.from([...iana, ASF_PONG, tag, 0x00, 0x10, ...iana, 0, 0, 0, 0, 0x81, 0x00, 0, 0, 0, 0, 0, 0]);
}
