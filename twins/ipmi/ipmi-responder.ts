import type { Clock, FaultInjector, FaultObserver, Random } from '../../sim/index.js';
import { InvalidTwinConfigError } from '../errors.js';
import { guidBytes, type SimulatedServer } from '../server/index.js';
import { CIPHER_SUITES, codesMatch, decryptPayload, deriveSessionKeys, encryptPayload, findCipherSuite, type CipherSuite } from './cipher-suites.js';
import { dispatch } from './commands/command-router.js';
import type { BmcMemory, ConfiguredUser, Reply } from './commands/command.js';
import { encodeFruImage } from './fru-image.js';
import { decodeIpmiRequest, encodeIpmiResponse, type IpmiRequest } from './ipmi-message.js';
import { Privilege, USER_PRIVILEGE, type PrivilegeLevel, type UserPrivilege } from './privilege.js';
import {
  decodeOpenSessionRequest, decodeRakp1, decodeRakp3, encodeOpenSessionResponse, encodeRakp2, encodeRakp4, encodeRmcpError,
  rakp3AuthCode, RmcpStatus, sessionIntegrityKey, type KeyExchange,
} from './rakp.js';
import { decodeAsfPing, decodeRmcp, encodeAsfPong, encodeRmcp, RMCP_CLASS_ASF, RMCP_CLASS_IPMI } from './rmcp.js';
import { buildSdrRepository, type SdrRepository } from './sdr-repository.js';
import {
  decodeSessionPacket, encodeV15, encodeV20, PAYLOAD_IPMI, PAYLOAD_OPEN_SESSION_REQUEST, PAYLOAD_OPEN_SESSION_RESPONSE,
  PAYLOAD_RAKP1, PAYLOAD_RAKP2, PAYLOAD_RAKP3, PAYLOAD_RAKP4, type V15Packet, type V20Packet,
} from './session-packet.js';
import { SessionTable, type RmcpSession } from './session-table.js';

export interface IpmiUser {
  /** 1–16 printable ASCII characters; the null (empty) user does not exist here. */
  readonly name: string;
  /** 1–20 bytes (IPMI v2.0 passwords). */
  readonly password: string;
  readonly privilege: UserPrivilege;
}

export interface IpmiResponderOptions {
  server: SimulatedServer;
  users: readonly IpmiUser[];
  clock: Clock;
  /** Session ids, BMC random numbers and IVs are drawn from forks of it. */
  random: Random;
  /** The BMC's name: its fault target (`session-exhaustion`, `wrong-credentials`) and trace label. */
  name: string;
  faults?: FaultInjector;
  trace?: FaultObserver;
  /** Default [3, 17]; only suites with authentication, integrity and confidentiality exist here. */
  cipherSuites?: readonly number[];
  /** Sessions in any stage; default 8. */
  maxSessions?: number;
  /** Inactivity before a session is gone; default 60 s. */
  sessionTimeoutMs?: number;
}

const MAX_USERS = 15; // user ids 2…16

/**
 * The IPMI v2.0 LAN protocol of one simulated BMC, datagram in, datagram out:
 * ASF presence ping; out-of-session Get Channel Authentication Capabilities,
 * Get Channel Cipher Suites, Get System GUID; RMCP+ session establishment
 * (Open Session, RAKP 1–4); then authenticated, encrypted IPMI commands.
 * Cipher suite 0, IPMI v1.5 sessions and the null user are refused.
 */
export class IpmiResponder {
  readonly name: string;
  private readonly server: SimulatedServer;
  private readonly clock: Clock;
  private readonly faults: FaultInjector | undefined;
  private readonly trace: FaultObserver | undefined;
  private readonly users: readonly ConfiguredUser[];
  private readonly suites: readonly CipherSuite[];
  private readonly sessions: SessionTable;
  private readonly challenges: Random;
  private readonly ivs: Random;
  private readonly sdr: SdrRepository;
  private readonly fru: Uint8Array;
  private readonly systemGuid: Uint8Array;
  private readonly deviceGuid: Uint8Array;
  private readonly memory: BmcMemory = { sdrReservation: 0, selReservation: 0, bootParameters: new Map() };

