/**
 * The cipher suites this client negotiates (IPMI v2.0 rev 1.1, Table 22-20)
 * and their cryptography: RAKP key exchange codes, session key derivation
 * (§13.31, §13.32), integrity AuthCodes (§13.28.4) and AES-CBC-128
 * confidentiality (§13.29). Suites without authentication, integrity or
 * confidentiality (0, 1, 2 …) are never proposed.
 */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { concatBytes, u32le } from './bytes.js';

export type CipherSuiteId = 3 | 17;

export interface CipherSuite {
  readonly id: CipherSuiteId;
  /** Authentication algorithm number (Table 13-17). */
  readonly authAlgorithm: number;
  /** Integrity algorithm number (Table 13-18). */
  readonly integrityAlgorithm: number;
  /** Confidentiality algorithm number (Table 13-19). */
  readonly confidentialityAlgorithm: number;
  readonly hash: 'sha1' | 'sha256';
  /** Length of the RAKP4 integrity check value. */
  readonly rakp4IcvLength: number;
  /** Length of a packet's AuthCode. */
  readonly authCodeLength: number;
}

export const CIPHER_SUITES: Readonly<Record<CipherSuiteId, CipherSuite>> = {
  3: { id: 3, authAlgorithm: 1, integrityAlgorithm: 1, confidentialityAlgorithm: 1, hash: 'sha1', rakp4IcvLength: 12, authCodeLength: 12 },
  17: { id: 17, authAlgorithm: 3, integrityAlgorithm: 4, confidentialityAlgorithm: 1, hash: 'sha256', rakp4IcvLength: 16, authCodeLength: 16 },
};

/** In order of preference. */
export const PREFERRED_SUITES: readonly CipherSuiteId[] = [17, 3];

/** The suite whose three algorithms these are, if this client supports it. */
export function suiteFor(auth: number, integrity: number, confidentiality: number): CipherSuite | undefined {
  return Object.values(CIPHER_SUITES).find(
    (s) => s.authAlgorithm === auth && s.integrityAlgorithm === integrity && s.confidentialityAlgorithm === confidentiality,
  );
}

export function hmac(hash: 'sha1' | 'sha256', key: Uint8Array, ...parts: ReadonlyArray<Uint8Array | readonly number[]>): Uint8Array {
  const mac = createHmac(hash, key);
  for (const part of parts) mac.update(Uint8Array.from(part));
  return new Uint8Array(mac.digest());
}

/** What both sides know after RAKP 1 and 2. */
export interface RakpExchange {
  /** The console's session id (SIDm). */
  readonly consoleSessionId: number;
  /** The BMC's session id (SIDc). */
  readonly bmcSessionId: number;
  /** Rm, 16 bytes. */
  readonly consoleRandom: Uint8Array;
  /** Rc, 16 bytes. */
  readonly bmcRandom: Uint8Array;
  /** GUIDc, 16 bytes. */
  readonly bmcGuid: Uint8Array;
  /** ROLEm as sent in RAKP1 (privilege and lookup bit). */
  readonly role: number;
  readonly username: Uint8Array;
}

/** RAKP2 key exchange auth code the BMC must send (§13.21). */
export function rakp2AuthCode(suite: CipherSuite, kuid: Uint8Array, x: RakpExchange): Uint8Array {
  return hmac(suite.hash, kuid, u32le(x.consoleSessionId), u32le(x.bmcSessionId), x.consoleRandom, x.bmcRandom, x.bmcGuid, [x.role, x.username.length], x.username);
}

/** RAKP3 key exchange auth code the console sends (§13.22). */
export function rakp3AuthCode(suite: CipherSuite, kuid: Uint8Array, x: RakpExchange): Uint8Array {
  return hmac(suite.hash, kuid, x.bmcRandom, u32le(x.consoleSessionId), [x.role, x.username.length], x.username);
}

/** Session Integrity Key (§13.31); Kg is Kuid when the BMC has no BMC key set. */
export function sessionIntegrityKey(suite: CipherSuite, kg: Uint8Array, x: RakpExchange): Uint8Array {
  return hmac(suite.hash, kg, x.consoleRandom, x.bmcRandom, [x.role, x.username.length], x.username);
}

/** RAKP4 integrity check value the BMC must send (§13.23). */
export function rakp4Icv(suite: CipherSuite, sik: Uint8Array, x: RakpExchange): Uint8Array {
  return hmac(suite.hash, sik, x.consoleRandom, u32le(x.bmcSessionId), x.bmcGuid).subarray(0, suite.rakp4IcvLength);
}

export interface SessionKeys {
  readonly sik: Uint8Array;
  /** Integrity key. */
  readonly k1: Uint8Array;
  /** Confidentiality key; AES-CBC-128 uses its first 16 bytes. */
  readonly k2: Uint8Array;
}

/**
 * Const1 and Const2 of §13.32 are 20 bytes whatever the hash: the SHA-256
 * suites keep the SHA-1 constants (ipmitool, freeipmi, pyghmi and the BMCs
 * they talk to all use 20 bytes; 32 bytes with suite 17 gets every in-session
 * packet dropped by the BMC).
 */
const KEY_CONSTANT_BYTES = 20;

/** K1 = HMAC_SIK(Const1 = 20 × 01h), K2 = HMAC_SIK(Const2 = 20 × 02h) (§13.32). */
export function deriveKeys(suite: CipherSuite, sik: Uint8Array): SessionKeys {
  const constant = (byte: number): number[] => new Array<number>(KEY_CONSTANT_BYTES).fill(byte);
  return { sik, k1: hmac(suite.hash, sik, constant(1)), k2: hmac(suite.hash, sik, constant(2)) };
}

export function authCode(suite: CipherSuite, k1: Uint8Array, signed: Uint8Array): Uint8Array {
  return hmac(suite.hash, k1, signed).subarray(0, suite.authCodeLength);
}

/** AES-CBC-128 with the IPMI pad (01h 02h … n, then n): IV ‖ ciphertext. */
export function encryptPayload(k2: Uint8Array, iv: Uint8Array, plain: Uint8Array): Uint8Array {
  const padLength = (16 - ((plain.length + 1) % 16)) % 16;
  const pad = Array.from({ length: padLength }, (_, i) => i + 1);
  const cipher = createCipheriv('aes-128-cbc', k2.subarray(0, 16), iv);
  cipher.setAutoPadding(false);
  const body = concatBytes(plain, pad, [padLength]);
  return concatBytes(iv, cipher.update(body), cipher.final());
}

/** The plain payload, or undefined when the length or the pad is wrong. */
export function decryptPayload(k2: Uint8Array, payload: Uint8Array): Uint8Array | undefined {
  if (payload.length < 32 || payload.length % 16 !== 0) return undefined;
  const decipher = createDecipheriv('aes-128-cbc', k2.subarray(0, 16), payload.subarray(0, 16));
  decipher.setAutoPadding(false);
  const body = concatBytes(decipher.update(payload.subarray(16)), decipher.final());
  const padLength = body[body.length - 1] as number;
  if (padLength > 15 || padLength + 1 > body.length) return undefined;
  for (let i = 0; i < padLength; i++) if (body[body.length - 1 - padLength + i] !== i + 1) return undefined;
  return body.subarray(0, body.length - 1 - padLength);
}
