/**
 * The draws (int, float, chance, pick, shuffle, exponential, normal, bytes)
 * that fault plans and lifecycle tables are built on. Statistical checks use
 * fixed seeds, so they are exact repeats, never flaky; their bounds are still
 * the ones a fair source passes with overwhelming probability (chi-square at
 * p = 0.001, means within many standard errors), so any seed would do.
 *
 * Run: npx vitest run test/sim/random/distributions.test.ts
 */
import { describe, expect, it } from 'vitest';
import { CryptoRandom, InvalidArgumentError, SeededRandom, type Random } from '../../../sim/index.js';

/** Chi-square statistic of observed counts against equal expected counts. */
function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

function stats(values: readonly number[]): { mean: number; stddev: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, stddev: Math.sqrt(variance) };
}

/** A source that always yields the same word: pins the edges of the float-based draws. */
class ConstantWord extends SeededRandom {
  constructor(private readonly word: number) {
    super(0);
  }
  override uint32(): number {
    return this.word;
  }
}

const implementations: Array<[string, () => Random]> = [
  ['SeededRandom', () => new SeededRandom('0xd15c0')],
  ['CryptoRandom', () => new CryptoRandom()],
];

describe.each(implementations)('%s: ranges and arguments', (_name, make) => {
  it('uint32 yields integers in [0, 2^32)', () => {
    const random = make();
    for (let i = 0; i < 5_000; i++) {
      const x = random.uint32();
      expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
    }
  });

  it('int(min, max) stays within both bounds and reaches both', () => {
    const random = make();
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const x = random.int(-3, 3);
      expect(Number.isInteger(x) && x >= -3 && x <= 3).toBe(true);
      seen.add(x);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(random.int(5, 5)).toBe(5);
    for (let i = 0; i < 200; i++) {
      const full = random.int(0, 2 ** 32 - 1);
      expect(full >= 0 && full <= 2 ** 32 - 1).toBe(true);
      const signed = random.int(-(2 ** 31), 2 ** 31 - 1);
      expect(signed >= -(2 ** 31) && signed <= 2 ** 31 - 1).toBe(true);
      const high = random.int(Number.MAX_SAFE_INTEGER - 10, Number.MAX_SAFE_INTEGER);
      expect(high >= Number.MAX_SAFE_INTEGER - 10 && high <= Number.MAX_SAFE_INTEGER).toBe(true);
    }
  });

  it('float yields values in [0, 1)', () => {
    const random = make();
    for (let i = 0; i < 5_000; i++) {
      const x = random.float();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });

  it('chance(0) is never true and chance(1) always', () => {
    const random = make();
    for (let i = 0; i < 5_000; i++) {
      expect(random.chance(0)).toBe(false);
      expect(random.chance(1)).toBe(true);
    }
  });

  it('pick returns one of the items and can return each of them', () => {
    const random = make();
    const items = ['dell', 'hpe', 'lenovo', 'supermicro'] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) seen.add(random.pick(items));
    expect([...seen].sort()).toEqual([...items].sort());
    expect(random.pick(['only'])).toBe('only');
  });

  it('shuffle returns a permutation and leaves its input untouched', () => {
    const random = make();
    const input = Object.freeze(Array.from({ length: 50 }, (_, i) => i));
    const shuffled = random.shuffle(input);
    expect(shuffled).not.toBe(input);
    expect([...shuffled].sort((a, b) => a - b)).toEqual([...input]);
    expect(input).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(random.shuffle([])).toEqual([]);
    expect(random.shuffle(['x'])).toEqual(['x']);
  });

  it('exponential and normal yield finite values of the right sign', () => {
    const random = make();
    for (let i = 0; i < 2_000; i++) {
      const e = random.exponential(30_000);
      expect(Number.isFinite(e) && e >= 0).toBe(true);
      expect(Number.isFinite(random.normal())).toBe(true);
    }
    expect(random.normal(7, 0)).toBe(7);
  });

  it('bytes returns exactly the requested length', () => {
    const random = make();
    for (const length of [0, 1, 3, 4, 5, 8, 17, 1_000]) {
      const out = random.bytes(length);
      expect(out).toBeInstanceOf(Uint8Array);
      expect(out.length).toBe(length);
    }
  });

  it.each<[string, (random: Random) => unknown]>([
    ['int(1, 0): min above max', (r) => r.int(1, 0)],
    ['int(0.5, 2): a fractional bound', (r) => r.int(0.5, 2)],
    ['int(NaN, 1)', (r) => r.int(Number.NaN, 1)],
    ['int(0, Infinity)', (r) => r.int(0, Number.POSITIVE_INFINITY)],
    ['int(0, 2^32): more than 2^32 values', (r) => r.int(0, 2 ** 32)],
    ['chance(-0.1)', (r) => r.chance(-0.1)],
    ['chance(1.1)', (r) => r.chance(1.1)],
    ['chance(NaN)', (r) => r.chance(Number.NaN)],
    ['pick([])', (r) => r.pick([])],
    ['exponential(0)', (r) => r.exponential(0)],
    ['exponential(-1)', (r) => r.exponential(-1)],
    ['exponential(NaN)', (r) => r.exponential(Number.NaN)],
    ['exponential(Infinity)', (r) => r.exponential(Number.POSITIVE_INFINITY)],
    ['normal(NaN)', (r) => r.normal(Number.NaN)],
    ['normal(0, -1)', (r) => r.normal(0, -1)],
    ['normal(0, Infinity)', (r) => r.normal(0, Number.POSITIVE_INFINITY)],
    ['bytes(-1)', (r) => r.bytes(-1)],
    ['bytes(1.5)', (r) => r.bytes(1.5)],
    ['bytes(NaN)', (r) => r.bytes(Number.NaN)],
    ['fork("")', (r) => r.fork('')],
  ])('%s throws InvalidArgumentError', (_what, call) => {
    const random = make();
    expect(() => call(random)).toThrow(InvalidArgumentError);
  });

  it('error messages name the call and the rule', () => {
    const random = make();
    expect(() => random.int(3, 1)).toThrow(/^int\(3, 1\): bounds must be safe integers with min ≤ max/);
    expect(() => random.chance(2)).toThrow(/^chance\(2\): p must be a probability between 0 and 1/);
    expect(() => random.bytes(-1)).toThrow(/^bytes\(-1\): length must be an integer ≥ 0/);
  });
});

