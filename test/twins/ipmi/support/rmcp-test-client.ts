/**
 * A minimal RMCP+ remote console for tests, written from the IPMI v2.0 spec
 * independently of twins/ipmi (its own packet layout and node:crypto calls), so
 * the twin is checked against a second reading of the spec, not against itself.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { DatagramSocket, Endpoint } from '../../../../sim/index.js';

export interface SuiteAlgorithms {
  readonly auth: number;
  readonly integrity: number;
  readonly confidentiality: number;
}

export const SUITE_3: SuiteAlgorithms = { auth: 1, integrity: 1, confidentiality: 1 };
export const SUITE_17: SuiteAlgorithms = { auth: 3, integrity: 4, confidentiality: 1 };
export const SUITE_0: SuiteAlgorithms = { auth: 0, integrity: 0, confidentiality: 0 };

export interface IpmiReply {
  readonly cc: number;
  readonly data: Buffer;
}

export interface LoginOptions {
  user: string;
  password: string;
  suite?: SuiteAlgorithms;
  /** RAKP 1 role byte (privilege in bits 3:0); default 4 (administrator) with name-only lookup. */
  role?: number;
  /** Privilege to raise the session to after RAKP 4; default the role's. */
  privilege?: number;
}

/** How a login attempt ended: `active`, or the stage and RMCP+ status that stopped it. */
export type LoginResult =
  | { readonly stage: 'active' }
  | { readonly stage: 'open' | 'rakp2' | 'rakp4'; readonly status: number }
  | { readonly stage: 'rakp2-hmac' }
  | { readonly stage: 'no-answer' };

const hmac = (hash: string, key: Buffer, ...parts: Buffer[]): Buffer => {
  const mac = createHmac(hash, key);
  for (const p of parts) mac.update(p);
  return mac.digest();
};
const le32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const checksum = (bytes: Buffer): number => (0x100 - (bytes.reduce((s, b) => s + b, 0) & 0xff)) & 0xff;

export class RmcpTestClient {
  private rqSeq = 0;
  private outSeq = 0;
  private session:
    | { hash: string; icvLength: number; k1: Buffer; aesKey: Buffer; bmcSessionId: number; consoleSessionId: number }
    | undefined;
  /** Every datagram the BMC sent back, for assertions on the raw wire. */
  readonly received: Buffer[] = [];

  constructor(
    private readonly socket: DatagramSocket,
    private readonly bmc: Endpoint,
    /** Runs the network until the reply (if any) has arrived: `clock.runUntilIdle()` on the virtual clock. */
    private readonly pump: () => Promise<unknown>,
  ) {}

  /** Sends one datagram; resolves with the first reply, or undefined if the BMC stayed silent. */
  async raw(datagram: Uint8Array): Promise<Buffer | undefined> {
    let reply: Buffer | undefined;
    const sub = this.socket.onMessage((data) => {
      reply ??= Buffer.from(data);
      this.received.push(Buffer.from(data));
    });
    try {
      await this.socket.send(datagram, this.bmc);
      await this.pump();
    } finally {
      sub.dispose();
    }
    return reply;
  }

  static rmcp(messageClass: number, body: Buffer): Buffer {
    return Buffer.concat([Buffer.from([0x06, 0x00, 0xff, messageClass]), body]);
  }

  ipmiMessage(netFn: number, cmd: number, data: ArrayLike<number>): Buffer {
    const head = Buffer.from([0x20, netFn << 2]);
    const rqSeq = this.rqSeq++ & 0x3f;
    const body = Buffer.from([0x81, rqSeq << 2, cmd, ...Array.from(data)]);
    return Buffer.concat([head, Buffer.from([checksum(head)]), body, Buffer.from([checksum(body)])]);
  }

  static parseResponse(message: Buffer): IpmiReply {
    return { cc: message[6]!, data: message.subarray(7, message.length - 1) };
  }

