/**
 * Opening an RMCP+ session (IPMI v2.0 rev 1.1, §13.15–13.23): check that the
 * channel speaks IPMI v2.0, propose cipher suite 17 then 3, run RAKP 1–4,
 * verify the BMC's RAKP2 key exchange code (a wrong password is caught here,
 * as BmcAuthError) and its RAKP4 integrity check value. Suites without
 * authentication, integrity or confidentiality are never proposed nor
 * accepted; when the BMC takes neither 17 nor 3, the error names the suites
 * it lists (Get Channel Cipher Suites), if it lists any.
 */
import type { Random } from '../../ports/random.js';
import { BmcAuthError, BmcBusyError, BmcError, BmcProtocolError, NotSupportedError } from '../errors.js';
import { equalBytes, hex } from './bytes.js';
import {
  CIPHER_SUITES,
  deriveKeys,
  PREFERRED_SUITES,
  rakp2AuthCode,
  rakp3AuthCode,
  rakp4Icv,
  sessionIntegrityKey,
  suiteFor,
  type CipherSuite,
  type RakpExchange,
} from './cipher-suite.js';
import { CC_OK } from './completion-codes.js';
import { Commands, type Command } from './commands.js';
import type { IpmiResponse } from './ipmi-message.js';
import {
  AUTH_STATUSES,
  BUSY_STATUSES,
  CIPHER_REFUSED_STATUSES,
  decodeOpenSessionResponse,
  decodeRakp2,
  decodeRakp4,
  encodeOpenSessionRequest,
  encodeRakp1,
  encodeRakp3,
  rmcpStatusText,
} from './rakp.js';
import { PayloadType } from './rmcp.js';
import { Session } from './session.js';

/** What the handshake needs from the client: identity, randomness and three kinds of exchange. */
export interface Handshake {
  readonly bmc: string;
  readonly username: string;
  readonly password: string;
  /** 2 user, 3 operator, 4 administrator. */
  readonly privilege: number;
  /** Session ids, Rm, IVs. */
  readonly random: Random;
  /** A suite that worked before, proposed first. */
  readonly preferred: CipherSuite | undefined;
  sessionless(command: Command, data: readonly number[]): Promise<IpmiResponse>;
  sessionlessV20(command: Command, data: readonly number[]): Promise<IpmiResponse>;
  handshake(requestType: number, responseType: number, build: (tag: number) => Uint8Array): Promise<Uint8Array>;
  nowMs(): number;
}

/** RAKP1 role byte: name-only lookup (bit 4) plus the requested privilege. */
const NAME_ONLY_LOOKUP = 0x10;
const MAX_CIPHER_SUITE_PAGES = 8;

export async function negotiateSession(h: Handshake): Promise<Session> {
  await checkIpmiV20(h);
  const order = [...new Set([h.preferred, ...PREFERRED_SUITES.map((id) => CIPHER_SUITES[id])])].filter((s): s is CipherSuite => s !== undefined);
  const refused: string[] = [];
  for (const suite of order) {
    const consoleSessionId = h.random.uint32() || 1;
    const payload = await h.handshake(PayloadType.openSessionRequest, PayloadType.openSessionResponse, (tag) =>
      encodeOpenSessionRequest(tag, h.privilege, consoleSessionId, suite),
    );
    const response = decodeOpenSessionResponse(payload, h.bmc);
    if (response.status !== 0) {
      if (CIPHER_REFUSED_STATUSES.has(response.status)) {
        refused.push(`suite ${suite.id}: ${rmcpStatusText(response.status)}`);
        continue;
      }
      throw statusError(h, 'open an RMCP+ session', response.status);
    }
    const accepted = response.accepted;
    if (!accepted || response.consoleSessionId !== consoleSessionId) {
      throw new BmcProtocolError(h.bmc, `Failed to open an RMCP+ session with ${h.bmc}: the Open Session Response names console session ${hex(response.consoleSessionId, 8)}, not ours (${hex(consoleSessionId, 8)})`);
    }
    const agreed = suiteFor(accepted.authAlgorithm, accepted.integrityAlgorithm, accepted.confidentialityAlgorithm);
    if (!agreed) {
      throw new NotSupportedError(
        h.bmc,
        `Failed to open an RMCP+ session with ${h.bmc}: the BMC chose authentication ${accepted.authAlgorithm}, integrity ${accepted.integrityAlgorithm}, confidentiality ${accepted.confidentialityAlgorithm}, which is not cipher suite 17 or 3 — this driver refuses sessions without authentication, integrity and AES; enable suite 17 or 3 on the BMC`,
      );
    }
    return await authenticate(h, agreed, consoleSessionId, accepted.bmcSessionId);
  }
  throw await noCommonSuite(h, refused);
}

async function checkIpmiV20(h: Handshake): Promise<void> {
  const response = await h.sessionless(Commands.getChannelAuthCapabilities, [0x8e, h.privilege]);
  const data = response.data;
  const extended = response.completionCode === CC_OK && data.length >= 4 && ((data[1] as number) & 0x80) !== 0 && ((data[3] as number) & 0x02) !== 0;
  if (!extended) {
    throw new NotSupportedError(
      h.bmc,
      `Failed to open an RMCP+ session with ${h.bmc}: the channel does not offer IPMI v2.0 (Get Channel Authentication Capabilities ${response.completionCode === CC_OK ? 'lists IPMI v1.5 only' : `failed with completion code ${hex(response.completionCode)}`}) — this driver speaks RMCP+ only; enable IPMI v2.0 over LAN on the BMC`,
    );
  }
}

