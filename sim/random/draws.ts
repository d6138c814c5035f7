import { InvalidArgumentError } from '../errors.js';
import type { Random } from './random.js';

const TWO_POW_32 = 0x1_0000_0000;

/**
 * The distributions, written once over a source of uniform 32-bit words so that
 * the seeded and the crypto streams share them.
 */
export abstract class UniformSource implements Random {
  abstract readonly path: string;
  abstract fork(label: string): Random;
  abstract uint32(): number;

  float(): number {
    const high = this.uint32() >>> 5;
    const low = this.uint32() >>> 6;
    return (high * 67_108_864 + low) / 9_007_199_254_740_992;
  }

  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new InvalidArgumentError(`int(${min}, ${max}): bounds must be safe integers with min ≤ max`);
    }
    const range = max - min + 1;
    if (range > TWO_POW_32) {
      throw new InvalidArgumentError(`int(${min}, ${max}): the range exceeds 2^32 values — draw in two parts`);
    }
    // Rejection sampling keeps every value equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % range);
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return min + (x % range);
  }

  chance(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new InvalidArgumentError(`chance(${p}): p must be a probability between 0 and 1`);
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new InvalidArgumentError('pick([]): there is nothing to pick from — pass at least one item');
    return items[this.int(0, items.length - 1)]!;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }

  exponential(mean: number): number {
    if (!(mean > 0) || !Number.isFinite(mean)) throw new InvalidArgumentError(`exponential(${mean}): the mean must be a finite number > 0`);
    return -mean * Math.log(1 - this.float());
  }

  normal(mean = 0, stddev = 1): number {
    if (!Number.isFinite(mean) || !(stddev >= 0) || !Number.isFinite(stddev)) {
      throw new InvalidArgumentError(`normal(${mean}, ${stddev}): mean must be finite and stddev a finite number ≥ 0`);
    }
    const u1 = 1 - this.float();
    const u2 = this.float();
    return mean + stddev * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  bytes(length: number): Uint8Array {
    checkByteLength(length);
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      let word = this.uint32();
      for (let k = 0; k < 4 && i + k < length; k++) {
        out[i + k] = word & 0xff;
        word >>>= 8;
      }
    }
    return out;
  }
}

/** Shared by every source's `bytes`, so that a bad length fails the same way everywhere. */
export function checkByteLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 0) throw new InvalidArgumentError(`bytes(${length}): length must be an integer ≥ 0`);
}

export function childPath(parent: string, label: string): string {
  if (typeof label !== 'string' || label.length === 0) {
    throw new InvalidArgumentError('fork(label): the label must be a non-empty string such as "bmc:r1-s3"');
  }
  return parent === '' ? label : `${parent}/${label}`;
}
