/**
 * RMCP+ session establishment messages (IPMI v2.0 rev 1.1, §13.17–13.23):
 * Open Session Request/Response and RAKP messages 1–4, and the RMCP+ status
 * codes (Table 13-15).
 */
import { ByteReader, concatBytes, hex, u32le } from './bytes.js';
import type { CipherSuite } from './cipher-suite.js';

export const RMCP_STATUS_MESSAGES: Readonly<Record<number, string>> = {
  0x01: 'insufficient resources to create a session',
  0x02: 'invalid session id',
  0x03: 'invalid payload type',
  0x04: 'invalid authentication algorithm',
  0x05: 'invalid integrity algorithm',
  0x06: 'no matching authentication payload',
  0x07: 'no matching integrity payload',
  0x08: 'inactive session id',
  0x09: 'invalid role',
  0x0a: 'unauthorized role or privilege level requested',
  0x0b: 'insufficient resources to create a session at the requested role',
  0x0c: 'invalid name length',
  0x0d: 'unauthorized name',
  0x0e: 'unauthorized GUID',
  0x0f: 'invalid integrity check value',
  0x10: 'invalid confidentiality algorithm',
  0x11: 'no cipher suite match with the proposed security algorithms',
  0x12: 'illegal or unrecognized parameter',
};

export function rmcpStatusText(status: number): string {
  return `${RMCP_STATUS_MESSAGES[status] ?? 'unknown status'} (RMCP+ status ${hex(status)})`;
}

/** Statuses that mean "the BMC does not do these algorithms". */
export const CIPHER_REFUSED_STATUSES: ReadonlySet<number> = new Set([0x04, 0x05, 0x06, 0x07, 0x10, 0x11]);
/** Statuses that mean "the BMC has no session to spare". */
export const BUSY_STATUSES: ReadonlySet<number> = new Set([0x01, 0x0b]);
/** Statuses that mean "not with these credentials or this role". */
export const AUTH_STATUSES: ReadonlySet<number> = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x0e, 0x0f]);

function algorithmPayload(type: number, algorithm: number): number[] {
  return [type, 0, 0, 8, algorithm & 0x3f, 0, 0, 0];
}

export function encodeOpenSessionRequest(tag: number, privilege: number, consoleSessionId: number, suite: CipherSuite): Uint8Array {
  return concatBytes(
    [tag, privilege & 0x0f, 0, 0],
    u32le(consoleSessionId),
    algorithmPayload(0, suite.authAlgorithm),
    algorithmPayload(1, suite.integrityAlgorithm),
    algorithmPayload(2, suite.confidentialityAlgorithm),
  );
}

export interface OpenSessionResponse {
  readonly tag: number;
  readonly status: number;
  readonly consoleSessionId: number;
  /** Present when status is 0. */
  readonly accepted?: {
    readonly maxPrivilege: number;
    readonly bmcSessionId: number;
    readonly authAlgorithm: number;
    readonly integrityAlgorithm: number;
    readonly confidentialityAlgorithm: number;
  };
}

function readAlgorithm(r: ByteReader, expectedType: number, name: string): number {
  const type = r.u8(`${name} payload type`);
  if (type !== expectedType) r.fail(`the ${name} payload has type ${type}, expected ${expectedType}`);
  r.skip(2, `${name} reserved`);
  if (r.u8(`${name} payload length`) !== 8) r.fail(`the ${name} payload length is not 8`);
  const algorithm = r.u8(`${name} algorithm`) & 0x3f;
  r.skip(3, `${name} reserved`);
  return algorithm;
}

export function decodeOpenSessionResponse(payload: Uint8Array, bmc: string): OpenSessionResponse {
  const r = new ByteReader(payload, bmc, 'RMCP+ Open Session Response');
  const tag = r.u8('message tag');
  const status = r.u8('status code');
  if (status !== 0) {
    const consoleSessionId = r.remaining >= 6 ? (r.skip(2, 'reserved'), r.u32le('console session id')) : 0;
    return { tag, status, consoleSessionId };
  }
  const maxPrivilege = r.u8('maximum privilege') & 0x0f;
  r.skip(1, 'reserved');
  const consoleSessionId = r.u32le('console session id');
  const bmcSessionId = r.u32le('BMC session id');
  const authAlgorithm = readAlgorithm(r, 0, 'authentication');
  const integrityAlgorithm = readAlgorithm(r, 1, 'integrity');
  const confidentialityAlgorithm = readAlgorithm(r, 2, 'confidentiality');
  return { tag, status, consoleSessionId, accepted: { maxPrivilege, bmcSessionId, authAlgorithm, integrityAlgorithm, confidentialityAlgorithm } };
}

export function encodeRakp1(tag: number, bmcSessionId: number, consoleRandom: Uint8Array, role: number, username: Uint8Array): Uint8Array {
  return concatBytes([tag, 0, 0, 0], u32le(bmcSessionId), consoleRandom, [role, 0, 0, username.length], username);
}

/** What leads RAKP messages 2 and 4: tag, status and, on success, our session id. */
export interface RakpHead {
  readonly tag: number;
  readonly status: number;
  readonly consoleSessionId: number;
}

export interface Rakp2 extends RakpHead {
  readonly bmcRandom: Uint8Array;
  readonly bmcGuid: Uint8Array;
  readonly authCode: Uint8Array;
}

export interface Rakp4 extends RakpHead {
  readonly icv: Uint8Array;
}

/** The head, and a reader at the message body, or no reader when the status is an error (no body follows). */
function readRakpHead(payload: Uint8Array, bmc: string, what: string): [RakpHead, ByteReader | undefined] {
  const r = new ByteReader(payload, bmc, what);
  const tag = r.u8('message tag');
  const status = r.u8('status code');
  if (status !== 0) return [{ tag, status, consoleSessionId: 0 }, undefined];
  r.skip(2, 'reserved');
  return [{ tag, status, consoleSessionId: r.u32le('console session id') }, r];
}

export function decodeRakp2(payload: Uint8Array, bmc: string): Rakp2 {
  const [head, r] = readRakpHead(payload, bmc, 'RAKP Message 2');
  const empty = new Uint8Array(0);
  if (!r) return { ...head, bmcRandom: empty, bmcGuid: empty, authCode: empty };
  const bmcRandom = r.take(16, 'BMC random number');
  const bmcGuid = r.take(16, 'BMC GUID');
  return { ...head, bmcRandom, bmcGuid, authCode: r.rest() };
}

export function encodeRakp3(tag: number, bmcSessionId: number, authCode: Uint8Array): Uint8Array {
  return concatBytes([tag, 0, 0, 0], u32le(bmcSessionId), authCode);
}

export function decodeRakp4(payload: Uint8Array, bmc: string): Rakp4 {
  const [head, r] = readRakpHead(payload, bmc, 'RAKP Message 4');
  return { ...head, icv: r ? r.rest() : new Uint8Array(0) };
}
