/**
 * The IPMI codecs and the RMCP+ cryptography, checked against values computed
 * independently here with node:crypto from the formulas of IPMI v2.0 §13.31–13.32.
 *
 * Run: npx vitest run test/twins/ipmi/codec.test.ts
 */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CIPHER_SUITES, decryptPayload, deriveSessionKeys, encryptPayload, hmac, integrityCode } from '../../../twins/ipmi/cipher-suites.js';
import { encodeFruImage } from '../../../twins/ipmi/fru-image.js';
import { decodeIpmiRequest, encodeIpmiResponse } from '../../../twins/ipmi/ipmi-message.js';
import { rakp2AuthCode, rakp3AuthCode, rakp4CheckValue, sessionIntegrityKey, type KeyExchange } from '../../../twins/ipmi/rakp.js';
import { decodeAsfPing, decodeRmcp, encodeAsfPong, encodeRmcp } from '../../../twins/ipmi/rmcp.js';
import { buildSdrRepository, linearisationFor, toRaw } from '../../../twins/ipmi/sdr-repository.js';
import { decodeSessionPacket, encodeV15, encodeV20 } from '../../../twins/ipmi/session-packet.js';
import { RmcpSession } from '../../../twins/ipmi/session-table.js';
import { DEFAULT_SENSORS } from '../../../twins/server/index.js';
import { IDENTITY } from '../server/support/server-fixture.js';

const hex = (h: string): Buffer => Buffer.from(h.replace(/\s/g, ''), 'hex');
const sha = (hash: string, key: Buffer, ...parts: Buffer[]): Buffer => {
  const mac = createHmac(hash, key);
  for (const p of parts) mac.update(p);
  return mac.digest();
};

const suite3 = CIPHER_SUITES.find((s) => s.id === 3)!;
const suite17 = CIPHER_SUITES.find((s) => s.id === 17)!;

function exchangeFor(suite: typeof suite3): KeyExchange {
  return {
    suite,
    password: new TextEncoder().encode('secret'),
    consoleSessionId: 0xa0a1a2a3,
    bmcSessionId: 0x01020304,
    consoleRandom: hex('000102030405060708090a0b0c0d0e0f'),
    bmcRandom: hex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff'),
    bmcGuid: hex('32343331334fc0b3803010394200454c'),
    role: 0x14,
    userName: new TextEncoder().encode('admin'),
  };
}

describe('RMCP+ key exchange', () => {
  it('HMAC-SHA1 matches RFC 2202 test case 1', () => {
    expect(Buffer.from(hmac('sha1', Buffer.alloc(20, 0x0b), Buffer.from('Hi There'))).toString('hex')).toBe('b617318655057264e28bc0b6fb378c8ef146be00');
  });

  for (const suite of [suite3, suite17]) {
    it(`computes RAKP 2/3 codes, SIK, RAKP 4 ICV, K1 and K2 as the spec defines them (suite ${suite.id})`, () => {
      const k = exchangeFor(suite);
      const kuid = Buffer.from('secret');
      const sidm = hex('a3a2a1a0'); // little-endian on the wire
      const sidc = hex('04030201');
      const rm = Buffer.from(k.consoleRandom);
      const rc = Buffer.from(k.bmcRandom);
      const guid = Buffer.from(k.bmcGuid);
      const roleName = Buffer.concat([Buffer.from([0x14, 5]), Buffer.from('admin')]);
      expect(Buffer.from(rakp2AuthCode(k))).toEqual(sha(suite.hash, kuid, sidm, sidc, rm, rc, guid, roleName));
      expect(Buffer.from(rakp3AuthCode(k))).toEqual(sha(suite.hash, kuid, rc, sidm, roleName));
      // A password zero-padded to 20 bytes (as ipmitool keys it) gives the same codes: HMAC pads keys with zeros.
      expect(sha(suite.hash, Buffer.concat([kuid, Buffer.alloc(14)]), rc, sidm, roleName)).toEqual(Buffer.from(rakp3AuthCode(k)));
      const sik = sha(suite.hash, kuid, rm, rc, roleName);
      expect(Buffer.from(sessionIntegrityKey(k))).toEqual(sik);
      expect(Buffer.from(rakp4CheckValue(k, sik))).toEqual(sha(suite.hash, sik, rm, sidc, guid).subarray(0, suite.integrityLength));
      const keys = deriveSessionKeys(suite.hash, sik);
      expect(Buffer.from(keys.k1)).toEqual(sha(suite.hash, sik, Buffer.alloc(20, 0x01)));
      expect(Buffer.from(keys.k2)).toEqual(sha(suite.hash, sik, Buffer.alloc(20, 0x02)));
      const covered = Buffer.from('some packet bytes');
      expect(Buffer.from(integrityCode(suite, keys.k1, covered))).toEqual(sha(suite.hash, Buffer.from(keys.k1), covered).subarray(0, suite.integrityLength));
    });
  }

  it('offers exactly suites 3 and 17, each with HMAC integrity and AES-CBC-128', () => {
    expect(CIPHER_SUITES.map((s) => [s.id, s.authAlgorithm, s.integrityAlgorithm, s.confidentialityAlgorithm, s.integrityLength])).toEqual([
      [3, 1, 1, 1, 12],
      [17, 3, 4, 1, 16],
    ]);
  });
});

