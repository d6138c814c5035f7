/**
 * An IPMI v2.0 RMCP+ client for one BMC, on an injected datagram transport,
 * clock and random. It opens one session (lazily, shared by every caller),
 * keeps it while the BMC answers, opens a new one transparently when the
 * BMC stops answering in it (session timed out, BMC restarted) or it sat
 * idle past `sessionIdleMs`, and closes it on `close()`.
 *
 * Every request/response exchange is bounded: retransmissions with
 * exponential backoff and ±10 % jitter inside a per-exchange deadline of
 * `timeoutMs`, then `BmcUnreachableError`. Requests in one session are
 * matched by rqSeq and bounded by `maxInFlight`; callers beyond that wait in
 * a bounded queue. Every wait honours an AbortSignal.
 */
import type { Clock, TimerHandle } from '../../ports/clock.js';
import type { DatagramSocket, DatagramTransport, Subscription } from '../../ports/datagram.js';
import type { Random } from '../../ports/random.js';
import { BmcAuthError, BmcBadRequestError, BmcBusyError, BmcError, BmcUnreachableError } from '../errors.js';
import { u32le } from './bytes.js';
import { completionCodeError, CC_OK } from './completion-codes.js';
import { Commands, type Command } from './commands.js';
import { decodeResponse, encodeRequest, type IpmiResponse } from './ipmi-message.js';
import { decodePacket, encodeSessionlessV15, encodeV20, PayloadType, type Inbound } from './rmcp.js';
import { Session } from './session.js';
import { negotiateSession, type Handshake } from './handshake.js';
import type { CipherSuite } from './cipher-suite.js';

export type PrivilegeLevel = 'user' | 'operator' | 'administrator';

export const PRIVILEGE_CODES: Readonly<Record<PrivilegeLevel, number>> = { user: 2, operator: 3, administrator: 4 };

export interface IpmiClientOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly privilege: PrivilegeLevel;
  readonly transport: DatagramTransport;
  readonly clock: Clock;
  readonly random: Random;
  /** Deadline of one request/response exchange, retransmissions included. */
  readonly timeoutMs: number;
  /** Retransmissions within that deadline. */
  readonly retries: number;
  /** Requests in flight at once in the session. */
  readonly maxInFlight: number;
  /** A session idle this long is replaced before use (BMCs time sessions out after ~60 s). */
  readonly sessionIdleMs: number;
  /** Address to bind the local socket to. */
  readonly localHost: string;
}

export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
  /** Responder LUN. */
  readonly lun?: number | undefined;
}

interface Pending {
  /** True when `value` answered this exchange (and settled it). */
  offer(value: unknown): boolean;
  fail(error: unknown): void;
}

const MAX_QUEUED = 1024;
const RQSEQ_MAX = 63;

export class IpmiClient {
  readonly bmc: string;
  private readonly jitter: Random;
  private readonly ids: Random;
  private socket: Promise<DatagramSocket> | undefined;
  private subscription: Subscription | undefined;
  private session: Session | undefined;
  private sessionPromise: Promise<Session> | undefined;
  /** The suite the BMC accepted last time, tried first next time. */
  private suite: CipherSuite | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly seqInUse = new Set<number>();
  private lastSeq = 0;
  private lastTag = 0;
  private inFlight = 0;
  private readonly waiters: Array<{ grant: () => void; cancel: (e: unknown) => void }> = [];
  private closed = false;
  /** Datagrams dropped as malformed, unauthentic or unexpected. */
  dropped = 0;
  /** Sessions opened so far (1 + re-establishments). */
  sessionsOpened = 0;

  constructor(private readonly options: IpmiClientOptions) {
    this.bmc = `${options.host}:${options.port}`;
    this.jitter = options.random.fork('retry-jitter');
    this.ids = options.random.fork('session');
  }

  /** Sends a request in the session and returns its data; a non-zero completion code throws its typed error. */
  async call(command: Command, data: Uint8Array | readonly number[], options: CallOptions = {}): Promise<Uint8Array> {
    const response = await this.callRaw(command, data, options);
    if (response.completionCode !== CC_OK) throw completionCodeError(this.bmc, command.what, response.completionCode);
    return response.data;
  }

