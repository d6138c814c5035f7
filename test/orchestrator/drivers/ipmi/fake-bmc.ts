/**
 * A tiny RMCP+ responder for the client's own tests, on the kernel's
 * DatagramSwitch: enough of IPMI v2.0 (auth capabilities, cipher suite list,
 * Open Session, RAKP 1–4, a few in-session commands) to drive retries,
 * timeouts, session reuse and re-establishment deterministically on the
 * VirtualClock. Its cryptography is written here with node:crypto, apart
 * from the driver's. It is no stand-in for a real BMC: the ipmi_sim and
 * pyghmi suites are.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { DatagramSocket, DatagramSwitch, Endpoint } from '../../../../sim/index.js';

export interface FakeSuite {
  readonly id: number;
  readonly auth: number;
  readonly integrity: number;
  readonly confidentiality: number;
}

export const SUITE_3: FakeSuite = { id: 3, auth: 1, integrity: 1, confidentiality: 1 };
export const SUITE_17: FakeSuite = { id: 17, auth: 3, integrity: 4, confidentiality: 1 };
export const SUITE_0: FakeSuite = { id: 0, auth: 0, integrity: 0, confidentiality: 0 };
export const SUITE_1: FakeSuite = { id: 1, auth: 1, integrity: 0, confidentiality: 0 };

interface FakeSession {
  suite: FakeSuite;
  consoleId: number;
  bmcId: number;
  rm?: Buffer;
  rc: Buffer;
  role: number;
  user: Buffer;
  k1?: Buffer;
  k2?: Buffer;
  seq: number;
}

const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};
const sum = (bytes: Iterable<number>): number => {
  let s = 0;
  for (const b of bytes) s = (s + b) & 0xff;
  return (0x100 - s) & 0xff;
};

export class FakeBmc {
  powerOn = false;
  /** Every datagram received, by kind: 'v15', 'open', 'rakp1', 'rakp3', 'ipmi:<netfn>:<cmd>'. */
  readonly received: string[] = [];
  readonly sessions = new Map<number, FakeSession>();
  private nextId = 0x1000;
  private socket!: DatagramSocket;
  /** Answers to hold back: a predicate over the kind. */
  silence: (kind: string) => boolean = () => false;

  constructor(
    readonly suites: readonly FakeSuite[],
    readonly users: Readonly<Record<string, string>>,
    readonly guid = Buffer.from('00112233445566778899aabbccddeeff', 'hex'),
  ) {}

  async listen(net: DatagramSwitch, endpoint: Endpoint): Promise<void> {
    this.socket = await net.bind({ host: endpoint.host, port: endpoint.port, name: 'bmc:fake' });
    this.socket.onMessage((data, from) => this.handle(Buffer.from(data), from));
  }

  /** Forgets every session, as a BMC does when they time out. */
  forgetSessions(): void {
    this.sessions.clear();
  }

  private reply(kind: string, to: Endpoint, packet: Buffer): void {
    if (!this.silence(kind)) void this.socket.send(packet, to);
  }

  private handle(p: Buffer, from: Endpoint): void {
    if (p[3] !== 0x07) return;
    if (p[4] === 0x00) {
      this.received.push('v15');
      const msg = p.subarray(14, 14 + (p[13] ?? 0));
      // Get Channel Authentication Capabilities: IPMI v2.0 extended data.
      const resp = this.response(msg, 0x00, [0x01, 0x80, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00]);
      this.reply('v15', from, Buffer.concat([Buffer.from([6, 0, 0xff, 7, 0]), u32(0), u32(0), Buffer.from([resp.length]), resp]));
      return;
    }
    const type = (p[5] ?? 0) & 0x3f;
    const sid = p.readUInt32LE(6);
    const len = p.readUInt16LE(14);
    const payload = p.subarray(16, 16 + len);
    if (type === 0x00 && sid === 0) return this.cipherSuites(payload, from);
    if (type === 0x10) return this.open(payload, from);
    if (type === 0x12) return this.rakp1(payload, from);
    if (type === 0x14) return this.rakp3(payload, from);
    if (type === 0x00) return this.inSession(p, sid, payload, from);
  }

  private cipherSuites(msg: Buffer, from: Endpoint): void {
    this.received.push('suites');
    const records = this.suites.flatMap((s) => [0xc0, s.id, s.auth, 0x40 | s.integrity, 0x80 | s.confidentiality]);
    const index = (msg[8] ?? 0) & 0x3f;
    const page = records.slice(index * 16, index * 16 + 16);
    const resp = this.response(msg, 0x00, [0x01, ...page]);
    this.reply('suites', from, this.v20(0x00, 0, 0, resp));
  }

  private open(req: Buffer, from: Endpoint): void {
    this.received.push('open');
    const consoleId = req.readUInt32LE(4);
    const suite = this.suites.find((s) => s.auth === req[12] && s.integrity === req[20] && s.confidentiality === req[28]);
    if (!suite) {
      this.reply('open', from, this.v20(0x11, 0, 0, Buffer.concat([Buffer.from([req[0] ?? 0, 0x11, 0, 0]), u32(consoleId)])));
      return;
    }
    const bmcId = this.nextId++;
    this.sessions.set(bmcId, { suite, consoleId, bmcId, rc: randomBytes(16), role: 0, user: Buffer.alloc(0), seq: 0 });
    const alg = (t: number, a: number) => [t, 0, 0, 8, a, 0, 0, 0];
    const body = Buffer.concat([
      Buffer.from([req[0] ?? 0, 0, 4, 0]),
      u32(consoleId),
      u32(bmcId),
      Buffer.from([...alg(0, suite.auth), ...alg(1, suite.integrity), ...alg(2, suite.confidentiality)]),
    ]);
    this.reply('open', from, this.v20(0x11, 0, 0, body));
  }

  private hash(s: FakeSuite): 'sha1' | 'sha256' {
    return s.auth === 3 ? 'sha256' : 'sha1';
  }

  private rakp1(req: Buffer, from: Endpoint): void {
    this.received.push('rakp1');
    const s = this.sessions.get(req.readUInt32LE(4));
    if (!s) return;
    s.rm = Buffer.from(req.subarray(8, 24));
    s.role = req[24] ?? 0;
    s.user = Buffer.from(req.subarray(28, 28 + (req[27] ?? 0)));
    const password = this.users[s.user.toString()];
    if (password === undefined) {
      this.reply('rakp1', from, this.v20(0x13, 0, 0, Buffer.from([req[0] ?? 0, 0x0d, 0, 0, ...u32(s.consoleId)])));
      return;
    }
    const code = createHmac(this.hash(s.suite), password)
      .update(Buffer.concat([u32(s.consoleId), u32(s.bmcId), s.rm, s.rc, this.guid, Buffer.from([s.role, s.user.length]), s.user]))
      .digest();
    this.reply('rakp1', from, this.v20(0x13, 0, 0, Buffer.concat([Buffer.from([req[0] ?? 0, 0, 0, 0]), u32(s.consoleId), s.rc, this.guid, code])));
  }

  private rakp3(req: Buffer, from: Endpoint): void {
    this.received.push('rakp3');
    const s = this.sessions.get(req.readUInt32LE(4));
    if (!s || !s.rm) return;
    const h = this.hash(s.suite);
    const kuid = this.users[s.user.toString()] ?? '';
    const expected = createHmac(h, kuid).update(Buffer.concat([s.rc, u32(s.consoleId), Buffer.from([s.role, s.user.length]), s.user])).digest();
    if (!expected.equals(req.subarray(8))) {
      this.reply('rakp3', from, this.v20(0x15, 0, 0, Buffer.from([req[0] ?? 0, 0x0f, 0, 0, ...u32(s.consoleId)])));
      return;
    }
    const sik = createHmac(h, kuid).update(Buffer.concat([s.rm, s.rc, Buffer.from([s.role, s.user.length]), s.user])).digest();
    // Const1/Const2 are 20 bytes whatever the hash (§13.32), as real BMCs and ipmitool have them.
    s.k1 = createHmac(h, sik).update(Buffer.alloc(20, 1)).digest();
    s.k2 = createHmac(h, sik).update(Buffer.alloc(20, 2)).digest();
    const icv = createHmac(h, sik).update(Buffer.concat([s.rm, u32(s.bmcId), this.guid])).digest().subarray(0, h === 'sha1' ? 12 : 16);
    this.reply('rakp3', from, this.v20(0x15, 0, 0, Buffer.concat([Buffer.from([req[0] ?? 0, 0, 0, 0]), u32(s.consoleId), icv])));
  }

  private inSession(p: Buffer, sid: number, payload: Buffer, from: Endpoint): void {
    const s = this.sessions.get(sid);
    if (!s?.k1 || !s.k2) return void this.received.push('ipmi:unknown-session');
    const h = this.hash(s.suite);
    const codeLength = h === 'sha1' ? 12 : 16;
    const signed = p.subarray(4, p.length - codeLength);
    const mac = createHmac(h, s.k1).update(signed).digest().subarray(0, codeLength);
    if (!mac.equals(p.subarray(p.length - codeLength))) return void this.received.push('ipmi:bad-mac');
    const d = createDecipheriv('aes-128-cbc', s.k2.subarray(0, 16), payload.subarray(0, 16));
    d.setAutoPadding(false);
    const plain = Buffer.concat([d.update(payload.subarray(16)), d.final()]);
    const msg = plain.subarray(0, plain.length - 1 - (plain[plain.length - 1] ?? 0));
    const netFn = (msg[1] ?? 0) >> 2;
    const cmd = msg[5] ?? 0;
    const kind = `ipmi:${netFn}:${cmd}`;
    this.received.push(kind);
    let data: number[] = [0xc1];
    if (netFn === 6 && cmd === 0x3b) data = [0x00, (msg[6] ?? 0) & 0x0f];
    if (netFn === 6 && cmd === 0x3c) {
      this.sessions.delete(sid);
      data = [0x00];
    }
    if (netFn === 0 && cmd === 0x01) data = [0x00, this.powerOn ? 1 : 0, 0, 0];
    if (netFn === 0 && cmd === 0x02) {
      this.powerOn = msg[6] === 1;
      data = [0x00];
    }
    const resp = this.response(msg, data[0] ?? 0, data.slice(1));
    const pad = (16 - ((resp.length + 1) % 16)) % 16;
    const iv = randomBytes(16);
    const c = createCipheriv('aes-128-cbc', s.k2.subarray(0, 16), iv);
    c.setAutoPadding(false);
    const body = Buffer.concat([resp, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1)), Buffer.from([pad])]);
    const encrypted = Buffer.concat([iv, c.update(body), c.final()]);
    s.seq++;
    const head = Buffer.concat([Buffer.from([0x06, 0xc0]), u32(s.consoleId), u32(s.seq), Buffer.from([encrypted.length & 0xff, encrypted.length >> 8]), encrypted]);
    const intPad = (4 - ((head.length + 2) % 4)) % 4;
    const toSign = Buffer.concat([head, Buffer.alloc(intPad, 0xff), Buffer.from([intPad, 0x07])]);
    const code = createHmac(h, s.k1).update(toSign).digest().subarray(0, codeLength);
    this.reply(kind, from, Buffer.concat([Buffer.from([6, 0, 0xff, 7]), toSign, code]));
  }

  /** An IPMI response to request `msg`. */
  private response(msg: Buffer, cc: number, data: readonly number[]): Buffer {
    const head = [0x81, (((msg[1] ?? 0) >> 2) + 1) << 2];
    const body = [0x20, msg[4] ?? 0, msg[5] ?? 0, cc, ...data];
    return Buffer.from([...head, sum(head), ...body, sum(body)]);
  }

  private v20(type: number, sid: number, seq: number, payload: Buffer): Buffer {
    return Buffer.concat([Buffer.from([6, 0, 0xff, 7, 6, type]), u32(sid), u32(seq), Buffer.from([payload.length & 0xff, payload.length >> 8]), payload]);
  }
}
