import type { Random } from '../../sim/index.js';
import { InvalidTwinConfigError } from '../errors.js';
import type { DurationRange } from '../server/index.js';

/**
 * How long a model machine takes for each step after POST, as data: a range
 * per step, drawn from the machine's own Random. `fast` keeps tests and
 * scenarios quick on the virtual clock; `realistic` is what real servers take.
 */
export interface MachineTimings {
  /** Loading the discovery image and collecting facts. */
  readonly discoveryMs: DurationRange;
  /** Writing the OS to the root disk. */
  readonly installMs: DurationRange;
  /** Wiping one disk, whatever its size: the secure erase command, zeroing the partition tables and boot records at both ends. */
  readonly wipeDiskMs: DurationRange;
  /** Wiping one disk, per (decimal) terabyte it holds: the part of an erase or discard that grows with the disk. */
  readonly wipeTerabyteMs: DurationRange;
  /** From the boot loader on disk to the OS running its services. */
  readonly diskBootMs: DurationRange;
  /** Installing or removing one package. */
  readonly packageMs: DurationRange;
  /** Writing a file, setting a hostname, adding a user. */
  readonly fileMs: DurationRange;
  /** Starting, stopping or restarting a service. */
  readonly serviceMs: DurationRange;
  /** Running a command or a check. */
  readonly commandMs: DurationRange;
  /** How long one HTTP request may take before the machine gives up on it. */
  readonly requestTimeoutMs: number;
}

const range = (minMs: number, maxMs: number): DurationRange => ({ minMs, maxMs });

export const MACHINE_TIMING_PROFILES = {
  fast: {
    discoveryMs: range(2_000, 4_000),
    installMs: range(20_000, 40_000),
    wipeDiskMs: range(500, 1_500),
    wipeTerabyteMs: range(500, 1_000),
    diskBootMs: range(3_000, 6_000),
    packageMs: range(1_000, 3_000),
    fileMs: range(20, 50),
    serviceMs: range(200, 500),
    commandMs: range(200, 1_000),
    requestTimeoutMs: 30_000,
  },
  realistic: {
    discoveryMs: range(30_000, 90_000),
    installMs: range(240_000, 600_000),
    wipeDiskMs: range(10_000, 30_000),
    wipeTerabyteMs: range(2_000, 10_000),
    diskBootMs: range(20_000, 60_000),
    packageMs: range(3_000, 20_000),
    fileMs: range(20, 100),
    serviceMs: range(500, 3_000),
    commandMs: range(500, 5_000),
    requestTimeoutMs: 30_000,
  },
} as const satisfies Record<string, MachineTimings>;

export type MachineTimingProfile = keyof typeof MACHINE_TIMING_PROFILES;

export function checkMachineTimings(timings: MachineTimings): MachineTimings {
  for (const [key, value] of Object.entries(timings)) {
    if (typeof value === 'number') {
      if (!Number.isFinite(value) || value <= 0) throw new InvalidTwinConfigError(`timings.${key}: ${value} is not a positive duration — use ms > 0`);
      continue;
    }
    const { minMs, maxMs } = value as DurationRange;
    if (!Number.isFinite(minMs) || !Number.isFinite(maxMs) || minMs < 0 || maxMs < minMs) {
      throw new InvalidTwinConfigError(`timings.${key}: ${minMs}–${maxMs} ms is not a range — use 0 ≤ minMs ≤ maxMs`);
    }
  }
  return timings;
}

export function drawDuration(random: Random, { minMs, maxMs }: DurationRange): number {
  return minMs === maxMs ? minMs : random.int(Math.round(minMs), Math.round(maxMs));
}
