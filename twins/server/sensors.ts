import type { Random } from '../../sim/index.js';
import { InvalidTwinConfigError } from '../errors.js';

export type SensorKind = 'temperature' | 'fan' | 'power' | 'voltage';
/** What the sensor sits on; the IPMI side maps it to an entity id. */
export type SensorEntity = 'inlet' | 'cpu' | 'fan' | 'psu' | 'board';

export const SENSOR_UNITS: Readonly<Record<SensorKind, string>> = {
  temperature: 'degrees C',
  fan: 'RPM',
  power: 'Watts',
  voltage: 'Volts',
};

/** Threshold values in the sensor's units; absent means the sensor has none there. */
export interface SensorThresholds {
  readonly lowerCritical?: number;
  readonly lowerNonCritical?: number;
  readonly upperNonCritical?: number;
  readonly upperCritical?: number;
}

/**
 * One sensor's behaviour, as data. The reading relaxes towards `onValue` while
 * the host has power and towards `offValue` without, with time constant
 * `timeConstantMs`, plus seeded noise of `noise` (one standard deviation per step).
 */
export interface SensorSpec {
  /** Stable key, e.g. `cpu1-temp`. */
  readonly id: string;
  /** What a BMC prints, at most 16 characters: `CPU1 Temp`. */
  readonly name: string;
  readonly kind: SensorKind;
  readonly entity: SensorEntity;
  /** 1-based instance of the entity (CPU1, CPU2). */
  readonly instance: number;
  readonly onValue: number;
  readonly offValue: number;
  readonly noise: number;
  readonly timeConstantMs: number;
  /** False for sensors a real BMC cannot read while the host is off (CPU, fans, main rails). */
  readonly readableWhenOff: boolean;
  readonly thresholds: SensorThresholds;
}

export type SensorStatus = 'ok' | 'non-critical' | 'critical' | 'unavailable';

export interface SensorReading {
  readonly spec: SensorSpec;
  /** Undefined when the sensor cannot be read now. */
  readonly value: number | undefined;
  readonly status: SensorStatus;
}

/** A plausible 1U two-socket server. */
export const DEFAULT_SENSORS: readonly SensorSpec[] = [
  { id: 'inlet-temp', name: 'Inlet Temp', kind: 'temperature', entity: 'inlet', instance: 1, onValue: 23, offValue: 22, noise: 0.15, timeConstantMs: 120_000, readableWhenOff: true, thresholds: { upperNonCritical: 42, upperCritical: 47 } },
  { id: 'cpu1-temp', name: 'CPU1 Temp', kind: 'temperature', entity: 'cpu', instance: 1, onValue: 52, offValue: 24, noise: 0.6, timeConstantMs: 30_000, readableWhenOff: false, thresholds: { upperNonCritical: 85, upperCritical: 95 } },
  { id: 'cpu2-temp', name: 'CPU2 Temp', kind: 'temperature', entity: 'cpu', instance: 2, onValue: 49, offValue: 24, noise: 0.6, timeConstantMs: 30_000, readableWhenOff: false, thresholds: { upperNonCritical: 85, upperCritical: 95 } },
  { id: 'fan1', name: 'Fan1', kind: 'fan', entity: 'fan', instance: 1, onValue: 7_200, offValue: 0, noise: 60, timeConstantMs: 4_000, readableWhenOff: false, thresholds: { lowerCritical: 600, lowerNonCritical: 1_200 } },
  { id: 'fan2', name: 'Fan2', kind: 'fan', entity: 'fan', instance: 2, onValue: 7_000, offValue: 0, noise: 60, timeConstantMs: 4_000, readableWhenOff: false, thresholds: { lowerCritical: 600, lowerNonCritical: 1_200 } },
  { id: 'psu1-power', name: 'PSU1 Power', kind: 'power', entity: 'psu', instance: 1, onValue: 240, offValue: 14, noise: 6, timeConstantMs: 3_000, readableWhenOff: true, thresholds: { upperNonCritical: 700, upperCritical: 800 } },
  { id: 'psu1-vin', name: 'PSU1 Vin', kind: 'voltage', entity: 'psu', instance: 1, onValue: 229, offValue: 231, noise: 0.8, timeConstantMs: 10_000, readableWhenOff: true, thresholds: { lowerCritical: 180, lowerNonCritical: 190, upperNonCritical: 254, upperCritical: 264 } },
  { id: 'board-12v', name: '12V', kind: 'voltage', entity: 'board', instance: 1, onValue: 12.05, offValue: 0, noise: 0.03, timeConstantMs: 500, readableWhenOff: false, thresholds: { lowerCritical: 10.8, lowerNonCritical: 11.4, upperNonCritical: 12.6, upperCritical: 13.2 } },
];

