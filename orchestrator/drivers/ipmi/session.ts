/**
 * An established RMCP+ session: its ids, keys and sequence numbers, and the
 * wrapping of IPMI messages in authenticated, encrypted packets and back
 * (IPMI v2.0 rev 1.1, §13.28–13.29; sliding window of §6.12.13).
 */
import type { Random } from '../../ports/random.js';
import { equalBytes } from './bytes.js';
import { authCode, decryptPayload, encryptPayload, type CipherSuite, type SessionKeys } from './cipher-suite.js';
import { decodeResponse, encodeRequest, type IpmiRequest, type IpmiResponse } from './ipmi-message.js';
import { encodeV20, PayloadType, type Inbound } from './rmcp.js';

/** Inbound sequence numbers this far behind the highest seen are still accepted once. */
const WINDOW = 16;

export class Session {
  private outbound = 0;
  private highestInbound = 0;
  private readonly recentInbound = new Set<number>();
  /** Clock time of the last authenticated packet from the BMC. */
  lastHeardMs: number;

  constructor(
    readonly suite: CipherSuite,
    readonly keys: SessionKeys,
    readonly consoleSessionId: number,
    readonly bmcSessionId: number,
    private readonly random: Random,
    nowMs: number,
  ) {
    this.lastHeardMs = nowMs;
  }

  /** A fresh packet (new session sequence number, new IV) carrying this request. */
  wrap(request: IpmiRequest, rqSeq: number): Uint8Array {
    this.outbound = (this.outbound + 1) >>> 0 || 1;
    const payload = encryptPayload(this.keys.k2, this.random.bytes(16), encodeRequest(request, rqSeq));
    return encodeV20(
      { payloadType: PayloadType.ipmi, sessionId: this.bmcSessionId, sequence: this.outbound, payload, encrypted: true },
      (signed) => authCode(this.suite, this.keys.k1, signed),
    );
  }

  /**
   * The IPMI response in an inbound packet of this session, or undefined when
   * it must be dropped: not authenticated and encrypted, a wrong AuthCode, a
   * replayed or stale sequence number, a bad pad. Throws BmcProtocolError only
   * for an authentic packet whose IPMI message is malformed.
   */
  unwrap(packet: Extract<Inbound, { kind: 'v20' }>, bmc: string, nowMs: number): IpmiResponse | undefined {
    if (packet.payloadType !== PayloadType.ipmi || packet.sessionId !== this.consoleSessionId) return undefined;
    if (!packet.authenticated || !packet.encrypted) return undefined;
    if (!equalBytes(authCode(this.suite, this.keys.k1, packet.signed), packet.authCode)) return undefined;
    if (!this.acceptSequence(packet.sequence)) return undefined;
    const plain = decryptPayload(this.keys.k2, packet.payload);
    if (!plain) return undefined;
    this.lastHeardMs = nowMs;
    return decodeResponse(plain, bmc);
  }

  private acceptSequence(sequence: number): boolean {
    if (sequence === 0) return false;
    if (sequence > this.highestInbound) {
      this.highestInbound = sequence;
    } else if (this.highestInbound - sequence >= WINDOW || this.recentInbound.has(sequence)) {
      return false;
    }
    this.recentInbound.add(sequence);
    for (const seen of this.recentInbound) if (this.highestInbound - seen >= WINDOW) this.recentInbound.delete(seen);
    return true;
  }
}
