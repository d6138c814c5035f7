/** FRU, SDR, sensor reading, SEL and identity parsers over records crafted from the specs (records.ts). */
import { describe, expect, it } from 'vitest';
import { BmcProtocolError } from '../../../../orchestrator/index.js';
import { parseFru, unpackSixBitAscii } from '../../../../orchestrator/drivers/ipmi/fru.js';
import { parseCipherSuiteRecords } from '../../../../orchestrator/drivers/ipmi/handshake.js';
import { firmwareVersion, manufacturerName, parseDeviceId, parseGuid } from '../../../../orchestrator/drivers/ipmi/identity.js';
import { convertReading, parseSdr, parseSensorReading, thresholdStatus, unitName } from '../../../../orchestrator/drivers/ipmi/sdr.js';
import { parseSelRecord } from '../../../../orchestrator/drivers/ipmi/sel.js';
import { ascii, bcdPlus, compactSdr, fruImage, fullSdr, sixBit, systemEvent } from './records.js';

const bytes = (a: readonly number[]): Uint8Array => Uint8Array.from(a);

describe('FRU parser', () => {
  const image = fruImage({
    chassis: [ascii('CP-1'), sixBit('CHS 123')],
    board: [ascii('Acme'), ascii('Board Z'), bcdPlus('12-34.5'), ascii('')],
    product: [sixBit('ACME CORP'), ascii('Widget'), ascii('W-1'), ascii('v2'), ascii('SN-9'), ascii('tag')],
  });

  it('reads chassis, board and product fields in every encoding', () => {
    expect(parseFru(bytes(image), 'bmc')).toEqual({
      chassisSerial: 'CHS 123',
      boardManufacturer: 'Acme',
      boardProduct: 'Board Z',
      boardSerial: '12-34.5',
      productManufacturer: 'ACME CORP',
      productName: 'Widget',
      productPartNumber: 'W-1',
      productSerial: 'SN-9',
    });
  });

  it('unpacks 6-bit ASCII least significant bits first', () => {
    expect(unpackSixBitAscii(bytes(sixBit('IPMI').slice(1)))).toBe('IPMI');
  });

  it('omits areas the header does not point to', () => {
    expect(parseFru(bytes(fruImage({ board: [ascii('Only'), ascii('Board'), ascii('S1')] })), 'bmc')).toEqual({ boardManufacturer: 'Only', boardProduct: 'Board', boardSerial: 'S1' });
  });

  it('rejects a header with a wrong checksum or an area past the end', () => {
    const bad = [...image];
    bad[7] = (bad[7]! + 1) & 0xff;
    expect(() => parseFru(bytes(bad), 'bmc')).toThrow(BmcProtocolError);
    expect(() => parseFru(bytes(image.slice(0, 20)), 'bmc')).toThrow(/runs past/);
  });
});

