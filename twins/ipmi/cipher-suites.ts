import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * RMCP+ cipher suites (IPMI v2.0 §22.15.2, table 22-20) and the session
 * cryptography of §13.28–13.32. Only suites with authentication, integrity
 * and confidentiality are offered: suite 0 and anything without an HMAC is
 * refused by never being listed.
 */
export type HashName = 'sha1' | 'sha256';

export interface CipherSuite {
  readonly id: number;
  /** Authentication algorithm number: 01h RAKP-HMAC-SHA1, 03h RAKP-HMAC-SHA256. */
  readonly authAlgorithm: number;
  /** Integrity algorithm number: 01h HMAC-SHA1-96, 04h HMAC-SHA256-128. */
  readonly integrityAlgorithm: number;
  /** Confidentiality algorithm number: 01h AES-CBC-128. */
  readonly confidentialityAlgorithm: number;
  readonly hash: HashName;
  /** Bytes of the per-packet integrity code (and of the RAKP 4 ICV). */
  readonly integrityLength: number;
}

export const CIPHER_SUITES: readonly CipherSuite[] = [
  { id: 3, authAlgorithm: 0x01, integrityAlgorithm: 0x01, confidentialityAlgorithm: 0x01, hash: 'sha1', integrityLength: 12 },
  { id: 17, authAlgorithm: 0x03, integrityAlgorithm: 0x04, confidentialityAlgorithm: 0x01, hash: 'sha256', integrityLength: 16 },
];

export function findCipherSuite(suites: readonly CipherSuite[], auth: number, integrity: number, confidentiality: number): CipherSuite | undefined {
  return suites.find((s) => s.authAlgorithm === auth && s.integrityAlgorithm === integrity && s.confidentialityAlgorithm === confidentiality);
}

export function hmac(hash: HashName, key: Uint8Array, ...parts: ReadonlyArray<ArrayLike<number>>): Uint8Array {
  const mac = createHmac(hash, key);
  for (const part of parts) mac.update(Uint8Array.from(part));
  return new Uint8Array(mac.digest());
}

/** Constant-time comparison of a received code against the expected one. */
export function codesMatch(expected: Uint8Array, received: Uint8Array): boolean {
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/** The spec's Const1/Const2 are 20 bytes, whatever the hash (ipmitool and freeipmi agree). */
const KEY_CONSTANT_BYTES = 20;

export interface SessionKeys {
  readonly sik: Uint8Array;
  /** Integrity key: HMAC(SIK, Const1), Const1 = 20 bytes of 01h (§13.32; 20 bytes with SHA-256 too). */
  readonly k1: Uint8Array;
  /** Confidentiality key material: HMAC(SIK, Const2), Const2 = 20 bytes of 02h; AES uses its first 16 bytes. */
  readonly k2: Uint8Array;
}

/** K1 and K2 of §13.32 from the session integrity key. */
export function deriveSessionKeys(hash: HashName, sik: Uint8Array): SessionKeys {
  return { sik, k1: hmac(hash, sik, new Uint8Array(KEY_CONSTANT_BYTES).fill(0x01)), k2: hmac(hash, sik, new Uint8Array(KEY_CONSTANT_BYTES).fill(0x02)) };
}

/** The integrity code of an outgoing or incoming packet (§13.28.4). */
export function integrityCode(suite: CipherSuite, k1: Uint8Array, covered: Uint8Array): Uint8Array {
  return hmac(suite.hash, k1, covered).subarray(0, suite.integrityLength);
}

/**
 * AES-CBC-128 payload encryption (§13.29): a 16-byte IV, then the payload with
 * pad bytes 01h, 02h, … and a pad-length byte to a whole number of blocks.
 */
export function encryptPayload(k2: Uint8Array, iv: Uint8Array, plain: Uint8Array): Uint8Array {
  const padLength = (16 - ((plain.length + 1) % 16)) % 16;
  const padded = new Uint8Array(plain.length + padLength + 1);
  padded.set(plain, 0);
  for (let i = 0; i < padLength; i++) padded[plain.length + i] = i + 1;
  padded[padded.length - 1] = padLength;
  const cipher = createCipheriv('aes-128-cbc', k2.subarray(0, 16), iv).setAutoPadding(false);
  const body = Buffer.concat([cipher.update(padded), cipher.final()]);
  const out = new Uint8Array(16 + body.length);
  out.set(iv, 0);
  out.set(body, 16);
  return out;
}

/** Undefined when the length or the confidentiality padding is wrong. */
export function decryptPayload(k2: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  if (data.length < 32 || data.length % 16 !== 0) return undefined;
  const decipher = createDecipheriv('aes-128-cbc', k2.subarray(0, 16), data.subarray(0, 16)).setAutoPadding(false);
  const padded = new Uint8Array(Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]));
  const padLength = padded[padded.length - 1]!;
  if (padLength > 15 || padLength + 1 > padded.length) return undefined;
  const end = padded.length - 1 - padLength;
  for (let i = 0; i < padLength; i++) if (padded[end + i] !== i + 1) return undefined;
  return padded.subarray(0, end);
}
