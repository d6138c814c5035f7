import { readU32, u32 } from './bytes.js';
import { hmac, type CipherSuite } from './cipher-suites.js';

/**
 * RMCP+ session establishment messages (IPMI v2.0 §13.17–13.23) and the
 * key-exchange codes of §13.31: what each side signs, with which key.
 */

/** RMCP+ status codes (table 13-15) this BMC sends. */
export const RmcpStatus = {
  ok: 0x00,
  insufficientResources: 0x01,
  invalidSessionId: 0x02,
  unauthorizedRole: 0x0a,
  invalidNameLength: 0x0c,
  unauthorizedName: 0x0d,
  invalidIntegrityCheck: 0x0f,
  noCipherSuiteMatch: 0x11,
  illegalParameter: 0x12,
} as const;

export interface OpenSessionRequest {
  readonly tag: number;
  /** 0: the highest level the proposed algorithms allow. */
  readonly requestedPrivilege: number;
  readonly consoleSessionId: number;
  /** Undefined for a null ("any") algorithm payload. */
  readonly authAlgorithm: number | undefined;
  readonly integrityAlgorithm: number | undefined;
  readonly confidentialityAlgorithm: number | undefined;
}

export function decodeOpenSessionRequest(data: Uint8Array): OpenSessionRequest | undefined {
  if (data.length < 32) return undefined;
  const algorithm = (at: number, type: number): number | undefined | null => {
    if (data[at] !== type) return null;
    return data[at + 3] === 0 ? undefined : data[at + 4]! & 0x3f;
  };
  const auth = algorithm(8, 0x00);
  const integrity = algorithm(16, 0x01);
  const confidentiality = algorithm(24, 0x02);
  if (auth === null || integrity === null || confidentiality === null) return undefined;
  return { tag: data[0]!, requestedPrivilege: data[1]! & 0x0f, consoleSessionId: readU32(data, 4), authAlgorithm: auth, integrityAlgorithm: integrity, confidentialityAlgorithm: confidentiality };
}

export interface OpenSessionAccept {
  readonly tag: number;
  readonly maxPrivilege: number;
  readonly consoleSessionId: number;
  readonly bmcSessionId: number;
  readonly suite: CipherSuite;
}

export function encodeOpenSessionResponse(accept: OpenSessionAccept): Uint8Array {
  const payload = (type: number, algorithm: number): number[] => [type, 0, 0, 0x08, algorithm, 0, 0, 0];
  return Uint8Array.from([
    accept.tag, RmcpStatus.ok, accept.maxPrivilege, 0, ...u32(accept.consoleSessionId), ...u32(accept.bmcSessionId),
    ...payload(0x00, accept.suite.authAlgorithm), ...payload(0x01, accept.suite.integrityAlgorithm), ...payload(0x02, accept.suite.confidentialityAlgorithm),
  ]);
}

/** The short error form shared by the Open Session Response, RAKP 2 and RAKP 4. */
export function encodeRmcpError(tag: number, status: number, consoleSessionId: number): Uint8Array {
  return Uint8Array.from([tag, status, 0, 0, ...u32(consoleSessionId)]);
}

export interface Rakp1 {
  readonly tag: number;
  readonly bmcSessionId: number;
  readonly consoleRandom: Uint8Array;
  /** The whole role byte as sent (privilege in bits 3:0, name-only lookup in bit 4): it is signed as is. */
  readonly role: number;
  readonly userName: Uint8Array;
}

export function decodeRakp1(data: Uint8Array): Rakp1 | undefined {
  if (data.length < 28) return undefined;
  const nameLength = data[27]!;
  if (nameLength > 16 || data.length < 28 + nameLength) return undefined;
  return { tag: data[0]!, bmcSessionId: readU32(data, 4), consoleRandom: data.slice(8, 24), role: data[24]!, userName: data.slice(28, 28 + nameLength) };
}

export interface Rakp3 {
  readonly tag: number;
  readonly status: number;
  readonly bmcSessionId: number;
  readonly authCode: Uint8Array;
}

export function decodeRakp3(data: Uint8Array): Rakp3 | undefined {
  if (data.length < 8) return undefined;
  return { tag: data[0]!, status: data[1]!, bmcSessionId: readU32(data, 4), authCode: data.slice(8) };
}

/** What both sides of the key exchange know once RAKP 1 and 2 have passed. */
export interface KeyExchange {
  readonly suite: CipherSuite;
  /** Kuid: the user's password bytes (HMAC pads the key with zeros as IPMI does). */
  readonly password: Uint8Array;
  readonly consoleSessionId: number;
  readonly bmcSessionId: number;
  readonly consoleRandom: Uint8Array;
  readonly bmcRandom: Uint8Array;
  readonly bmcGuid: Uint8Array;
  readonly role: number;
  readonly userName: Uint8Array;
}

/** RAKP 2 key exchange authentication code: HMAC_Kuid(SIDm, SIDc, Rm, Rc, GUIDc, ROLEm, ULENGTHm, UNAMEm). */
export function rakp2AuthCode(k: KeyExchange): Uint8Array {
  return hmac(k.suite.hash, k.password, u32(k.consoleSessionId), u32(k.bmcSessionId), k.consoleRandom, k.bmcRandom, k.bmcGuid, [k.role, k.userName.length], k.userName);
}

/** RAKP 3 key exchange authentication code: HMAC_Kuid(Rc, SIDm, ROLEm, ULENGTHm, UNAMEm). */
export function rakp3AuthCode(k: KeyExchange): Uint8Array {
  return hmac(k.suite.hash, k.password, k.bmcRandom, u32(k.consoleSessionId), [k.role, k.userName.length], k.userName);
}

/** Session integrity key: HMAC_Kg(Rm, Rc, ROLEm, ULENGTHm, UNAMEm); Kg is Kuid when the BMC key is all zeros. */
export function sessionIntegrityKey(k: KeyExchange): Uint8Array {
  return hmac(k.suite.hash, k.password, k.consoleRandom, k.bmcRandom, [k.role, k.userName.length], k.userName);
}

/** RAKP 4 integrity check value: HMAC_SIK(Rm, SIDc, GUIDc), truncated as the integrity algorithm. */
export function rakp4CheckValue(k: KeyExchange, sik: Uint8Array): Uint8Array {
  return hmac(k.suite.hash, sik, k.consoleRandom, u32(k.bmcSessionId), k.bmcGuid).subarray(0, k.suite.integrityLength);
}

export function encodeRakp2(tag: number, k: KeyExchange): Uint8Array {
  return Uint8Array.from([tag, RmcpStatus.ok, 0, 0, ...u32(k.consoleSessionId), ...k.bmcRandom, ...k.bmcGuid, ...rakp2AuthCode(k)]);
}

export function encodeRakp4(tag: number, k: KeyExchange, sik: Uint8Array): Uint8Array {
  return Uint8Array.from([tag, RmcpStatus.ok, 0, 0, ...u32(k.consoleSessionId), ...rakp4CheckValue(k, sik)]);
}