  /** An out-of-session request in the IPMI v1.5 format (authentication type none). */
  async v15(netFn: number, cmd: number, data: ArrayLike<number>): Promise<IpmiReply | undefined> {
    const msg = this.ipmiMessage(netFn, cmd, data);
    const reply = await this.raw(RmcpTestClient.rmcp(0x07, Buffer.concat([Buffer.from([0x00]), le32(0), le32(0), Buffer.from([msg.length]), msg])));
    if (!reply) return undefined;
    return RmcpTestClient.parseResponse(reply.subarray(14, 14 + reply[13]!));
  }

  /** An RMCP+ packet without a session (session id 0), returning the reply payload. */
  async v20(payloadType: number, payload: Buffer): Promise<{ payloadType: number; payload: Buffer } | undefined> {
    const packet = Buffer.concat([Buffer.from([0x06, payloadType]), le32(0), le32(0), Buffer.from([payload.length & 0xff, payload.length >> 8]), payload]);
    const reply = await this.raw(RmcpTestClient.rmcp(0x07, packet));
    if (!reply || reply[4] !== 0x06) return undefined;
    const length = reply.readUInt16LE(14);
    return { payloadType: reply[5]! & 0x3f, payload: reply.subarray(16, 16 + length) };
  }

  async sessionless(netFn: number, cmd: number, data: ArrayLike<number>): Promise<IpmiReply | undefined> {
    const reply = await this.v20(0x00, this.ipmiMessage(netFn, cmd, data));
    return reply && RmcpTestClient.parseResponse(reply.payload);
  }

  static openSessionRequest(suite: SuiteAlgorithms, consoleSessionId: number, privilege = 0): Buffer {
    const algorithm = (type: number, alg: number): number[] => [type, 0, 0, 8, alg, 0, 0, 0];
    return Buffer.from([0x01, privilege, 0, 0, ...le32(consoleSessionId), ...algorithm(0, suite.auth), ...algorithm(1, suite.integrity), ...algorithm(2, suite.confidentiality)]);
  }

  async login(options: LoginOptions): Promise<LoginResult> {
    const suite = options.suite ?? SUITE_17;
    const hash = suite.auth === 3 ? 'sha256' : 'sha1';
    const icvLength = suite.integrity === 4 ? 16 : 12;
    const role = options.role ?? 0x14;
    const consoleSessionId = (randomBytes(4).readUInt32LE() | 1) >>> 0;
    const open = await this.v20(0x10, RmcpTestClient.openSessionRequest(suite, consoleSessionId));
    if (!open) return { stage: 'no-answer' };
    if (open.payload[1] !== 0) return { stage: 'open', status: open.payload[1]! };
    const bmcSessionId = open.payload.readUInt32LE(8);
    const rm = randomBytes(16);
    const user = Buffer.from(options.user, 'latin1');
    const rakp1 = Buffer.concat([Buffer.from([0x02, 0, 0, 0]), le32(bmcSessionId), rm, Buffer.from([role, 0, 0, user.length]), user]);
    const rakp2 = await this.v20(0x12, rakp1);
    if (!rakp2) return { stage: 'no-answer' };
    if (rakp2.payload[1] !== 0) return { stage: 'rakp2', status: rakp2.payload[1]! };
    const rc = rakp2.payload.subarray(8, 24);
    const guid = rakp2.payload.subarray(24, 40);
    const kuid = Buffer.from(options.password, 'latin1');
    const roleAndName = Buffer.concat([Buffer.from([role, user.length]), user]);
    const expected2 = hmac(hash, kuid, le32(consoleSessionId), le32(bmcSessionId), rm, rc, guid, roleAndName);
    const hmacOk = expected2.equals(rakp2.payload.subarray(40));
    const rakp3 = Buffer.concat([Buffer.from([0x03, 0, 0, 0]), le32(bmcSessionId), hmac(hash, kuid, rc, le32(consoleSessionId), roleAndName)]);
    const rakp4 = await this.v20(0x14, rakp3);
    if (!hmacOk) return { stage: 'rakp2-hmac' };
    if (!rakp4) return { stage: 'no-answer' };
    if (rakp4.payload[1] !== 0) return { stage: 'rakp4', status: rakp4.payload[1]! };
    const sik = hmac(hash, kuid, rm, rc, roleAndName);
    const icv = hmac(hash, sik, rm, le32(bmcSessionId), guid).subarray(0, icvLength);
    if (!icv.equals(rakp4.payload.subarray(8))) throw new Error('RAKP 4 integrity check value does not match');
    const k1 = hmac(hash, sik, Buffer.alloc(20, 0x01));
    const k2 = hmac(hash, sik, Buffer.alloc(20, 0x02));
    this.session = { hash, icvLength, k1, aesKey: k2.subarray(0, 16), bmcSessionId, consoleSessionId };
    this.outSeq = 0;
    const privilege = options.privilege ?? (role & 0x0f || 4);
    const set = await this.command(0x06, 0x3b, [privilege]);
    if (set?.cc !== 0) throw new Error(`Set Session Privilege Level to ${privilege} answered ${set?.cc.toString(16)}`);
    return { stage: 'active' };
  }