/** Sensor physics advance in fixed steps anchored to the clock, so readings depend on time, not on who asks. */
export const SENSOR_STEP_MS = 1_000;
/** A longer gap is advanced through its last steps only; the model has long since settled by then. */
const MAX_STEPS_PER_ADVANCE = 600;

export function checkSensorSpecs(specs: readonly SensorSpec[], field = 'sensors'): readonly SensorSpec[] {
  const ids = new Set<string>();
  specs.forEach((s, i) => {
    const fail = (name: string, problem: string, fix: string): never => {
      throw new InvalidTwinConfigError(`${field}[${i}].${name}: ${problem} — ${fix}`);
    };
    if (!/^[a-z0-9][a-z0-9-]*$/.test(s.id)) fail('id', `${JSON.stringify(s.id)} is not a kebab-case key`, 'write e.g. cpu1-temp');
    if (ids.has(s.id)) fail('id', `${s.id} is used twice`, 'give every sensor its own id');
    ids.add(s.id);
    if (!/^[\x20-\x7e]{1,16}$/.test(s.name)) fail('name', `${JSON.stringify(s.name)} is not 1–16 printable ASCII characters`, 'shorten it');
    if (!Number.isInteger(s.instance) || s.instance < 1 || s.instance > 127) fail('instance', `${s.instance} is out of range`, 'use 1 to 127');
    for (const key of ['onValue', 'offValue', 'noise'] as const) if (!Number.isFinite(s[key]) || s[key] < 0) fail(key, `${s[key]} is not a number ≥ 0`, 'use a reading in the sensor units');
    if (!(s.timeConstantMs > 0)) fail('timeConstantMs', `${s.timeConstantMs} is not > 0`, 'use e.g. 30000');
  });
  return specs;
}

/** Where a value sits against the thresholds. */
export function sensorStatus(value: number, t: SensorThresholds): Exclude<SensorStatus, 'unavailable'> {
  if ((t.upperCritical !== undefined && value >= t.upperCritical) || (t.lowerCritical !== undefined && value <= t.lowerCritical)) return 'critical';
  if ((t.upperNonCritical !== undefined && value >= t.upperNonCritical) || (t.lowerNonCritical !== undefined && value <= t.lowerNonCritical)) return 'non-critical';
  return 'ok';
}

/** One sensor's physical state, advanced lazily in clock-anchored steps. */
export class SensorModel {
  private value: number;
  private stepIndex: number;
  /** A reading forced by a `sensor-excursion` fault, in the sensor's units. */
  excursion: number | undefined;

  constructor(
    readonly spec: SensorSpec,
    private readonly random: Random,
    nowMs: number,
    powered: boolean,
  ) {
    this.stepIndex = Math.floor(nowMs / SENSOR_STEP_MS);
    this.value = this.clamp((powered ? spec.onValue : spec.offValue) + random.normal(0, spec.noise));
  }

  /** Brings the model to `nowMs`, with `powered` having held since the last advance. */
  advance(nowMs: number, powered: boolean): void {
    const target = Math.floor(nowMs / SENSOR_STEP_MS);
    const steps = Math.min(target - this.stepIndex, MAX_STEPS_PER_ADVANCE);
    const goal = powered ? this.spec.onValue : this.spec.offValue;
    const pull = 1 - Math.exp(-SENSOR_STEP_MS / this.spec.timeConstantMs);
    // Per-step noise for which the settled reading wanders by `noise` (one standard deviation).
    const stepNoise = this.spec.noise * Math.sqrt(1 - (1 - pull) ** 2);
    for (let i = 0; i < steps; i++) {
      // Noise shrinks towards zero when the target is zero: a stopped fan does not jitter.
      const noise = goal === 0 && Math.abs(this.value) < this.spec.noise ? 0 : this.random.normal(0, stepNoise);
      this.value = this.clamp(this.value + (goal - this.value) * pull + noise);
    }
    this.stepIndex = Math.max(this.stepIndex, target);
  }

  read(powered: boolean): SensorReading {
    if (!powered && !this.spec.readableWhenOff) return { spec: this.spec, value: undefined, status: 'unavailable' };
    const value = this.excursion ?? this.value;
    return { spec: this.spec, value, status: sensorStatus(value, this.spec.thresholds) };
  }

  private clamp(value: number): number {
    return Math.max(0, value);
  }
}
