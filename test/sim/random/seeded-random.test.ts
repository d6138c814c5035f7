/**
 * SeededRandom: one seed reproduces a run exactly, and named forks keep
 * components independent — adding a draw in one never shifts another's.
 *
 * Run: npx vitest run test/sim/random/seeded-random.test.ts
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, SeededRandom, type Random } from '../../../sim/index.js';

function words(random: Random, n: number): number[] {
  return Array.from({ length: n }, () => random.uint32());
}

/** Exercises every draw, so that a change in any of them shows up. */
function script(random: Random): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < 20; i++) {
    out.push(
      random.uint32(),
      random.float(),
      random.int(-5, 1_000),
      random.chance(0.3),
      random.pick(['a', 'b', 'c']),
      random.shuffle([1, 2, 3, 4, 5]),
      random.exponential(100),
      random.normal(5, 2),
      Array.from(random.bytes(7)),
    );
  }
  return out;
}

function hammingDistance(a: number, b: number): number {
  let x = (a ^ b) >>> 0;
  let bits = 0;
  while (x !== 0) {
    bits += x & 1;
    x >>>= 1;
  }
  return bits;
}

describe('SeededRandom: determinism', () => {
  it('the same seed gives the same sequence, across every kind of draw', () => {
    expect(script(new SeededRandom(1234))).toEqual(script(new SeededRandom(1234)));
    expect(words(new SeededRandom(1234), 10_000)).toEqual(words(new SeededRandom(1234), 10_000));
  });

  it('keeps the streams recorded seeds replay with (changing these breaks every saved replay)', () => {
    expect(words(new SeededRandom(42), 4)).toEqual([1040185791, 559875959, 2196582044, 2384974301]);
    expect(words(new SeededRandom(0), 4)).toEqual([3922814988, 4056297998, 4032605132, 3556181246]);
    expect(words(new SeededRandom(42).fork('bmc:r1-s3'), 4)).toEqual([1045962001, 1350533107, 4072117456, 2431219377]);
    expect(Buffer.from(new SeededRandom('0x5eed').bytes(8)).toString('hex')).toBe('26f295c022930007');
  });

  it('different seeds give different sequences', () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 500; seed++) seen.add(words(new SeededRandom(seed), 4).join(','));
    expect(seen.size).toBe(500);
    const a = words(new SeededRandom(42), 100);
    const b = words(new SeededRandom(43), 100);
    expect(a.filter((x, i) => x === b[i])).toEqual([]);
  });

  it('nearby seeds give unrelated first draws (about half the bits differ)', () => {
    let total = 0;
    const n = 2_000;
    for (let seed = 0; seed < n; seed++) {
      total += hammingDistance(new SeededRandom(seed).uint32(), new SeededRandom(seed + 1).uint32());
    }
    expect(total / n).toBeGreaterThan(15.5);
    expect(total / n).toBeLessThan(16.5);
  });
});

describe('SeededRandom: forks', () => {
  it('a fork’s stream does not depend on what the parent drew before or after forking', () => {
    const expected = words(new SeededRandom(7).fork('a'), 50);

    const parent = new SeededRandom(7);
    words(parent, 1_000);
    const fork = parent.fork('a');
    const got: number[] = [];
    for (let i = 0; i < 50; i++) {
      got.push(fork.uint32());
      parent.float();
      parent.bytes(3);
    }
    expect(got).toEqual(expected);
  });

  it('drawing from a sibling fork does not change a fork’s stream', () => {
    const expected = words(new SeededRandom(7).fork('a'), 50);
    const parent = new SeededRandom(7);
    const a = parent.fork('a');
    const b = parent.fork('b');
    const got: number[] = [];
    for (let i = 0; i < 50; i++) {
      words(b, 13);
      b.fork('child').uint32();
      got.push(a.uint32());
    }
    expect(got).toEqual(expected);
  });

  it('adding a consumer leaves the other consumers’ draws unchanged', () => {
    const run = (extraConsumer: boolean): number[][] => {
      const root = new SeededRandom('0x5eed');
      const bmc = root.fork('bmc:r1-s1');
      const network = root.fork('network');
      const extra = extraConsumer ? root.fork('faults') : undefined;
      const out: number[][] = [[], []];
      for (let i = 0; i < 30; i++) {
        if (extra) extra.int(0, 9);
        out[0]!.push(bmc.int(0, 1_000));
        if (extra) extra.normal();
        out[1]!.push(network.int(0, 1_000));
      }
      return out;
    };
    expect(run(true)).toEqual(run(false));
  });

  it('forking does not consume the parent’s draws', () => {
    const plain = new SeededRandom(99);
    const forked = new SeededRandom(99);
    forked.fork('x');
    forked.fork('y').uint32();
    expect(words(forked, 20)).toEqual(words(plain, 20));
  });

  it('the same label gives the same stream; fork("a").fork("b") equals fork("a/b")', () => {
    const root = new SeededRandom(5);
    expect(words(root.fork('a'), 20)).toEqual(words(root.fork('a'), 20));
    const nested = root.fork('a').fork('b');
    const flat = root.fork('a/b');
    expect(nested.path).toBe('a/b');
    expect(flat.path).toBe('a/b');
    expect(words(nested, 20)).toEqual(words(flat, 20));
    expect(words(new SeededRandom(5, 'a/b'), 20)).toEqual(words(root.fork('a').fork('b'), 20));
  });

  it('names its place in the fork tree', () => {
    const root = new SeededRandom(1);
    expect(root.path).toBe('');
    expect(root.fork('twin').path).toBe('twin');
    expect(root.fork('twin').fork('bmc:r1-s3').path).toBe('twin/bmc:r1-s3');
    expect(root.fork('twin').seed).toBe(1n);
  });

  it('different labels, the root and other seeds give different streams', () => {
    const root = new SeededRandom(11);
    const streams = new Map<string, string>();
    const add = (name: string, random: Random): void => {
      streams.set(name, words(random, 4).join(','));
    };
    add('(root)', new SeededRandom(11));
    for (const label of ['a', 'b', 'A', 'a ', 'ab', 'ba', 'a/b', 'b/a', 'bmc:r1-s1', 'bmc:r1-s2', 'bmc:r2-s1', 'network', 'é']) {
      add(label, root.fork(label));
    }
    add('a/a', root.fork('a').fork('a'));
    add('seed 12: a', new SeededRandom(12).fork('a'));
    expect(new Set(streams.values()).size).toBe(streams.size);
  });

  it('many sibling forks are unrelated (distinct draws, balanced bits)', () => {
    const root = new SeededRandom(3);
    const firsts = Array.from({ length: 2_000 }, (_, i) => root.fork(`server-${i}`).uint32());
    expect(new Set(firsts).size).toBe(firsts.length);
    let total = 0;
    for (let i = 1; i < firsts.length; i++) total += hammingDistance(firsts[i - 1]!, firsts[i]!);
    expect(total / (firsts.length - 1)).toBeGreaterThan(15.5);
    expect(total / (firsts.length - 1)).toBeLessThan(16.5);
  });

  it('refuses an empty label, with a message that shows a good one', () => {
    const root = new SeededRandom(1);
    expect(() => root.fork('')).toThrow(InvalidArgumentError);
    expect(() => root.fork('')).toThrow(/^fork\(label\): the label must be a non-empty string/);
    expect(() => root.fork('a').fork('')).toThrow(InvalidArgumentError);
    expect(() => root.fork(42 as unknown as string)).toThrow(InvalidArgumentError);
  });
});
