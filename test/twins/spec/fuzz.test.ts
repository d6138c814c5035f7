/**
 * The loader never throws anything but InvalidSpecError, whatever it is fed,
 * and its problems always read `path: problem — fix`; the full schema and the
 * loader agree on what is well-formed.
 *
 * Run: npx vitest run test/twins/spec/fuzz.test.ts
 *
 * On failure fast-check prints `{ seed: …, path: "…" }` with the shrunk
 * counterexample; to replay exactly that case, pass both to the property's
 * options, e.g.
 *   fc.assert(property, { seed: -1234567, path: "42:3:1", endOnFailure: true })
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InvalidSpecError, parseDatacenterSpec, resolveDatacenter } from '../../../twins/index.js';
import { miniSpec, splitProblem } from './spec-fixtures.js';

/** Loads or explains: any other outcome fails the property. */
function loadsOrExplains(load: () => unknown): void {
  try {
    load();
  } catch (error) {
    if (!(error instanceof InvalidSpecError)) throw error;
    expect(error.problems.length).toBeGreaterThan(0);
    for (const problem of error.problems) splitProblem(problem);
  }
}

/** A place in miniSpec() and a value to put there: near misses of the real shape. */
const PLACES = [
  ['seed'],
  ['fidelity'],
  ['bmcAddressing'],
  ['defaults', 'flavour'],
  ['defaults', 'credentials'],
  ['networks', 'admin', 'cidr'],
  ['networks', 'admin', 'vlan'],
  ['networks', 'admin', 'allocateFrom'],
  ['templates', 'mini-1u', 'heightU'],
  ['templates', 'mini-1u', 'nics'],
  ['templates', 'mini-1u', 'nics', 0, 'networks'],
  ['sites', 0, 'rows', 0, 'racks', 0, 'uHeight'],
  ['sites', 0, 'rows', 0, 'racks', 0, 'index'],
  ['sites', 0, 'rows', 0, 'racks', 0, 'servers', 1, 'unit'],
  ['sites', 0, 'rows', 0, 'racks', 0, 'servers', 1, 'bmc'],
  ['sites', 0, 'rows', 0, 'racks', 0, 'servers', 1, 'macs'],
  ['sites', 0, 'rows', 0, 'racks', 0, 'generate'],
  ['sites', 0, 'rows', 0, 'generate'],
  ['sites', 0, 'spines'],
] as const;

const NEAR_MISSES = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom<unknown>(0, 1, 2, 42, 64, 65, 255, 256, 4095, -1, 1.5, '', 'dmtf', 'x', '127.1.0.1', '127.65.0.0/16', '10.0.0.0/8', '02:00:00:00:00:01', [], {}, null),
  fc.record({ servers: fc.integer({ min: 0, max: 70 }), racks: fc.integer({ min: 0, max: 400 }), serversPerRack: fc.integer({ min: 0, max: 70 }), flavours: fc.constantFrom({ dmtf: 1 }, { 'ipmi-only': 0 }, {}) }, { requiredKeys: [] }),
);

/** Sets the value at `path`; a path through a value an earlier edit replaced is left alone. */
function setAt(target: unknown, path: readonly (string | number)[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[key] : undefined;
  if (typeof node === 'object' && node !== null) (node as Record<string | number, unknown>)[path.at(-1)!] = value;
}

describe('the spec loader under arbitrary input', () => {
  it('explains any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => loadsOrExplains(() => resolveDatacenter(value))), { numRuns: 300 });
  });

  it('explains any text as YAML', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => stringify(v))), (text) => loadsOrExplains(() => parseDatacenterSpec(text))), { numRuns: 300 });
  });

  it('explains a valid spec with up to three fields replaced by near misses', () => {
    const edit = fc.array(fc.tuple(fc.constantFrom(...PLACES), NEAR_MISSES), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(edit, fc.boolean(), (edits, viaYaml) => {
        const spec = miniSpec();
        for (const [path, value] of edits) setAt(spec, path, value);
        loadsOrExplains(() => (viaYaml ? parseDatacenterSpec(stringify(spec)) : resolveDatacenter(spec)));
      }),
      { numRuns: 400 },
    );
  });

  it('reports every problem with a line when the spec came from YAML', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PLACES), NEAR_MISSES, (path, value) => {
        const spec = miniSpec();
        setAt(spec, path, value);
        try {
          parseDatacenterSpec(stringify(spec));
        } catch (error) {
          if (!(error instanceof InvalidSpecError)) throw error;
          for (const d of error.details) expect(d.line, d.text).toBeGreaterThan(0);
        }
      }),
      { numRuns: 200 },
    );
  });
});