describe('AES-CBC-128 payload encryption', () => {
  const key = hex('00112233445566778899aabbccddeeff0011');
  const iv = hex('0f0e0d0c0b0a09080706050403020100');

  it('pads with 01h, 02h, … and a pad length, decryptable by node:crypto', () => {
    for (const length of [0, 1, 14, 15, 16, 30]) {
      const plain = Buffer.alloc(length, 0x5a);
      const wire = Buffer.from(encryptPayload(key, iv, plain));
      expect(wire.subarray(0, 16)).toEqual(iv);
      expect((wire.length - 16) % 16).toBe(0);
      const d = createDecipheriv('aes-128-cbc', key.subarray(0, 16), iv).setAutoPadding(false);
      const padded = Buffer.concat([d.update(wire.subarray(16)), d.final()]);
      const pad = padded[padded.length - 1]!;
      expect(padded.subarray(0, length)).toEqual(plain);
      expect([...padded.subarray(length, length + pad)]).toEqual(Array.from({ length: pad }, (_, i) => i + 1));
      expect(Buffer.from(decryptPayload(key, wire)!)).toEqual(plain);
    }
  });

  it('refuses bad lengths and bad padding', () => {
    expect(decryptPayload(key, new Uint8Array(31))).toBeUndefined();
    const c = createCipheriv('aes-128-cbc', key.subarray(0, 16), iv).setAutoPadding(false);
    const badPad = Buffer.concat([iv, c.update(Buffer.from([...Buffer.alloc(13), 9, 9, 2])), c.final()]);
    expect(decryptPayload(key, badPad)).toBeUndefined();
  });
});

describe('packet codecs', () => {
  it('ASF presence ping gets a pong that says IPMI is supported', () => {
    const ping = hex('06 00 ff 06 000011be 80 c4 00 00');
    const rmcp = decodeRmcp(ping)!;
    expect(decodeAsfPing(rmcp.body)).toBe(0xc4);
    const pong = encodeRmcp(0x06, encodeAsfPong(0xc4));
    expect(Buffer.from(pong).toString('hex')).toBe('0600ff06000011be40c40010000011be000000008100000000000000');
    expect(decodeRmcp(hex('06 00 ff 86 00'))).toBeUndefined(); // an RMCP ACK
  });

  it('IPMI messages carry two zero checksums; a wrong one is refused', () => {
    const request = decodeIpmiRequest(hex('20 18 c8 81 04 01 7a'))!; // Get Device ID, rqSeq 1
    expect(request).toMatchObject({ netFn: 6, cmd: 1, rqSeq: 1, rqAddr: 0x81, rsAddr: 0x20 });
    const response = encodeIpmiResponse(request, 0, [0xaa]);
    expect(Buffer.from(response).toString('hex')).toBe('811c63200401' + '00aa' + '31');
    expect(decodeIpmiRequest(hex('20 18 c8 81 04 01 7b'))).toBeUndefined();
  });

  it('RMCP+ packets round-trip, with the integrity pad making a whole number of words', () => {
    for (const length of [0, 1, 2, 3, 4, 17]) {
      const payload = new Uint8Array(length).fill(0x33);
      const sign = (covered: Uint8Array): Uint8Array => {
        expect(covered.length % 4).toBe(0);
        return new Uint8Array(12).fill(0xab);
      };
      const wire = encodeV20({ payloadType: 0, encrypted: true, sessionId: 0x11223344, sequence: 9, payload }, sign);
      const decoded = decodeSessionPacket(wire);
      expect(decoded).toMatchObject({ format: 'v2.0', payloadType: 0, encrypted: true, authenticated: true, sessionId: 0x11223344, sequence: 9 });
      if (decoded?.format !== 'v2.0') throw new Error('not v2.0');
      expect([...decoded.payload]).toEqual([...payload]);
      expect([...decoded.integrity!.authCode]).toEqual(new Array(12).fill(0xab));
    }
    const v15 = encodeV15({ sequence: 0, sessionId: 0, payload: Uint8Array.of(1, 2, 3) });
    expect(decodeSessionPacket(v15)).toMatchObject({ format: 'v1.5', sessionId: 0 });
    expect(decodeSessionPacket(Uint8Array.of(0x06, 0x40, 0, 0))).toBeUndefined();
  });

  it('accepts each inbound session sequence number once, within the window', () => {
    const s = new RmcpSession(1, 2, suite3, 4, 0);
    expect(s.acceptSequence(0)).toBe(false);
    expect(s.acceptSequence(1)).toBe(true);
    expect(s.acceptSequence(1)).toBe(false); // replay
    expect(s.acceptSequence(5)).toBe(true);
    expect(s.acceptSequence(3)).toBe(true); // late, not seen before
    expect(s.acceptSequence(3)).toBe(false);
    expect(s.acceptSequence(5 + 17)).toBe(false); // too far ahead
    expect(s.acceptSequence(20)).toBe(true);
    expect(s.acceptSequence(4)).toBe(false); // fell out of the window behind
  });
});