  /** Sends a request in the session and returns the response whatever its completion code. */
  async callRaw(command: Command, data: Uint8Array | readonly number[], options: CallOptions = {}): Promise<IpmiResponse> {
    this.ensureOpen(command);
    await this.acquire(options.signal);
    try {
      let session = await abortable(this.currentSession(), options.signal);
      try {
        return await this.sessionExchange(session, command, data, options);
      } catch (error) {
        if (!(error instanceof BmcUnreachableError) || this.closed) throw error;
        // The BMC drops packets of a session it has timed out or forgotten: open a new one, once.
        this.forget(session);
        session = await abortable(this.currentSession(), options.signal);
        return await this.sessionExchange(session, command, data, options);
      }
    } finally {
      this.release();
    }
  }

  /** Closes the session (best effort, bounded by one exchange) and the socket. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    const session = this.session ?? (await this.sessionPromise?.catch(() => undefined));
    if (session) {
      try {
        await this.sessionExchange(session, Commands.closeSession, u32le(session.bmcSessionId), {});
      } catch {
        // The BMC will time the session out on its own.
      }
    }
    this.closed = true;
    this.session = undefined;
    this.sessionPromise = undefined;
    const closedError = new BmcBadRequestError(this.bmc, `Failed to complete the request to ${this.bmc}: the driver was closed — create a new driver`);
    for (const pending of [...this.pending.values()]) pending.fail(closedError);
    for (const waiter of this.waiters.splice(0)) waiter.cancel(closedError);
    const socket = await this.socket?.catch(() => undefined);
    await this.subscription?.dispose();
    await socket?.close();
  }

  // -------------------------------------------------------------------------
  // Sessions

  private currentSession(): Promise<Session> {
    const session = this.session;
    if (session && this.options.clock.now() - session.lastHeardMs > this.options.sessionIdleMs) this.forget(session);
    if (!this.sessionPromise) {
      const opening = this.openSession();
      this.sessionPromise = opening;
      opening.catch(() => {
        if (this.sessionPromise === opening) this.sessionPromise = undefined;
      });
    }
    return this.sessionPromise;
  }

  private async openSession(): Promise<Session> {
    const handshake: Handshake = {
      bmc: this.bmc,
      username: this.options.username,
      password: this.options.password,
      privilege: PRIVILEGE_CODES[this.options.privilege],
      random: this.ids,
      preferred: this.suite,
      sessionless: (command, data) => this.sessionless(command, data),
      sessionlessV20: (command, data) => this.sessionless(command, data, true),
      handshake: (requestType, responseType, build) => this.handshakeExchange(requestType, responseType, build),
      nowMs: () => this.options.clock.now(),
    };
    const session = await negotiateSession(handshake);
    this.ensureOpen(Commands.setSessionPrivilege);
    this.suite = session.suite;
    this.session = session;
    this.sessionsOpened++;
    try {
      const response = await this.sessionExchange(session, Commands.setSessionPrivilege, [PRIVILEGE_CODES[this.options.privilege]], {});
      if (response.completionCode >= 0x80 && response.completionCode <= 0x82) {
        throw new BmcAuthError(
          this.bmc,
          `Failed to set the session privilege level on ${this.bmc}: user ${JSON.stringify(this.options.username)} may not act as ${this.options.privilege} on this channel (completion code 0x${response.completionCode.toString(16).toUpperCase()}) — ask for a lower privilege or raise the user's limit`,
        );
      }
      if (response.completionCode !== CC_OK) throw completionCodeError(this.bmc, Commands.setSessionPrivilege.what, response.completionCode);
    } catch (error) {
      this.forget(session);
      throw error;
    }
    return session;
  }

  /** Drops a session on our side and tells the BMC, without waiting for its answer. */
  private forget(session: Session): void {
    if (this.session !== session) return;
    this.session = undefined;
    this.sessionPromise = undefined;
    if (this.seqInUse.size >= RQSEQ_MAX) return;
    const seq = this.allocateSeq();
    this.seqInUse.delete(seq);
    void this.send(session.wrap({ ...Commands.closeSession, data: u32le(session.bmcSessionId) }, seq)).catch(() => undefined);
  }

