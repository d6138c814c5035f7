/**
 * RMCP+ cryptography and framing, checked against values this test computes
 * itself with node:crypto from the formulas of IPMI v2.0 rev 1.1 §13.28–13.32.
 */
import { createCipheriv, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CIPHER_SUITES,
  authCode,
  decryptPayload,
  deriveKeys,
  encryptPayload,
  rakp2AuthCode,
  rakp3AuthCode,
  rakp4Icv,
  sessionIntegrityKey,
  type RakpExchange,
} from '../../../../orchestrator/drivers/ipmi/cipher-suite.js';
import { checksum, decodeResponse, encodeRequest } from '../../../../orchestrator/drivers/ipmi/ipmi-message.js';
import { decodePacket, encodeSessionlessV15, encodeV20 } from '../../../../orchestrator/drivers/ipmi/rmcp.js';
import { decodeOpenSessionResponse, encodeOpenSessionRequest, encodeRakp1 } from '../../../../orchestrator/drivers/ipmi/rakp.js';

const le32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};

const exchange: RakpExchange = {
  consoleSessionId: 0xa0a2a3a4,
  bmcSessionId: 0x02000000,
  consoleRandom: Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'),
  bmcRandom: Buffer.from('f0e0d0c0b0a090807060504030201000', 'hex'),
  bmcGuid: Buffer.from('a123456789abcdefa123456789abcdef', 'hex'),
  role: 0x14,
  username: Buffer.from('admin'),
};
const password = Buffer.from('secret');

describe.each([
  [3, 'sha1', 12],
  [17, 'sha256', 16],
] as const)('cipher suite %i key exchange (%s)', (id, hash, icvLength) => {
  const suite = CIPHER_SUITES[id];
  const x = exchange;
  const mac = (key: Buffer | Uint8Array, ...parts: Buffer[]): Buffer => createHmac(hash, key).update(Buffer.concat(parts)).digest();
  const roleName = Buffer.from([x.role, x.username.length]);

  it('RAKP2 key exchange auth code = HMAC_Kuid(SIDm, SIDc, Rm, Rc, GUIDc, ROLEm, ULENGTHm, UNAMEm)', () => {
    const expected = mac(password, le32(x.consoleSessionId), le32(x.bmcSessionId), Buffer.from(x.consoleRandom), Buffer.from(x.bmcRandom), Buffer.from(x.bmcGuid), roleName, Buffer.from(x.username));
    expect(Buffer.from(rakp2AuthCode(suite, password, x))).toEqual(expected);
  });

  it('RAKP3 auth code = HMAC_Kuid(Rc, SIDm, ROLEm, ULENGTHm, UNAMEm)', () => {
    expect(Buffer.from(rakp3AuthCode(suite, password, x))).toEqual(mac(password, Buffer.from(x.bmcRandom), le32(x.consoleSessionId), roleName, Buffer.from(x.username)));
  });

  it('SIK, K1, K2 and the RAKP4 ICV', () => {
    const sik = mac(password, Buffer.from(x.consoleRandom), Buffer.from(x.bmcRandom), roleName, Buffer.from(x.username));
    expect(Buffer.from(sessionIntegrityKey(suite, password, x))).toEqual(sik);
    const keys = deriveKeys(suite, sik);
    // Const1/Const2 are 20 bytes with SHA-256 too (§13.32; ipmitool, freeipmi, pyghmi).
    expect(Buffer.from(keys.k1)).toEqual(mac(sik, Buffer.alloc(20, 0x01)));
    expect(Buffer.from(keys.k2)).toEqual(mac(sik, Buffer.alloc(20, 0x02)));
    expect(Buffer.from(rakp4Icv(suite, sik, x))).toEqual(mac(sik, Buffer.from(x.consoleRandom), le32(x.bmcSessionId), Buffer.from(x.bmcGuid)).subarray(0, icvLength));
  });

  it('signs packets with the truncated HMAC over AuthType … Next Header, padded to 4 bytes', () => {
    const k1 = Buffer.alloc(hash === 'sha1' ? 20 : 32, 7);
    const packet = encodeV20({ payloadType: 0, sessionId: 0x11223344, sequence: 5, payload: new Uint8Array([1, 2, 3]), encrypted: false }, (d) => authCode(suite, k1, d));
    const signed = Buffer.from(packet.subarray(4, packet.length - suite.authCodeLength));
    expect(signed.length % 4).toBe(0);
    expect(signed.subarray(-2)).toEqual(Buffer.from([signed.length - 2 - 15, 0x07]));
    expect(Buffer.from(packet.subarray(packet.length - suite.authCodeLength))).toEqual(mac(k1, signed).subarray(0, suite.authCodeLength));
    const decoded = decodePacket(packet, 'bmc', suite.authCodeLength);
    expect(decoded).toMatchObject({ kind: 'v20', authenticated: true, sessionId: 0x11223344, sequence: 5 });
  });
});