async function authenticate(h: Handshake, suite: CipherSuite, consoleSessionId: number, bmcSessionId: number): Promise<Session> {
  const username = new TextEncoder().encode(h.username);
  const kuid = new TextEncoder().encode(h.password);
  const consoleRandom = h.random.bytes(16);
  const role = NAME_ONLY_LOOKUP | h.privilege;
  const rakp2 = decodeRakp2(
    await h.handshake(PayloadType.rakp1, PayloadType.rakp2, (tag) => encodeRakp1(tag, bmcSessionId, consoleRandom, role, username)),
    h.bmc,
  );
  if (rakp2.status !== 0) throw statusError(h, 'authenticate (RAKP message 2)', rakp2.status);
  if (rakp2.consoleSessionId !== consoleSessionId) {
    throw new BmcProtocolError(h.bmc, `Failed to authenticate to ${h.bmc}: RAKP message 2 names console session ${hex(rakp2.consoleSessionId, 8)}, not ours`);
  }
  const exchange: RakpExchange = { consoleSessionId, bmcSessionId, consoleRandom, bmcRandom: rakp2.bmcRandom, bmcGuid: rakp2.bmcGuid, role, username };
  if (!equalBytes(rakp2AuthCode(suite, kuid, exchange), rakp2.authCode)) {
    throw new BmcAuthError(
      h.bmc,
      `Failed to authenticate to ${h.bmc} as ${JSON.stringify(h.username)}: the BMC's RAKP2 key exchange code does not match this password — check the password`,
    );
  }
  const sik = sessionIntegrityKey(suite, kuid, exchange);
  const rakp4 = decodeRakp4(
    await h.handshake(PayloadType.rakp3, PayloadType.rakp4, (tag) => encodeRakp3(tag, bmcSessionId, rakp3AuthCode(suite, kuid, exchange))),
    h.bmc,
  );
  if (rakp4.status !== 0) throw statusError(h, 'authenticate (RAKP message 4)', rakp4.status);
  if (rakp4.consoleSessionId !== consoleSessionId || !equalBytes(rakp4Icv(suite, sik, exchange), rakp4.icv)) {
    throw new BmcAuthError(
      h.bmc,
      `Failed to authenticate to ${h.bmc} as ${JSON.stringify(h.username)}: the BMC's RAKP4 integrity check value does not match the session key — the BMC may have a BMC key (Kg) set, which this driver does not use`,
    );
  }
  return new Session(suite, deriveKeys(suite, sik), consoleSessionId, bmcSessionId, h.random, h.nowMs());
}

function statusError(h: Handshake, what: string, status: number): BmcError {
  const message = `Failed to ${what} with ${h.bmc}: the BMC answered ${rmcpStatusText(status)}`;
  if (status === 0x0d) return new BmcAuthError(h.bmc, `${message} — user ${JSON.stringify(h.username)} is unknown or disabled on this channel`);
  if (AUTH_STATUSES.has(status)) return new BmcAuthError(h.bmc, `${message} — check the user name, password and privilege`);
  if (BUSY_STATUSES.has(status)) return new BmcBusyError(h.bmc, `${message} — wait for sessions to time out, or close them`);
  return new BmcProtocolError(h.bmc, message);
}

async function noCommonSuite(h: Handshake, refused: readonly string[]): Promise<NotSupportedError> {
  let offered: string;
  try {
    const ids = await listCipherSuites(h);
    offered = ids.length === 0 ? 'it lists no cipher suites' : `it offers cipher suite(s) ${ids.join(', ')}`;
  } catch (error) {
    if (!(error instanceof BmcError)) throw error;
    offered = 'it does not list its cipher suites (Get Channel Cipher Suites failed)';
  }
  return new NotSupportedError(
    h.bmc,
    `Failed to open an RMCP+ session with ${h.bmc}: the BMC accepts neither cipher suite 17 nor 3 (${refused.join('; ')}); ${offered} — this driver never uses suites without authentication, integrity and AES (such as 0); enable suite 17 or 3 on the BMC`,
  );
}

/** Get Channel Cipher Suites, outside a session, listed by suite (§22.15). */
export async function listCipherSuites(h: Pick<Handshake, 'sessionlessV20'>): Promise<number[]> {
  const records: number[] = [];
  for (let index = 0; index < MAX_CIPHER_SUITE_PAGES; index++) {
    const response = await h.sessionlessV20(Commands.getChannelCipherSuites, [0x0e, 0x00, 0x80 | index]);
    if (response.completionCode !== CC_OK) break;
    const page = response.data.subarray(1);
    records.push(...page);
    if (page.length < 16) break;
  }
  return parseCipherSuiteRecords(records);
}

/** Suite ids from cipher suite records: C0h id algorithms… or C1h id IANA(3) algorithms…. */
export function parseCipherSuiteRecords(bytes: readonly number[]): number[] {
  const ids: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if ((b === 0xc0 || b === 0xc1) && i + 1 < bytes.length) {
      ids.push(bytes[i + 1] as number);
      i += b === 0xc1 ? 4 : 1;
    }
  }
  return ids;
}