/** Walks an info area's type/length fields up to C1h. */
function areaFields(area: Uint8Array, from: number): string[] {
  const out: string[] = [];
  let at = from;
  while (area[at] !== 0xc1) {
    const length = area[at]! & 0x3f;
    out.push(Buffer.from(area.subarray(at + 1, at + 1 + length)).toString('latin1'));
    at += 1 + length;
  }
  return out;
}

const sum = (bytes: Uint8Array): number => bytes.reduce((s, b) => s + b, 0) & 0xff;

describe('FRU image', () => {
  it('has a checksummed common header and chassis, board and product areas with the identity', () => {
    const fru = encodeFruImage({ ...IDENTITY, assetTag: 'A' });
    expect(fru[0]).toBe(0x01);
    expect(sum(fru.subarray(0, 8))).toBe(0);
    const area = (offsetByte: number): Uint8Array => {
      const at = fru[offsetByte]! * 8;
      return fru.subarray(at, at + fru[at + 1]! * 8);
    };
    const chassis = area(2);
    const board = area(3);
    const product = area(4);
    for (const a of [chassis, board, product]) {
      expect(a.length % 8).toBe(0);
      expect(sum(a)).toBe(0);
    }
    expect(chassis[2]).toBe(0x17);
    expect(areaFields(chassis, 3)).toEqual([IDENTITY.partNumber, IDENTITY.chassisSerialNumber]);
    expect(areaFields(board, 6)).toEqual([IDENTITY.manufacturer, IDENTITY.productName, IDENTITY.boardSerialNumber, IDENTITY.boardPartNumber, '']);
    // A one-character value would collide with the C1h end marker: it is padded.
    expect(areaFields(product, 3)).toEqual([IDENTITY.manufacturer, IDENTITY.productName, IDENTITY.partNumber, '', IDENTITY.serialNumber, 'A ', '']);
    const minutes = board[3]! | (board[4]! << 8) | (board[5]! << 16);
    expect(Date.UTC(1996, 0, 1) + minutes * 60_000).toBe(IDENTITY.manufacturedAtMs);
  });
});

describe('SDR repository', () => {
  it('has one full sensor record per sensor and a FRU device locator', () => {
    const sdr = buildSdrRepository(DEFAULT_SENSORS);
    expect(sdr.records).toHaveLength(DEFAULT_SENSORS.length + 1);
    sdr.records.forEach((record, i) => {
      expect(record[0]! | (record[1]! << 8)).toBe(i + 1);
      expect(record[2]).toBe(0x51);
      expect(record[4]).toBe(record.length - 5);
    });
    const twelveVolt = sdr.records[DEFAULT_SENSORS.findIndex((s) => s.id === 'board-12v')]!;
    expect(twelveVolt[3]).toBe(0x01);
    expect(twelveVolt.length).toBe(48 + '12V'.length);
    expect(twelveVolt[21]).toBe(4); // volts
    expect(Buffer.from(twelveVolt.subarray(48)).toString('latin1')).toBe('12V');
    const fru = sdr.records.at(-1)!;
    expect([fru[3], fru[10]]).toEqual([0x11, 0x10]);
  });

  it('linearises readings so that M × raw × 10^R lands within one step of the value', () => {
    for (const spec of DEFAULT_SENSORS) {
      const lin = linearisationFor(spec);
      const step = lin.m * 10 ** lin.r;
      for (const value of [spec.onValue, spec.offValue, ...Object.values(spec.thresholds)]) {
        expect(Math.abs(toRaw(value, lin) * step - value)).toBeLessThanOrEqual(step / 2 + 1e-9);
      }
      expect(toRaw(Math.max(spec.onValue, ...Object.values(spec.thresholds)), lin)).toBeLessThan(255);
    }
  });
});