describe('SDR parser and reading conversion', () => {
  it('reads a full record and converts y = (M·x + B·10^Bexp)·10^Rexp', () => {
    const record = parseSdr(bytes(fullSdr({ recordId: 7, sensorNumber: 9, sensorType: 0x02, name: 'VBAT', unit: 4, m: 3, b: -25, bExp: 1, rExp: -2 })), 'bmc');
    expect(record).toMatchObject({ recordId: 7, sensorNumber: 9, name: 'VBAT', unit: 'Volts', conversion: { m: 3, b: -25, bExp: 1, rExp: -2 } });
    // (3·200 + (-25)·10)·10^-2 = 3.5
    expect(convertReading(200, record!.conversion!)).toBe(3.5);
  });

  it('handles 10-bit M, two\'s complement readings and linearization functions', () => {
    const big = parseSdr(bytes(fullSdr({ recordId: 1, sensorNumber: 1, sensorType: 0x04, name: 'FAN', unit: 18, m: 300, b: 0, bExp: 0, rExp: 0 })), 'bmc')!;
    expect(convertReading(10, big.conversion!)).toBe(3000);
    const signedTemp = parseSdr(bytes(fullSdr({ recordId: 2, sensorNumber: 2, sensorType: 0x01, name: 'T', unit: 1, m: 1, b: 0, bExp: 0, rExp: 0, format: 2 })), 'bmc')!;
    expect(convertReading(0xf6, signedTemp.conversion!)).toBe(-10);
    const squared = parseSdr(bytes(fullSdr({ recordId: 3, sensorNumber: 3, sensorType: 0x0b, name: 'SQ', unit: 6, m: 1, b: 0, bExp: 0, rExp: 0, linearization: 8 })), 'bmc')!;
    expect(convertReading(12, squared.conversion!)).toBe(144);
    const nonLinear = parseSdr(bytes(fullSdr({ recordId: 4, sensorNumber: 4, sensorType: 0x01, name: 'NL', unit: 1, m: 1, b: 0, bExp: 0, rExp: 0, linearization: 0x70 })), 'bmc')!;
    expect(convertReading(12, nonLinear.conversion!)).toBeUndefined();
  });

  it('reads a compact record as a discrete sensor and skips other record types', () => {
    expect(parseSdr(bytes(compactSdr(5, 4, 0x09, 'PWR')), 'bmc')).toMatchObject({ recordType: 2, name: 'PWR', unit: 'states' });
    expect(parseSdr(bytes([1, 0, 0x51, 0x12, 3, 0x20, 0, 0]), 'bmc')).toBeUndefined();
  });

  it('reads sensor readings and threshold states', () => {
    expect(parseSensorReading(bytes([0x30, 0x40, 0x08, 0x80]), 'bmc')).toEqual({ raw: 0x30, valid: true, states: 0x08 });
    expect(parseSensorReading(bytes([0x30, 0x60]), 'bmc').valid).toBe(false);
    expect([thresholdStatus(0), thresholdStatus(0x08), thresholdStatus(0x10), thresholdStatus(0x04)]).toEqual(['ok', 'warning', 'critical', 'critical']);
    expect([unitName(1), unitName(18), unitName(250)]).toEqual(['degrees C', 'RPM', 'unit 250']);
  });
});

describe('SEL, identity and cipher suite records', () => {
  it('turns system event records into entries', () => {
    const record = bytes([0x05, 0x00, 0x02, ...systemEvent(1_700_000_000, 0x01, 0x30, 0x81, 0x07)]);
    expect(parseSelRecord(record, 'bmc')).toEqual({ id: 5, timestampMs: 1_700_000_000_000, sensor: 'Temperature #0x30', message: 'Upper Non-critical going high (deasserted)' });
    expect(parseSelRecord(bytes([1, 0, 0xe1, ...new Array(13).fill(0)]), 'bmc').message).toMatch(/OEM record 0xE1/);
  });

  it('reads Get Device ID and the GUID', () => {
    const id = parseDeviceId(bytes([0x20, 0x81, 0x02, 0x45, 0x02, 0xbf, 0xa2, 0x02, 0x00, 0x34, 0x12]), 'bmc');
    expect([manufacturerName(id.manufacturerId), firmwareVersion(id), id.productId, id.ipmiVersion]).toEqual(['Dell', '2.45', 0x1234, '2.0']);
    expect(manufacturerName(99999)).toBe('IANA 99999');
    const guid = bytes(Array.from({ length: 16 }, (_, i) => i));
    expect(parseGuid(guid, 'bmc')).toBe('0f0e0d0c-0b0a-0908-0706-050403020100');
  });

  it('lists suite ids from standard and OEM cipher suite records', () => {
    expect(parseCipherSuiteRecords([0xc0, 0x03, 0x01, 0x41, 0x81, 0xc1, 0x80, 0x01, 0x02, 0x03, 0x01, 0xc0, 0x11, 0x03, 0x44, 0x81])).toEqual([3, 0x80, 17]);
  });
});
