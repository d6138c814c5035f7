/**
 * Seeds as users type them (`drill scenario run FILE --seed 0x5eed`): every
 * spelling of the same number gives the same run; anything else is refused
 * with a message that names `seed` and the fix.
 *
 * Property replay: fast-check prints `{ seed, path }` on failure; pass them as
 * `fc.assert(property, { seed, path, endOnFailure: true })` and run
 * `npx vitest run test/sim/random/seed.test.ts`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSeed, InvalidArgumentError, parseSeed, SeededRandom, type SeedInput } from '../../../sim/index.js';

const MAX_SEED = (1n << 64n) - 1n;

function draws(seed: SeedInput, n = 16): number[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: n }, () => random.uint32());
}

describe('parseSeed / formatSeed', () => {
  it.each<SeedInput>([42, 42n, '42', '0x2a', '0X2A', '0x002A', ' 42 ', '042'])('parses %s as 42', (input) => {
    expect(parseSeed(input)).toBe(42n);
  });

  it('accepts the whole 64-bit range, 0 to 2^64-1', () => {
    expect(parseSeed(0)).toBe(0n);
    expect(parseSeed('0')).toBe(0n);
    expect(parseSeed('0xffffffffffffffff')).toBe(MAX_SEED);
    expect(parseSeed(MAX_SEED)).toBe(MAX_SEED);
    expect(parseSeed('18446744073709551615')).toBe(MAX_SEED);
    expect(parseSeed(Number.MAX_SAFE_INTEGER)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it.each<[string, SeedInput]>([
    ['a word', 'abc'],
    ['a negative number', -1],
    ['a negative bigint', -1n],
    ['a negative string', '-1'],
    ['2^64 as a number', 2 ** 64],
    ['2^64 as a bigint', 1n << 64n],
    ['2^64 as hex', '0x10000000000000000'],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an empty string', ''],
    ['exponent notation', '1e3'],
    ['a bare 0x', '0x'],
    ['a bad hex digit', '0x1g'],
    ['two numbers', '4 2'],
    ['a decimal string', '4.2'],
  ])('rejects %s with InvalidArgumentError naming seed', (_what, input) => {
    expect(() => parseSeed(input)).toThrow(InvalidArgumentError);
    expect(() => parseSeed(input)).toThrow(/^seed: .*(is not a seed|is out of range) — pass an integer/);
    expect(() => new SeededRandom(input)).toThrow(/^seed: /);
  });

  it('rejects values that are not seeds at all at runtime', () => {
    for (const input of [null, undefined, {}, [], true]) {
      expect(() => parseSeed(input as unknown as SeedInput)).toThrow(InvalidArgumentError);
    }
  });

  it('formats a seed as lower-case hex, the spelling replay commands print', () => {
    expect(formatSeed(42n)).toBe('0x2a');
    expect(formatSeed(0n)).toBe('0x0');
    expect(formatSeed(MAX_SEED)).toBe('0xffffffffffffffff');
  });

  it('formatSeed and parseSeed round-trip every 64-bit seed (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_SEED }), (seed) => {
        expect(parseSeed(formatSeed(seed))).toBe(seed);
        expect(parseSeed(seed.toString())).toBe(seed);
      }),
    );
  });
});

describe('SeededRandom seeds', () => {
  it('42, 42n, "42" and "0x2a" give the same stream', () => {
    const expected = draws(42);
    for (const input of [42n, '42', '0x2a', '0X2A']) expect(draws(input)).toEqual(expected);
    expect(new SeededRandom('0x2a').seed).toBe(42n);
  });

  it('describes itself with everything needed to recreate the stream', () => {
    expect(new SeededRandom(42).describe()).toBe('seed=0x2a path=(root)');
    expect(new SeededRandom('0x5eed').fork('twin').fork('bmc:r1-s3').describe()).toBe('seed=0x5eed path=twin/bmc:r1-s3');
  });

  it('a description’s seed and path recreate the same stream', () => {
    const original = new SeededRandom(987_654_321).fork('network').fork('latency');
    const text = original.describe();
    const match = /^seed=(0x[0-9a-f]+) path=(.+)$/.exec(text);
    expect(match).not.toBeNull();
    const again = new SeededRandom(match![1]!, match![2]!);
    expect(Array.from({ length: 8 }, () => again.uint32())).toEqual(Array.from({ length: 8 }, () => original.uint32()));
  });

  it('the edge seeds 0 and 2^64-1 give working, different streams', () => {
    const zero = draws(0, 64);
    const max = draws(MAX_SEED, 64);
    expect(zero).not.toEqual(max);
    // Not stuck: xoshiro's all-zero state would return zeros forever.
    expect(new Set(zero).size).toBe(64);
    expect(new Set(max).size).toBe(64);
  });
});
