/**
 * Sensor Data Records and sensor readings (IPMI v2.0 rev 1.1, §35.14, §43,
 * Table 43-15 units): full (01h) and compact (02h) sensor records, the
 * reading conversion y = L[(M·x + B·10^Bexp)·10^Rexp] for analog sensors,
 * and the Get Sensor Reading response.
 */
import type { SensorKind } from '../bmc-driver.js';
import { ByteReader } from './bytes.js';
import { decodeTypeLength } from './fru.js';

export const SDR_FULL = 0x01;
export const SDR_COMPACT = 0x02;

export type AnalogFormat = 'unsigned' | 'ones-complement' | 'twos-complement';

export interface Conversion {
  readonly format: AnalogFormat;
  readonly m: number;
  readonly b: number;
  readonly bExp: number;
  readonly rExp: number;
  /** Linearization code (Table 43-1 byte 24): 0 linear, 1–11 a function, 70h–7Fh non-linear. */
  readonly linearization: number;
}

export interface SensorRecord {
  readonly recordId: number;
  readonly recordType: typeof SDR_FULL | typeof SDR_COMPACT;
  readonly ownerId: number;
  readonly ownerLun: number;
  readonly sensorNumber: number;
  readonly sensorType: number;
  readonly eventReadingType: number;
  readonly name: string;
  readonly unit: string;
  /** Full records of analog sensors only. */
  readonly conversion?: Conversion;
}

const UNITS: readonly string[] = [
  'unspecified', 'degrees C', 'degrees F', 'degrees K', 'Volts', 'Amps', 'Watts', 'Joules', 'Coulombs', 'VA', 'Nits',
  'lumen', 'lux', 'Candela', 'kPa', 'PSI', 'Newton', 'CFM', 'RPM', 'Hz', 'microsecond', 'millisecond', 'second', 'minute',
  'hour', 'day', 'week', 'mil', 'inches', 'feet', 'cu in', 'cu feet', 'mm', 'cm', 'm', 'cu cm', 'cu m', 'liters',
  'fluid ounce', 'radians', 'steradians', 'revolutions', 'cycles', 'gravities', 'ounce', 'pound', 'ft-lb', 'oz-in',
  'gauss', 'gilberts', 'henry', 'millihenry', 'farad', 'microfarad', 'ohms', 'siemens', 'mole', 'becquerel', 'PPM',
  'reserved', 'Decibels', 'DbA', 'DbC', 'gray', 'sievert', 'color temp deg K', 'bit', 'kilobit', 'megabit', 'gigabit',
  'byte', 'kilobyte', 'megabyte', 'gigabyte', 'word', 'dword', 'qword', 'line', 'hit', 'miss', 'retry', 'reset',
  'overrun / overflow', 'underrun', 'collision', 'packets', 'messages', 'characters', 'error', 'correctable error',
  'uncorrectable error', 'fatal error', 'grams',
];

export function unitName(code: number): string {
  return UNITS[code] ?? `unit ${code}`;
}

function unitsOf(units1: number, base: number, modifier: number): string {
  if ((units1 & 0x01) !== 0) return '%';
  const baseName = unitName(base);
  switch ((units1 >> 1) & 0x03) {
    case 1:
      return `${baseName}/${unitName(modifier)}`;
    case 2:
      return `${baseName}*${unitName(modifier)}`;
    default:
      return baseName;
  }
}

export function kindOf(sensorType: number, unit: string): SensorKind {
  switch (sensorType) {
    case 0x01:
      return 'temperature';
    case 0x02:
      return 'voltage';
    case 0x03:
      return 'current';
    case 0x04:
      return 'fan';
    default:
      return unit === 'Watts' ? 'power' : 'other';
  }
}

/** An n-bit two's complement field as a signed number. */
export function signed(value: number, bits: number): number {
  return value & (1 << (bits - 1)) ? value - (1 << bits) : value;
}

