import type { Random } from '../../sim/index.js';
import { integrityCode, type CipherSuite, type SessionKeys } from './cipher-suites.js';
import { Privilege, type PrivilegeLevel } from './privilege.js';
import type { KeyExchange } from './rakp.js';

/**
 * RMCP+ sessions of one BMC: opened (Open Session answered), challenged (RAKP 2
 * sent), active (RAKP 4 sent). The table is bounded; a session that has been
 * quiet for its timeout is gone, checked on the injected clock whenever the
 * table is touched (no timers, so an idle twin stays idle).
 */
export type SessionStage = 'opened' | 'challenged' | 'active';

/** A handshake must finish within this long, whatever the session timeout. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** How far an inbound session sequence number may run ahead of, or behind, the highest seen. */
export const SEQUENCE_WINDOW = 16;

export class RmcpSession {
  stage: SessionStage = 'opened';
  exchange: KeyExchange | undefined;
  keys: SessionKeys | undefined;
  userId = 0;
  /** The most this session may ever raise itself to: min(requested role, the user's limit). */
  privilegeLimit: PrivilegeLevel = Privilege.callback;
  privilege: PrivilegeLevel = Privilege.callback;
  private highestInbound = 0;
  /** Bit i set: sequence number highestInbound − i has been seen. */
  private seenMask = 0;
  private outbound = 0;

  constructor(
    readonly bmcSessionId: number,
    readonly consoleSessionId: number,
    readonly suite: CipherSuite,
    /** From the Open Session Request; 0 means "the highest the user has". */
    readonly requestedPrivilege: number,
    public lastActivityMs: number,
  ) {}

  /** Accepts each inbound sequence number once, within the window (IPMI v2.0 §6.12.13). */
  acceptSequence(sequence: number): boolean {
    if (sequence === 0) return false;
    const ahead = (sequence - this.highestInbound) >>> 0;
    if (ahead !== 0 && ahead <= SEQUENCE_WINDOW) {
      this.seenMask = ahead >= 32 ? 1 : ((this.seenMask << ahead) | 1) >>> 0;
      this.highestInbound = sequence;
      return true;
    }
    const behind = (this.highestInbound - sequence) >>> 0;
    if (this.highestInbound === 0 || behind === 0 || behind >= SEQUENCE_WINDOW) return false;
    const bit = (1 << behind) >>> 0;
    if (this.seenMask & bit) return false;
    this.seenMask = (this.seenMask | bit) >>> 0;
    return true;
  }

  nextOutboundSequence(): number {
    this.outbound = this.outbound === 0xffffffff ? 1 : this.outbound + 1;
    return this.outbound;
  }

  sign(covered: Uint8Array): Uint8Array {
    return integrityCode(this.suite, this.keys!.k1, covered);
  }
}

export interface SessionTableOptions {
  maxSessions: number;
  sessionTimeoutMs: number;
  /** Draws session ids. */
  random: Random;
}

export class SessionTable {
  private readonly sessions = new Map<number, RmcpSession>();

  constructor(private readonly options: SessionTableOptions) {}

  /** A new session in the `opened` stage, or undefined when the table is full. */
  open(consoleSessionId: number, suite: CipherSuite, requestedPrivilege: number, nowMs: number): RmcpSession | undefined {
    this.sweep(nowMs);
    if (this.sessions.size >= this.options.maxSessions) return undefined;
    let id = 0;
    while (id === 0 || this.sessions.has(id)) id = this.options.random.uint32();
    const session = new RmcpSession(id, consoleSessionId, suite, requestedPrivilege, nowMs);
    this.sessions.set(id, session);
    return session;
  }

  /** The live session with this BMC-side id; the caller refreshes its activity once the packet checks out. */
  find(bmcSessionId: number, nowMs: number): RmcpSession | undefined {
    this.sweep(nowMs);
    return this.sessions.get(bmcSessionId);
  }

  close(bmcSessionId: number): boolean {
    return this.sessions.delete(bmcSessionId);
  }

  activeCount(nowMs: number): number {
    this.sweep(nowMs);
    let n = 0;
    for (const s of this.sessions.values()) if (s.stage === 'active') n++;
    return n;
  }

  get size(): number {
    return this.sessions.size;
  }

  clear(): void {
    this.sessions.clear();
  }

  private sweep(nowMs: number): void {
    for (const [id, s] of this.sessions) {
      const limit = s.stage === 'active' ? this.options.sessionTimeoutMs : Math.min(HANDSHAKE_TIMEOUT_MS, this.options.sessionTimeoutMs);
      if (nowMs - s.lastActivityMs >= limit) this.sessions.delete(id);
    }
  }
}
