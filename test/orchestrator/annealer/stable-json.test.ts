/**
 * The digests that decide whether a node-role re-runs are hashes of
 * `stableJson`: it must print exactly what JSON.stringify prints for the same
 * value with its keys sorted, or an upgrade would re-run every converged layer.
 *
 * On failure fast-check prints `{ seed, path }`; replay one by passing them to
 * the failing `fc.assert` as `{ seed, path, endOnFailure: true }` and running
 * `npx vitest run test/orchestrator/annealer/stable-json.test.ts`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stableJson } from '../../../orchestrator/index.js';

/** What the digests have always been made of: JSON.stringify with a replacer that sorts each object's keys. */
function sortedByReplacer(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

describe('stableJson', () => {
  it('prints what JSON.stringify prints for the key-sorted value, for any data a run may take as input', () => {
    const leaf = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.double(), fc.date({ noInvalidDate: true }), fc.string({ unit: 'binary' }));
    const data = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value')), fc.dictionary(fc.string({ unit: 'binary' }), tie('value'))),
    })).value;
    fc.assert(
      fc.property(data, (value) => {
        expect(stableJson(value)).toBe(sortedByReplacer(value) ?? 'null');
      }),
      { numRuns: 2_000 },
    );
  });

  it('sorts keys at every depth, so the same attributes in another order give the same text', () => {
    expect(stableJson({ b: 1, a: { d: [2, { f: 3, e: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"f":3}]},"b":1}');
    expect(stableJson({ a: 1, b: 2 })).toBe(stableJson({ b: 2, a: 1 }));
    // Keys that look like array indexes come first, in numeric order, as in any object JavaScript builds.
    expect(stableJson({ b: 1, 10: 'x', 2: 'y' })).toBe('{"2":"y","10":"x","b":1}');
  });
});