  constructor(options: IpmiResponderOptions) {
    this.name = options.name;
    this.server = options.server;
    this.clock = options.clock;
    this.faults = options.faults;
    this.trace = options.trace;
    this.users = checkUsers(options.users);
    this.suites = (options.cipherSuites ?? [3, 17]).map((id, i) => {
      const suite = CIPHER_SUITES.find((s) => s.id === id);
      if (!suite) throw new InvalidTwinConfigError(`cipherSuites[${i}]: ${id} is not offered — use ${CIPHER_SUITES.map((s) => s.id).join(' or ')} (suite 0 and suites without encryption are refused on purpose)`);
      return suite;
    });
    const maxSessions = options.maxSessions ?? 8;
    const sessionTimeoutMs = options.sessionTimeoutMs ?? 60_000;
    if (!Number.isInteger(maxSessions) || maxSessions < 1 || maxSessions > 63) throw new InvalidTwinConfigError(`maxSessions: ${maxSessions} is out of range — use 1 to 63`);
    if (!(sessionTimeoutMs > 0)) throw new InvalidTwinConfigError(`sessionTimeoutMs: ${sessionTimeoutMs} is not > 0 — use e.g. 60000`);
    this.sessions = new SessionTable({ maxSessions, sessionTimeoutMs, random: options.random.fork('session-ids') });
    this.challenges = options.random.fork('rakp');
    this.ivs = options.random.fork('iv');
    this.sdr = buildSdrRepository(this.server.sensorSpecs);
    this.fru = encodeFruImage(this.server.identity);
    // IPMI sends GUIDs least significant byte first.
    this.systemGuid = guidBytes(this.server.identity.systemGuid).reverse();
    this.deviceGuid = guidBytes(this.server.identity.bmcGuid).reverse();
  }

  /** Sessions that finished RAKP 4 and have not timed out or closed. */
  activeSessions(): number {
    return this.sessions.activeCount(this.clock.now());
  }

  /** Drops every session, as a BMC reset would. */
  resetSessions(): void {
    this.sessions.clear();
  }