/** The sensor record in one SDR, or undefined for record types that describe no readable sensor. */
export function parseSdr(record: Uint8Array, bmc: string): SensorRecord | undefined {
  const r = new ByteReader(record, bmc, 'SDR record');
  const recordId = r.u16le('record id');
  r.u8('SDR version');
  const recordType = r.u8('record type');
  const length = r.u8('record length');
  if (recordType !== SDR_FULL && recordType !== SDR_COMPACT) return undefined;
  if (length > r.remaining) r.fail(`the record says ${length} bytes follow the header, ${r.remaining} do`);
  const ownerId = r.u8('sensor owner id');
  const ownerLun = r.u8('sensor owner LUN') & 0x03;
  const sensorNumber = r.u8('sensor number');
  r.skip(4, 'entity and capabilities');
  const sensorType = r.u8('sensor type');
  const eventReadingType = r.u8('event/reading type');
  r.skip(6, 'event masks');
  const units1 = r.u8('sensor units 1');
  const unit = unitsOf(units1, r.u8('base unit'), r.u8('modifier unit'));
  let conversion: Conversion | undefined;
  if (recordType === SDR_FULL) {
    const linearization = r.u8('linearization') & 0x7f;
    const mLow = r.u8('M');
    const mHigh = r.u8('M, tolerance');
    const bLow = r.u8('B');
    const bHigh = r.u8('B, accuracy');
    r.u8('accuracy, direction');
    const exponents = r.u8('R exp, B exp');
    const format = (units1 >> 6) & 0x03;
    if (format !== 3) {
      conversion = {
        format: format === 0 ? 'unsigned' : format === 1 ? 'ones-complement' : 'twos-complement',
        m: signed(mLow | ((mHigh & 0xc0) << 2), 10),
        b: signed(bLow | ((bHigh & 0xc0) << 2), 10),
        rExp: signed(exponents >> 4, 4),
        bExp: signed(exponents & 0x0f, 4),
        linearization,
      };
    }
    r.skip(17, 'thresholds and hysteresis');
  } else {
    r.skip(8, 'sharing and hysteresis');
  }
  const name = r.remaining > 0 ? decodeTypeLength(r, 'sensor id string') : '';
  return {
    recordId,
    recordType,
    ownerId,
    ownerLun,
    sensorNumber,
    sensorType,
    eventReadingType,
    name: typeof name === 'string' && name !== '' ? name : `sensor ${sensorNumber}`,
    unit: conversion ? unit : 'states',
    ...(conversion ? { conversion } : {}),
  };
}

const LINEARIZATIONS: ReadonlyArray<(y: number) => number> = [
  (y) => y,
  Math.log,
  Math.log10,
  Math.log2,
  Math.exp,
  (y) => 10 ** y,
  (y) => 2 ** y,
  (y) => 1 / y,
  (y) => y * y,
  (y) => y * y * y,
  Math.sqrt,
  Math.cbrt,
];

/** The reading in the sensor's unit, or undefined for a non-linear (70h–7Fh) or unknown linearization. */
export function convertReading(raw: number, c: Conversion): number | undefined {
  const x = c.format === 'unsigned' ? raw & 0xff : c.format === 'twos-complement' ? signed(raw & 0xff, 8) : onesComplement(raw & 0xff);
  const f = LINEARIZATIONS[c.linearization];
  if (!f) return undefined;
  const y = f((c.m * x + c.b * 10 ** c.bExp) * 10 ** c.rExp);
  return Number.isFinite(y) ? Number(y.toPrecision(12)) : undefined;
}

function onesComplement(value: number): number {
  return value & 0x80 ? -(~value & 0x7f) : value;
}

export interface SensorReadingData {
  readonly raw: number;
  /** False when the reading is unavailable or the sensor is not scanning. */
  readonly valid: boolean;
  /** Threshold comparison bits (byte 3), or discrete state bits 0–14. */
  readonly states: number;
}

export function parseSensorReading(data: Uint8Array, bmc: string): SensorReadingData {
  const r = new ByteReader(data, bmc, 'Get Sensor Reading response');
  const raw = r.u8('reading');
  const flags = r.u8('reading flags');
  const low = r.remaining > 0 ? r.u8('state bits') : 0;
  const high = r.remaining > 0 ? r.u8('state bits 8-14') & 0x7f : 0;
  return { raw, valid: (flags & 0x20) === 0 && (flags & 0x40) !== 0, states: low | (high << 8) };
}

/** Status from threshold comparison bits: non-recoverable or critical → critical, non-critical → warning. */
export function thresholdStatus(states: number): 'ok' | 'warning' | 'critical' {
  if ((states & 0b110110) !== 0) return 'critical';
  if ((states & 0b001001) !== 0) return 'warning';
  return 'ok';
}