  /** The in-session packet for a request, encrypted and signed; `sequence` overrides the next one. */
  sessionPacket(netFn: number, cmd: number, data: ArrayLike<number>, sequence?: number): Buffer {
    const s = this.session;
    if (!s) throw new Error('no session: log in first');
    const plain = this.ipmiMessage(netFn, cmd, data);
    const padLength = (16 - ((plain.length + 1) % 16)) % 16;
    const padded = Buffer.concat([plain, Buffer.from(Array.from({ length: padLength }, (_, i) => i + 1)), Buffer.from([padLength])]);
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-128-cbc', s.aesKey, iv).setAutoPadding(false);
    const payload = Buffer.concat([iv, cipher.update(padded), cipher.final()]);
    const seq = sequence ?? ++this.outSeq;
    const header = Buffer.concat([Buffer.from([0x06, 0xc0]), le32(s.bmcSessionId), le32(seq), Buffer.from([payload.length & 0xff, payload.length >> 8])]);
    const pad = (4 - ((header.length + payload.length + 2) % 4)) % 4;
    const covered = Buffer.concat([header, payload, Buffer.alloc(pad, 0xff), Buffer.from([pad, 0x07])]);
    return RmcpTestClient.rmcp(0x07, Buffer.concat([covered, hmac(s.hash, s.k1, covered).subarray(0, s.icvLength)]));
  }

  /** Parses an in-session reply: checks its integrity code and decrypts it. */
  openReply(reply: Buffer): IpmiReply {
    const s = this.session!;
    const body = reply.subarray(4);
    if (body[0] !== 0x06 || (body[1]! & 0xc0) !== 0xc0) throw new Error('reply is not authenticated and encrypted');
    if (body.readUInt32LE(2) !== s.consoleSessionId) throw new Error('reply carries the wrong session id');
    const length = body.readUInt16LE(10);
    const covered = body.subarray(0, body.length - s.icvLength);
    if (!hmac(s.hash, s.k1, covered).subarray(0, s.icvLength).equals(body.subarray(body.length - s.icvLength))) throw new Error('reply integrity code does not match');
    const payload = body.subarray(12, 12 + length);
    const decipher = createDecipheriv('aes-128-cbc', s.aesKey, payload.subarray(0, 16)).setAutoPadding(false);
    const padded = Buffer.concat([decipher.update(payload.subarray(16)), decipher.final()]);
    return RmcpTestClient.parseResponse(padded.subarray(0, padded.length - 1 - padded[padded.length - 1]!));
  }

  async command(netFn: number, cmd: number, data: ArrayLike<number> = []): Promise<IpmiReply | undefined> {
    const reply = await this.raw(this.sessionPacket(netFn, cmd, data));
    return reply && this.openReply(reply);
  }

  get bmcSessionId(): number | undefined {
    return this.session?.bmcSessionId;
  }
}