  /** For the socket: the answer to a datagram, or undefined to stay silent. Never throws. */
  receive(datagram: Uint8Array): Uint8Array | undefined {
    try {
      return this.answer(datagram);
    } catch (error) {
      this.trace?.record('ipmi', 'ipmi.error', { bmc: this.name, message: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  }

  /** The answer to a datagram; undefined drops it. Throws only on a bug (tests call this). */
  answer(datagram: Uint8Array): Uint8Array | undefined {
    const rmcp = decodeRmcp(datagram);
    if (!rmcp) return undefined;
    if (rmcp.messageClass === RMCP_CLASS_ASF) {
      const tag = decodeAsfPing(rmcp.body);
      return tag === undefined ? undefined : encodeRmcp(RMCP_CLASS_ASF, encodeAsfPong(tag), rmcp.sequence);
    }
    if (rmcp.messageClass !== RMCP_CLASS_IPMI) return undefined;
    const packet = decodeSessionPacket(rmcp.body);
    if (!packet) return undefined;
    const body = packet.format === 'v1.5' ? this.answerV15(packet) : this.answerV20(packet);
    return body && encodeRmcp(RMCP_CLASS_IPMI, body);
  }

  private answerV15(packet: V15Packet): Uint8Array | undefined {
    if (packet.sessionId !== 0) return undefined; // no IPMI v1.5 sessions
    const request = decodeIpmiRequest(packet.payload);
    if (!request) return undefined;
    return encodeV15({ sequence: 0, sessionId: 0, payload: this.run(request, undefined) });
  }

  private answerV20(packet: V20Packet): Uint8Array | undefined {
    if (packet.sessionId === 0) {
      if (packet.authenticated || packet.encrypted) return undefined;
      const reply = (payloadType: number, payload: Uint8Array | undefined): Uint8Array | undefined =>
        payload && encodeV20({ payloadType, encrypted: false, sessionId: 0, sequence: 0, payload });
      switch (packet.payloadType) {
        case PAYLOAD_IPMI: {
          const request = decodeIpmiRequest(packet.payload);
          return request && reply(PAYLOAD_IPMI, this.run(request, undefined));
        }
        case PAYLOAD_OPEN_SESSION_REQUEST:
          return reply(PAYLOAD_OPEN_SESSION_RESPONSE, this.openSession(packet.payload));
        case PAYLOAD_RAKP1:
          return reply(PAYLOAD_RAKP2, this.rakp1(packet.payload));
        case PAYLOAD_RAKP3:
          return reply(PAYLOAD_RAKP4, this.rakp3(packet.payload));
        default:
          return undefined;
      }
    }
    const now = this.clock.now();
    const session = this.sessions.find(packet.sessionId, now);
    if (!session || session.stage !== 'active' || packet.payloadType !== PAYLOAD_IPMI) return undefined;
    // Every offered suite authenticates and encrypts: anything less is dropped.
    if (!packet.integrity || !packet.encrypted) return undefined;
    if (!codesMatch(session.sign(packet.integrity.covered), packet.integrity.authCode)) return undefined;
    if (!session.acceptSequence(packet.sequence)) return undefined;
    session.lastActivityMs = now;
    const keys = session.keys!;
    const plain = decryptPayload(keys.k2, packet.payload);
    const request = plain && decodeIpmiRequest(plain);
    if (!request) return undefined;
    const payload = encryptPayload(keys.k2, this.ivs.bytes(16), this.run(request, session));
    return encodeV20(
      { payloadType: PAYLOAD_IPMI, encrypted: true, sessionId: session.consoleSessionId, sequence: session.nextOutboundSequence(), payload },
      (covered) => session.sign(covered),
    );
  }

  private run(request: IpmiRequest, session: RmcpSession | undefined): Uint8Array {
    const reply: Reply = dispatch(
      {
        server: this.server, nowMs: this.clock.now(), users: this.users, suites: this.suites, sdr: this.sdr, fru: this.fru,
        systemGuid: this.systemGuid, deviceGuid: this.deviceGuid, memory: this.memory, session, sessions: this.sessions,
      },
      request,
    );
    this.trace?.record('ipmi', 'ipmi.command', { bmc: this.name, netFn: request.netFn, cmd: request.cmd, cc: reply.cc });
    return encodeIpmiResponse(request, reply.cc, reply.data ?? []);
  }

  private openSession(payload: Uint8Array): Uint8Array | undefined {
    const request = decodeOpenSessionRequest(payload);
    if (!request) return undefined;
    const refuse = (status: number): Uint8Array => {
      this.trace?.record('ipmi', 'ipmi.session.refused', { bmc: this.name, stage: 'open', status });
      return encodeRmcpError(request.tag, status, request.consoleSessionId);
    };
    const { authAlgorithm: auth, integrityAlgorithm: integrity, confidentialityAlgorithm: confidentiality } = request;
    const suite = auth === undefined || integrity === undefined || confidentiality === undefined ? undefined : findCipherSuite(this.suites, auth, integrity, confidentiality);
    if (!suite) return refuse(RmcpStatus.noCipherSuiteMatch);
    if (request.requestedPrivilege > Privilege.administrator) return refuse(RmcpStatus.unauthorizedRole);
    if (this.faults?.strike(this.name, ['session-exhaustion'])) return refuse(RmcpStatus.insufficientResources);
    const session = this.sessions.open(request.consoleSessionId, suite, request.requestedPrivilege, this.clock.now());
    if (!session) return refuse(RmcpStatus.insufficientResources);
    return encodeOpenSessionResponse({
      tag: request.tag, maxPrivilege: request.requestedPrivilege || Privilege.administrator,
      consoleSessionId: request.consoleSessionId, bmcSessionId: session.bmcSessionId, suite,
    });
  }

  private rakp1(payload: Uint8Array): Uint8Array | undefined {
    const message = decodeRakp1(payload);
    if (!message) return undefined;
    const session = this.sessions.find(message.bmcSessionId, this.clock.now());
    if (!session || session.stage === 'active') return encodeRmcpError(message.tag, RmcpStatus.invalidSessionId, 0);
    const refuse = (status: number): Uint8Array => {
      this.sessions.close(session.bmcSessionId);
      this.trace?.record('ipmi', 'ipmi.session.refused', { bmc: this.name, stage: 'rakp1', status });
      return encodeRmcpError(message.tag, status, session.consoleSessionId);
    };
    const name = String.fromCharCode(...message.userName);
    const index = this.users.findIndex((u) => u.name === name);
    const user = this.users[index];
    if (!user || this.faults?.strike(this.name, ['wrong-credentials'])) return refuse(RmcpStatus.unauthorizedName);
    const requested = message.role & 0x0f;
    const userLimit = USER_PRIVILEGE[user.privilege];
    if (requested > userLimit) return refuse(RmcpStatus.unauthorizedRole);
    const exchange: KeyExchange = {
      suite: session.suite, password: user.password, consoleSessionId: session.consoleSessionId, bmcSessionId: session.bmcSessionId,
      consoleRandom: message.consoleRandom, bmcRandom: this.challenges.bytes(16), bmcGuid: this.systemGuid, role: message.role, userName: message.userName,
    };
    session.exchange = exchange;
    session.userId = index + 2;
    session.privilegeLimit = (requested === 0 ? userLimit : requested) as PrivilegeLevel;
    session.stage = 'challenged';
    session.lastActivityMs = this.clock.now();
    return encodeRakp2(message.tag, exchange);
  }

  private rakp3(payload: Uint8Array): Uint8Array | undefined {
    const message = decodeRakp3(payload);
    if (!message) return undefined;
    const session = this.sessions.find(message.bmcSessionId, this.clock.now());
    const exchange = session?.exchange;
    if (!session || !exchange) return encodeRmcpError(message.tag, RmcpStatus.invalidSessionId, 0);
    // An established session is never torn down by an unauthenticated RAKP 3: a repeat is answered again, anything else dropped.
    const established = session.stage === 'active';
    if (message.status !== RmcpStatus.ok) {
      if (!established) this.sessions.close(session.bmcSessionId); // the console gave up (e.g. our RAKP 2 code did not match its password)
      return undefined;
    }
    if (!codesMatch(rakp3AuthCode(exchange), message.authCode)) {
      if (established) return undefined;
      this.sessions.close(session.bmcSessionId);
      this.trace?.record('ipmi', 'ipmi.session.refused', { bmc: this.name, stage: 'rakp3', status: RmcpStatus.invalidIntegrityCheck });
      return encodeRmcpError(message.tag, RmcpStatus.invalidIntegrityCheck, session.consoleSessionId);
    }
    const sik = sessionIntegrityKey(exchange);
    if (!established) {
      session.keys = deriveSessionKeys(session.suite.hash, sik);
      session.stage = 'active';
      session.privilege = Math.min(Privilege.user, session.privilegeLimit) as PrivilegeLevel;
      this.trace?.record('ipmi', 'ipmi.session.active', { bmc: this.name, user: session.userId, suite: session.suite.id });
    }
    session.lastActivityMs = this.clock.now();
    return encodeRakp4(message.tag, exchange, sik);
  }
}

function checkUsers(users: readonly IpmiUser[]): ConfiguredUser[] {
  if (!Array.isArray(users) || users.length === 0) throw new InvalidTwinConfigError('users: none given — give at least one { name, password, privilege }');
  if (users.length > MAX_USERS) throw new InvalidTwinConfigError(`users: ${users.length} users — a BMC here has ${MAX_USERS} user slots; drop some`);
  const seen = new Set<string>();
  return users.map((user, i) => {
    const fail = (field: string, problem: string, fix: string): never => {
      throw new InvalidTwinConfigError(`users[${i}].${field}: ${problem} — ${fix}`);
    };
    if (typeof user.name !== 'string' || !/^[\x21-\x7e][\x20-\x7e]{0,15}$/.test(user.name)) fail('name', `${JSON.stringify(user.name)} is not 1–16 printable ASCII characters`, 'the null user is not supported; give a name');
    if (seen.has(user.name)) fail('name', `${user.name} is used twice`, 'give each user its own name');
    seen.add(user.name);
    const password = new TextEncoder().encode(typeof user.password === 'string' ? user.password : '');
    if (password.length < 1 || password.length > 20) fail('password', `is ${password.length} bytes`, 'use 1 to 20 bytes');
    if (!(user.privilege in USER_PRIVILEGE)) fail('privilege', `${JSON.stringify(user.privilege)} is not a privilege`, 'use user, operator or administrator');
    return { name: user.name, password, privilege: user.privilege };
  });
}