describe('AES-CBC-128 confidentiality', () => {
  const k2 = Buffer.alloc(20, 9);
  const iv = Buffer.alloc(16, 3);

  it('pads with 01h 02h … n, then n, and encrypts under the first 16 bytes of K2', () => {
    const plain = Buffer.from([0x20, 0x18, 0xc8, 0x81, 0x04, 0x3b, 0x04, 0x3c]);
    const pad = Buffer.from([1, 2, 3, 4, 5, 6, 7, 7]);
    const cipher = createCipheriv('aes-128-cbc', k2.subarray(0, 16), iv);
    cipher.setAutoPadding(false);
    const expected = Buffer.concat([iv, cipher.update(Buffer.concat([plain, pad])), cipher.final()]);
    const encrypted = encryptPayload(k2, iv, plain);
    expect(Buffer.from(encrypted)).toEqual(expected);
    expect(Buffer.from(decryptPayload(k2, encrypted) ?? [])).toEqual(plain);
  });

  it('rejects a wrong pad or length instead of throwing', () => {
    expect(decryptPayload(k2, new Uint8Array(31))).toBeUndefined();
    expect(decryptPayload(Buffer.alloc(20, 1), encryptPayload(k2, iv, new Uint8Array(5)))).toBeUndefined();
  });
});

describe('message framing', () => {
  it('encodes an IPMI request with both checksums, byte for byte as ipmitool sends it', () => {
    // Get Channel Authentication Capabilities as ipmitool 1.8.19 sent it to ipmi_sim (its debug log).
    const message = encodeRequest({ netFn: 0x06, cmd: 0x38, data: [0x8e, 0x04] }, 0);
    expect(Array.from(message)).toEqual([0x20, 0x18, 0xc8, 0x81, 0x00, 0x38, 0x8e, 0x04, 0xb5]);
    expect(Array.from(encodeSessionlessV15(message)).slice(0, 14)).toEqual([6, 0, 0xff, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]);
  });

  it('decodes a response and rejects a bad checksum', () => {
    const body = [0x20, 0x04, 0x38, 0x00, 0x01];
    const good = Uint8Array.from([0x81, 0x1c, checksum([0x81, 0x1c]), ...body, checksum(body)]);
    expect(decodeResponse(good, 'bmc')).toMatchObject({ netFn: 7, cmd: 0x38, rqSeq: 1, completionCode: 0 });
    const bad = Uint8Array.from(good);
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 1;
    expect(() => decodeResponse(bad, 'bmc')).toThrow(/data checksum/);
  });

  it('encodes Open Session and RAKP1 per Tables 13-9 and 13-11', () => {
    const open = encodeOpenSessionRequest(7, 4, 0xa0a2a3a4, CIPHER_SUITES[17]);
    expect(Array.from(open)).toEqual([7, 4, 0, 0, 0xa4, 0xa3, 0xa2, 0xa0, 0, 0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 8, 4, 0, 0, 0, 2, 0, 0, 8, 1, 0, 0, 0]);
    const rakp1 = encodeRakp1(8, 0x01020304, new Uint8Array(16), 0x14, Buffer.from('ab'));
    expect(Array.from(rakp1.subarray(0, 8))).toEqual([8, 0, 0, 0, 4, 3, 2, 1]);
    expect(Array.from(rakp1.subarray(24))).toEqual([0x14, 0, 0, 2, 0x61, 0x62]);
  });

  it('reads an Open Session error response', () => {
    expect(decodeOpenSessionResponse(Uint8Array.from([7, 0x11, 0, 0, 4, 3, 2, 1]), 'bmc')).toEqual({ tag: 7, status: 0x11, consoleSessionId: 0x01020304 });
  });
});
