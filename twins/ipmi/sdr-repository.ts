import type { SensorEntity, SensorKind, SensorSpec, SensorThresholds } from '../server/index.js';
import { u16 } from './bytes.js';

/**
 * The Sensor Data Record repository (IPMI v2.0 §43): one Full Sensor Record
 * (type 01h) per threshold sensor of the server, numbered from 1 in spec order,
 * then a FRU Device Locator (type 11h) for the built-in FRU device 0.
 *
 * Linearisation is linear with B = 0: reading = M × raw × 10^R, where M × 10^R
 * is the smallest "1–9 × a power of ten" resolution that fits 120% of the
 * sensor's largest value in one byte (at least 1 °C for temperatures).
 */
const SDR_VERSION = 0x51;
const BMC_ADDRESS = 0x20;

const ENTITY_IDS: Readonly<Record<SensorEntity, number>> = { inlet: 0x37, cpu: 0x03, fan: 0x1d, psu: 0x0a, board: 0x07 };
/**
 * Sensor type codes (table 42-3). IPMI has no "power" type: 03h is Current, so a
 * reading in Watts is an Other Units-based Sensor (0Bh), its unit in the SDR.
 */
const SENSOR_TYPES: Readonly<Record<SensorKind, number>> = { temperature: 0x01, voltage: 0x02, power: 0x0b, fan: 0x04 };
export function sensorTypeOf(spec: SensorSpec): number {
  return SENSOR_TYPES[spec.kind];
}

/** IPMI unit type codes (table 43-15). */
const UNIT_CODES: Readonly<Record<SensorKind, number>> = { temperature: 1, voltage: 4, power: 6, fan: 18 };
const MIN_RESOLUTION: Readonly<Record<SensorKind, number>> = { temperature: 1, voltage: 0, power: 0, fan: 0 };

export interface Linearisation {
  readonly m: number;
  /** Result exponent R, −8 … 7. */
  readonly r: number;
}

export function linearisationFor(spec: SensorSpec): Linearisation {
  const t = spec.thresholds;
  const largest = Math.max(spec.onValue, spec.offValue, t.upperCritical ?? 0, t.upperNonCritical ?? 0, t.lowerNonCritical ?? 0, t.lowerCritical ?? 0);
  const needed = Math.max((largest * 1.2) / 255, MIN_RESOLUTION[spec.kind], 1e-3);
  for (let r = -3; r <= 4; r++) {
    for (let m = 1; m <= 9; m++) if (m * 10 ** r >= needed - 1e-12) return { m, r };
  }
  return { m: 9, r: 4 };
}

export function toRaw(value: number, lin: Linearisation): number {
  return Math.max(0, Math.min(255, Math.round(value / (lin.m * 10 ** lin.r))));
}

/** Threshold order of Get Sensor Thresholds and the SDR: LNC, LC, LNR, UNC, UC, UNR (bits 0–5). */
const THRESHOLD_KEYS: ReadonlyArray<keyof SensorThresholds | undefined> = ['lowerNonCritical', 'lowerCritical', undefined, 'upperNonCritical', 'upperCritical', undefined];

export interface RawThresholds {
  /** Bits 0–5 set for each threshold the sensor has. */
  readonly mask: number;
  /** LNC, LC, LNR, UNC, UC, UNR as raw readings (0 where absent). */
  readonly values: readonly number[];
}

export function rawThresholds(spec: SensorSpec, lin = linearisationFor(spec)): RawThresholds {
  let mask = 0;
  const values = THRESHOLD_KEYS.map((key, bit) => {
    const value = key === undefined ? undefined : spec.thresholds[key];
    if (value === undefined) return 0;
    mask |= 1 << bit;
    return toRaw(value, lin);
  });
  return { mask, values };
}

/** Threshold comparison status bits (Get Sensor Reading byte 3) for a raw reading. */
export function thresholdStatus(raw: number, thresholds: RawThresholds): number {
  const [lnc, lc, , unc, uc] = thresholds.values as [number, number, number, number, number, number];
  const has = (bit: number): boolean => (thresholds.mask & (1 << bit)) !== 0;
  let status = 0;
  if (has(0) && raw <= lnc) status |= 0x01;
  if (has(1) && raw <= lc) status |= 0x02;
  if (has(3) && raw >= unc) status |= 0x08;
  if (has(4) && raw >= uc) status |= 0x10;
  return status;
}

