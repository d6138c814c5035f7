/**
 * CryptoRandom: production randomness from the OS CSPRNG behind the same
 * Random interface. Shared range and argument checks live in
 * distributions.test.ts; this file covers what is specific to it. Frequency
 * bounds are ≥ 8 standard deviations wide, so they do not flap.
 *
 * Run: npx vitest run test/sim/random/crypto-random.test.ts
 */
import { describe, expect, it } from 'vitest';
import { CryptoRandom, InvalidArgumentError, type Random } from '../../../sim/index.js';

describe('CryptoRandom', () => {
  it('keeps drawing valid words across its buffer refills', () => {
    const random = new CryptoRandom();
    const seen = new Set<number>();
    for (let i = 0; i < 5_000; i++) {
      const x = random.uint32();
      expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
      seen.add(x);
    }
    // 5,000 draws from 2^32 values: a repeat is possible but a stuck or short buffer would show many.
    expect(seen.size).toBeGreaterThan(4_990);
  });

  it('draws are in range', () => {
    const random = new CryptoRandom();
    for (let i = 0; i < 2_000; i++) {
      const n = random.int(10, 20);
      expect(n >= 10 && n <= 20 && Number.isInteger(n)).toBe(true);
      const f = random.float();
      expect(f >= 0 && f < 1).toBe(true);
      expect(random.exponential(5) >= 0).toBe(true);
    }
  });

  it('is not a fixed sequence: two instances and two calls differ', () => {
    const a = new CryptoRandom();
    const b = new CryptoRandom();
    expect(Array.from({ length: 8 }, () => a.uint32())).not.toEqual(Array.from({ length: 8 }, () => b.uint32()));
    expect(a.bytes(32)).not.toEqual(a.bytes(32));
  });

  it('frequencies are plausible', () => {
    const random = new CryptoRandom();
    let heads = 0;
    let below = 0;
    for (let i = 0; i < 20_000; i++) {
      if (random.chance(0.5)) heads++;
      if (random.int(0, 3) === 0) below++;
    }
    expect(Math.abs(heads / 20_000 - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(below / 20_000 - 0.25)).toBeLessThan(0.03);
  });

  it('forks are named by their path and draw independently', () => {
    const root = new CryptoRandom();
    expect(root.path).toBe('');
    const fork: Random = root.fork('twin').fork('bmc:r1-s3');
    expect(fork).toBeInstanceOf(CryptoRandom);
    expect(fork.path).toBe('twin/bmc:r1-s3');
    const n = fork.int(1, 6);
    expect(n >= 1 && n <= 6).toBe(true);
    expect(fork.bytes(16).length).toBe(16);
    expect(() => root.fork('')).toThrow(InvalidArgumentError);
    expect(() => fork.fork('')).toThrow(/^fork\(label\): /);
  });

  it('bytes rejects a bad length the same way SeededRandom does', () => {
    const random = new CryptoRandom();
    expect(() => random.bytes(-1)).toThrow(InvalidArgumentError);
    expect(() => random.bytes(-1)).toThrow(/^bytes\(-1\): length must be an integer ≥ 0/);
    // Node's randomBytes would quietly round this down to 1 byte.
    expect(() => random.bytes(1.5)).toThrow(InvalidArgumentError);
    expect(random.bytes(0).length).toBe(0);
  });
});