describe('SeededRandom: distributions (fixed seeds)', () => {
  it('int is uniform: chi-square over 10 values and 100k draws stays under the p=0.001 bound', () => {
    for (const seed of [1, 2, 3]) {
      const random = new SeededRandom(seed).fork('int');
      const counts = new Array<number>(10).fill(0);
      for (let i = 0; i < 100_000; i++) counts[random.int(0, 9)]!++;
      expect(chiSquare(counts)).toBeLessThan(27.88); // 9 degrees of freedom
    }
  });

  it('int has no modulo bias on a range that does not divide 2^32', () => {
    // With plain `x % range`, values below 2^30 would come up half the time instead of a third.
    const random = new SeededRandom(17);
    const range = 3 * 2 ** 30;
    let low = 0;
    const n = 30_000;
    for (let i = 0; i < n; i++) if (random.int(0, range - 1) < 2 ** 30) low++;
    expect(Math.abs(low / n - 1 / 3)).toBeLessThan(0.015);
  });

  it('float is uniform over [0, 1): chi-square over 20 buckets, and it uses more than 32 bits', () => {
    const random = new SeededRandom(4);
    const counts = new Array<number>(20).fill(0);
    let fineGrained = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = random.float();
      counts[Math.floor(x * 20)]!++;
      if (!Number.isInteger(x * 2 ** 32)) fineGrained++;
    }
    expect(chiSquare(counts)).toBeLessThan(43.82); // 19 degrees of freedom
    expect(fineGrained).toBeGreaterThan(99_000);
  });

  it('float stays below 1 and chance(1) holds even when the source yields all ones; all zeros give 0', () => {
    const ones = new ConstantWord(0xffff_ffff);
    expect(ones.float()).toBe(1 - 2 ** -53);
    expect(ones.chance(1)).toBe(true);
    expect(Number.isFinite(ones.exponential(10))).toBe(true);
    expect(Number.isFinite(ones.normal())).toBe(true);
    const zeros = new ConstantWord(0);
    expect(zeros.float()).toBe(0);
    expect(zeros.chance(0)).toBe(false);
    expect(zeros.exponential(10) === 0).toBe(true); // -0 here; both print as 0
    expect(Number.isFinite(zeros.normal())).toBe(true);
  });

  it('chance(p) comes up with frequency p', () => {
    const random = new SeededRandom(5);
    for (const p of [0.01, 0.3, 0.5, 0.9]) {
      let hits = 0;
      for (let i = 0; i < 50_000; i++) if (random.chance(p)) hits++;
      expect(Math.abs(hits / 50_000 - p)).toBeLessThan(0.01);
    }
  });

  it('pick is uniform over its items', () => {
    const random = new SeededRandom(6);
    const counts = new Array<number>(7).fill(0);
    const items = [0, 1, 2, 3, 4, 5, 6];
    for (let i = 0; i < 70_000; i++) counts[random.pick(items)]!++;
    expect(chiSquare(counts)).toBeLessThan(22.46); // 6 degrees of freedom
  });

  it('shuffle makes every permutation equally likely', () => {
    const random = new SeededRandom(7);
    const counts = new Map<string, number>();
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const key = random.shuffle(['a', 'b', 'c']).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['abc', 'acb', 'bac', 'bca', 'cab', 'cba']);
    expect(chiSquare([...counts.values()])).toBeLessThan(20.52); // 5 degrees of freedom
  });

  it('shuffle is deterministic for a seed', () => {
    const items = Array.from({ length: 20 }, (_, i) => `node-${i}`);
    expect(new SeededRandom(8).shuffle(items)).toEqual(new SeededRandom(8).shuffle(items));
    expect(new SeededRandom(8).shuffle(items)).not.toEqual(new SeededRandom(9).shuffle(items));
  });

  it('exponential(mean) averages to mean within 2% over 100k draws, with median mean·ln 2', () => {
    for (const mean of [1, 250, 86_400_000]) {
      const random = new SeededRandom(10).fork(`exp-${mean}`);
      const values = Array.from({ length: 100_000 }, () => random.exponential(mean));
      expect(Math.abs(stats(values).mean / mean - 1)).toBeLessThan(0.02);
      values.sort((a, b) => a - b);
      expect(Math.abs(values[50_000]! / (mean * Math.LN2) - 1)).toBeLessThan(0.03);
    }
  });

  it('normal(mean, stddev) has that mean and standard deviation, and the 68% rule holds', () => {
    const random = new SeededRandom(11);
    const values = Array.from({ length: 100_000 }, () => random.normal(10, 3));
    const { mean, stddev } = stats(values);
    expect(Math.abs(mean - 10)).toBeLessThan(0.05);
    expect(Math.abs(stddev / 3 - 1)).toBeLessThan(0.02);
    const within = values.filter((v) => Math.abs(v - 10) < 3).length / values.length;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.01);
  });

  it('normal() defaults to mean 0 and standard deviation 1', () => {
    const random = new SeededRandom(12);
    const { mean, stddev } = stats(Array.from({ length: 100_000 }, () => random.normal()));
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(stddev - 1)).toBeLessThan(0.02);
  });

  it('bytes are deterministic for a seed, differ between seeds, and cover all byte values evenly', () => {
    expect(new SeededRandom(13).bytes(33)).toEqual(new SeededRandom(13).bytes(33));
    expect(new SeededRandom(13).bytes(33)).not.toEqual(new SeededRandom(14).bytes(33));
    // A short request is a prefix of a longer one: no draws are wasted or reordered.
    expect(Array.from(new SeededRandom(13).bytes(33)).slice(0, 5)).toEqual(Array.from(new SeededRandom(13).bytes(5)));
    const counts = new Array<number>(256).fill(0);
    for (const byte of new SeededRandom(15).bytes(256_000)) counts[byte]!++;
    expect(chiSquare(counts)).toBeLessThan(330.52); // 255 degrees of freedom
  });
});