function idString(text: string): number[] {
  const bytes = Array.from(text.slice(0, 16), (c) => c.charCodeAt(0) & 0xff);
  return [0xc0 | bytes.length, ...bytes];
}

function record(recordId: number, type: number, body: readonly number[]): Uint8Array {
  return Uint8Array.from([...u16(recordId), SDR_VERSION, type, body.length, ...body]);
}

export function fullSensorRecord(recordId: number, sensorNumber: number, spec: SensorSpec): Uint8Array {
  const lin = linearisationFor(spec);
  const thresholds = rawThresholds(spec, lin);
  const lowerReadable = thresholds.mask & 0x07;
  const upperReadable = (thresholds.mask >> 3) & 0x07;
  // Assertion events: "going low" for lower thresholds (bits 0, 2, 4), "going high" for upper ones (7, 9, 11).
  let events = 0;
  for (let i = 0; i < 3; i++) {
    if (lowerReadable & (1 << i)) events |= 1 << (i * 2);
    if (upperReadable & (1 << i)) events |= 1 << (7 + i * 2);
  }
  // Bits 14:12 of the masks: which comparisons Get Sensor Reading returns (LNC/LC/LNR, UNC/UC/UNR).
  const assertion = events | (lowerReadable << 12);
  const deassertion = events | (upperReadable << 12);
  const m = lin.m & 0x3ff;
  const body = [
    BMC_ADDRESS, 0x00, sensorNumber,
    ENTITY_IDS[spec.entity], spec.instance,
    0x7f, // initialisation: scanning, events, thresholds, hysteresis, type; events and scanning on
    0x44, // capabilities: auto re-arm, thresholds readable, no hysteresis, per-threshold event control
    SENSOR_TYPES[spec.kind], 0x01, // threshold-based event/reading type
    ...u16(assertion), ...u16(deassertion), thresholds.mask, 0x00, // readable, none settable
    0x00, UNIT_CODES[spec.kind], 0x00, // unsigned, no rate or modifier unit
    0x00, // linear
    m & 0xff, (m >> 8) << 6, // M, tolerance 0
    0x00, 0x00, // B = 0, accuracy 0
    0x00, // accuracy, direction unspecified
    ((lin.r & 0x0f) << 4) | 0x00, // R exponent, B exponent 0
    0x00, 0x00, 0x00, 0x00, // no nominal / normal range
    0xff, 0x00, // sensor maximum, minimum
    thresholds.values[5]!, thresholds.values[4]!, thresholds.values[3]!, thresholds.values[2]!, thresholds.values[1]!, thresholds.values[0]!,
    0x00, 0x00, // hysteresis
    0x00, 0x00, 0x00, // reserved, OEM
    ...idString(spec.name),
  ];
  return record(recordId, 0x01, body);
}

export function fruDeviceLocatorRecord(recordId: number, fruId: number, name: string): Uint8Array {
  const body = [
    BMC_ADDRESS, fruId, 0x80, 0x00, // logical FRU device, LUN 0, private bus 0; channel 0
    0x00, 0x10, 0x00, // reserved, IPMI FRU inventory, no modifier
    0x07, 0x01, 0x00, // system board, instance 1, OEM
    ...idString(name),
  ];
  return record(recordId, 0x11, body);
}

export interface SdrRepository {
  /** Records in order; record ids are 1…n. */
  readonly records: readonly Uint8Array[];
  /** Sensor number → spec. */
  readonly sensors: ReadonlyMap<number, SensorSpec>;
}

export function buildSdrRepository(specs: readonly SensorSpec[]): SdrRepository {
  const sensors = new Map<number, SensorSpec>();
  const records = specs.map((spec, i) => {
    sensors.set(i + 1, spec);
    return fullSensorRecord(i + 1, i + 1, spec);
  });
  records.push(fruDeviceLocatorRecord(records.length + 1, 0, 'Builtin FRU'));
  return { records, sensors };
}
