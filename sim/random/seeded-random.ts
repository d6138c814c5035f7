import { childPath, UniformSource } from './draws.js';
import { formatSeed, parseSeed, streamState, type SeedInput } from './seed.js';

/**
 * A deterministic stream (xoshiro128**) whose state is derived from the seed and
 * the fork path alone. Fast: no allocation per draw.
 */
export class SeededRandom extends UniformSource {
  readonly seed: bigint;
  readonly path: string;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: SeedInput, path = '') {
    super();
    this.seed = parseSeed(seed);
    this.path = path;
    [this.s0, this.s1, this.s2, this.s3] = streamState(this.seed, path);
  }

  /** `seed=0x… path=…`: everything needed to recreate this stream. */
  describe(): string {
    return `seed=${formatSeed(this.seed)} path=${this.path === '' ? '(root)' : this.path}`;
  }

  fork(label: string): SeededRandom {
    return new SeededRandom(this.seed, childPath(this.path, label));
  }

  uint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