  private sessionExchange(session: Session, command: Command, data: Uint8Array | readonly number[], options: CallOptions): Promise<IpmiResponse> {
    const rqSeq = this.allocateSeq();
    const request = { netFn: command.netFn, cmd: command.cmd, data, lun: options.lun ?? 0 };
    return this.exchange<IpmiResponse>(
      `s:${rqSeq}`,
      command.what,
      () => session.wrap(request, rqSeq),
      (value) => matchResponse(value, command),
      options.signal,
    ).finally(() => this.seqInUse.delete(rqSeq));
  }

  /** A request outside any session: IPMI v1.5 framing, or RMCP+ framing with session id 0. */
  private sessionless(command: Command, data: readonly number[], v20 = false): Promise<IpmiResponse> {
    const rqSeq = this.allocateSeq();
    const message = encodeRequest({ netFn: command.netFn, cmd: command.cmd, data }, rqSeq);
    const packet = v20
      ? encodeV20({ payloadType: PayloadType.ipmi, sessionId: 0, sequence: 0, payload: message, encrypted: false })
      : encodeSessionlessV15(message);
    return this.exchange<IpmiResponse>(`n:${rqSeq}`, command.what, () => packet, (value) => matchResponse(value, command)).finally(() =>
      this.seqInUse.delete(rqSeq),
    );
  }

  private handshakeExchange(requestType: number, responseType: number, build: (tag: number) => Uint8Array): Promise<Uint8Array> {
    this.lastTag = (this.lastTag + 1) & 0xff;
    const tag = this.lastTag;
    const packet = encodeV20({ payloadType: requestType, sessionId: 0, sequence: 0, payload: build(tag), encrypted: false });
    const what = requestType === PayloadType.openSessionRequest ? 'open an RMCP+ session' : `complete RAKP message ${requestType - PayloadType.rakp1 + 1}`;
    return this.exchange<Uint8Array>(`h:${responseType}:${tag}`, what, () => packet, (value) => (value instanceof Uint8Array ? value : undefined));
  }

  // -------------------------------------------------------------------------
  // Exchanges

