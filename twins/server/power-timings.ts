import { InvalidTwinConfigError } from '../errors.js';

/** A duration drawn uniformly from [minMs, maxMs] with the server's seeded Random. */
export interface DurationRange {
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * How long the simulated hardware takes: data, not code (CONVENTIONS "Lifecycles
 * as data"). POST is PoweringOn → On; soft off is the OS shutting down after an
 * ACPI request (PoweringOff → Off); a power cycle keeps power off for
 * `cycleOffMs` before powering on again.
 */
export interface PowerTimings {
  readonly postMs: DurationRange;
  readonly softOffMs: DurationRange;
  readonly cycleOffMs: number;
}

export type PowerTimingProfile = 'fast' | 'realistic';

export const POWER_TIMING_PROFILES: Readonly<Record<PowerTimingProfile, PowerTimings>> = {
  fast: { postMs: { minMs: 500, maxMs: 2_000 }, softOffMs: { minMs: 200, maxMs: 1_000 }, cycleOffMs: 200 },
  realistic: { postMs: { minMs: 60_000, maxMs: 180_000 }, softOffMs: { minMs: 10_000, maxMs: 45_000 }, cycleOffMs: 5_000 },
};

export function checkPowerTimings(timings: PowerTimings, field = 'timings'): PowerTimings {
  const range = (name: string, r: DurationRange): void => {
    if (!Number.isFinite(r.minMs) || !Number.isFinite(r.maxMs) || r.minMs < 0 || r.maxMs < r.minMs) {
      throw new InvalidTwinConfigError(`${field}.${name}: { minMs: ${r.minMs}, maxMs: ${r.maxMs} } is not a range — use 0 ≤ minMs ≤ maxMs`);
    }
  };
  range('postMs', timings.postMs);
  range('softOffMs', timings.softOffMs);
  if (!Number.isFinite(timings.cycleOffMs) || timings.cycleOffMs < 0) {
    throw new InvalidTwinConfigError(`${field}.cycleOffMs: ${timings.cycleOffMs} is not a duration — use a number of ms ≥ 0`);
  }
  return timings;
}
