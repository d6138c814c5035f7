import { InvalidArgumentError } from '../errors.js';

/** A seed as users write it: a number, a bigint, or a decimal or 0x-hex string. */
export type SeedInput = number | bigint | string;

const MAX_SEED = (1n << 64n) - 1n;

/** Parses a seed into a 64-bit value; rejects anything else with the fix. */
export function parseSeed(input: SeedInput): bigint {
  let value: bigint;
  try {
    if (typeof input === 'bigint') value = input;
    else if (typeof input === 'number') {
      if (!Number.isSafeInteger(input)) throw new Error('not a safe integer');
      value = BigInt(input);
    } else {
      const text = input.trim();
      if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(text)) throw new Error('not a number');
      value = BigInt(text);
    }
  } catch {
    throw new InvalidArgumentError(`seed: ${JSON.stringify(String(input))} is not a seed — pass an integer such as 42 or 0x5eed`);
  }
  if (value < 0n || value > MAX_SEED) {
    throw new InvalidArgumentError(`seed: ${String(input)} is out of range — pass an integer from 0 to 2^64-1`);
  }
  return value;
}

/** The canonical spelling of a seed, as printed in replay commands. */
export function formatSeed(seed: bigint): string {
  return `0x${seed.toString(16)}`;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * 128 bits of well-mixed state from a seed and a fork path: four FNV-1a lanes
 * with distinct offsets over the UTF-8 text, cross-mixed with the MurmurHash3
 * finaliser so that nearby seeds and labels give unrelated streams.
 */
export function streamState(seed: bigint, path: string): [number, number, number, number] {
  const text = new TextEncoder().encode(`${formatSeed(seed)}/${path}`);
  let a = 0x811c_9dc5;
  let b = 0x2545_f491;
  let c = 0x9e37_79b9;
  let d = 0x5bd1_e995;
  for (const byte of text) {
    a = Math.imul(a ^ byte, 0x0100_0193);
    b = Math.imul(b ^ byte, 0x0100_01b3);
    c = Math.imul(c ^ byte, 0x0100_0199);
    d = Math.imul(d ^ byte, 0x0100_01a3);
  }
  a = fmix32(a ^ d);
  b = fmix32(b ^ a);
  c = fmix32(c ^ b);
  d = fmix32(d ^ c);
  if ((a | b | c | d) === 0) a = 1;
  return [a, b, c, d];
}