  private exchange<T>(key: string, what: string, packet: () => Uint8Array, match: (value: unknown) => T | undefined, signal?: AbortSignal): Promise<T> {
    const { clock, retries, timeoutMs } = this.options;
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const startedMs = clock.now();
      const deadlineMs = startedMs + timeoutMs;
      const waitsMs = this.backoff();
      let attempts = 0;
      let timer: TimerHandle | undefined;
      let sendError: unknown;
      const settle = (): void => {
        clock.clearTimeout(timer);
        this.pending.delete(key);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        settle();
        reject(signal?.reason);
      };
      this.pending.set(key, {
        offer: (value) => {
          const answer = match(value);
          if (answer === undefined) return false;
          settle();
          resolve(answer);
          return true;
        },
        fail: (error) => {
          settle();
          reject(error);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      const attempt = (): void => {
        const leftMs = deadlineMs - clock.now();
        if (attempts > retries || leftMs <= 0) {
          settle();
          const cause = sendError instanceof Error ? `; the last send failed: ${sendError.message}` : '';
          reject(
            new BmcUnreachableError(
              this.bmc,
              `Failed to ${what} on ${this.bmc}: no answer after ${attempts} attempt(s) in ${clock.now() - startedMs} ms${cause} — check that the BMC is up, reachable over UDP and serving IPMI on port ${this.options.port}`,
              sendError === undefined ? undefined : { cause: sendError },
            ),
          );
          return;
        }
        attempts++;
        this.send(packet()).catch((error: unknown) => {
          sendError = error;
        });
        const waitMs = attempts > retries ? leftMs : Math.min(leftMs, waitsMs[attempts - 1] ?? leftMs);
        timer = clock.setTimeout(attempt, Math.max(1, waitMs));
      };
      attempt();
    });
  }

  /** Waits before each retransmission: doubling, summing to about `timeoutMs`, each ±10 % from the Random. */
  private backoff(): number[] {
    const { retries, timeoutMs } = this.options;
    const baseMs = timeoutMs / (2 ** (retries + 1) - 1);
    return Array.from({ length: retries + 1 }, (_, i) => baseMs * 2 ** i * (0.9 + 0.2 * this.jitter.float()));
  }

  private allocateSeq(): number {
    for (let i = 0; i < RQSEQ_MAX; i++) {
      this.lastSeq = (this.lastSeq % RQSEQ_MAX) + 1;
      if (!this.seqInUse.has(this.lastSeq)) {
        this.seqInUse.add(this.lastSeq);
        return this.lastSeq;
      }
    }
    throw new BmcBusyError(this.bmc, `Failed to send to ${this.bmc}: all ${RQSEQ_MAX} request sequence numbers are in use — lower the concurrency`);
  }

  private async acquire(signal: AbortSignal | undefined): Promise<void> {
    if (this.inFlight < this.options.maxInFlight) {
      this.inFlight++;
      return;
    }
    if (this.waiters.length >= MAX_QUEUED) {
      throw new BmcBusyError(this.bmc, `Failed to queue a request to ${this.bmc}: ${MAX_QUEUED} requests are already waiting — slow down`);
    }
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        cancel: (error: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = (): void => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next.grant();
    else this.inFlight--;
  }

  private ensureOpen(command: Command): void {
    if (this.closed) throw new BmcBadRequestError(this.bmc, `Failed to ${command.what} on ${this.bmc}: the driver is closed — create a new driver`);
  }

  // -------------------------------------------------------------------------
  // The socket

  private async send(packet: Uint8Array): Promise<void> {
    const socket = await this.bound();
    await socket.send(packet, { host: this.options.host, port: this.options.port });
  }

  private bound(): Promise<DatagramSocket> {
    if (!this.socket) {
      this.socket = this.options.transport.bind({ host: this.options.localHost, name: `ipmi-client:${this.bmc}` }).then((socket) => {
        this.subscription = socket.onMessage((data) => this.receive(data));
        return socket;
      });
      this.socket.catch(() => {
        this.socket = undefined;
      });
    }
    return this.socket;
  }

  /** Routes one datagram to the exchange it answers; anything else is counted and dropped. */
  private receive(data: Uint8Array): void {
    try {
      if (!this.route(decodePacket(data, this.bmc, this.session?.suite.authCodeLength ?? 0))) this.dropped++;
    } catch (error) {
      if (!(error instanceof BmcError)) throw error;
      this.dropped++;
    }
  }

  private route(packet: Inbound): boolean {
    switch (packet.kind) {
      case 'asf':
        return false;
      case 'v15':
        return packet.sessionId === 0 && this.offerSessionless(packet.payload);
      case 'v20': {
        if (packet.payloadType !== PayloadType.ipmi) {
          const tag = packet.payload[0];
          return tag !== undefined && (this.pending.get(`h:${packet.payloadType}:${tag}`)?.offer(packet.payload) ?? false);
        }
        if (packet.sessionId === 0) return !packet.authenticated && this.offerSessionless(packet.payload);
        const response = this.session?.unwrap(packet, this.bmc, this.options.clock.now());
        return response !== undefined && (this.pending.get(`s:${response.rqSeq}`)?.offer(response) ?? false);
      }
    }
  }

  private offerSessionless(message: Uint8Array): boolean {
    const response = decodeResponse(message, this.bmc);
    return this.pending.get(`n:${response.rqSeq}`)?.offer(response) ?? false;
  }
}

function matchResponse(value: unknown, command: Command): IpmiResponse | undefined {
  if (typeof value !== 'object' || value === null || !('completionCode' in value)) return undefined;
  const response = value as IpmiResponse;
  return response.netFn === command.netFn + 1 && response.cmd === command.cmd ? response : undefined;
}

/** The promise, or the signal's reason as soon as it aborts; the work itself goes on for other callers. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

