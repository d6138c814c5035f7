/**
 * The digests that decide whether a node-role re-runs are hashes of
 * `stableJson`: it must print exactly what JSON.stringify prints for the same
 * value with its keys sorted, or an upgrade would re-run every converged layer.
 *
 * On failure fast-check prints `{ seed, path }`; replay one by passing them to
 * the failing `fc.assert` as `{ seed, path, endOnFailure: true }` and running
 * `npx vitest run test/orchestrator/annealer/stable-json.test.ts`.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveInputs, stableJson, type AnnealerView, type NodeRole } from '../../../orchestrator/index.js';
import { role } from './harness.js';

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

describe('input digests', () => {
  /** A node-role `site/app@n1` reading `inputs`, below parents that output `outputs` (one run's worth each). */
  function viewWith(inputs: Record<string, unknown>, outputs: Array<Record<string, unknown> | undefined>): { view: AnnealerView; nr: NodeRole } {
    const parentIds = outputs.map((_, i) => `site/p${i}@n1`);
    const nodeRole = (id: string, roleName: string, parents: string[], lastGood: NodeRole['lastGood']): NodeRole => ({
      id, deployment: 'site', role: roleName, node: 'n1', parents, softParents: [], state: { kind: 'active' }, attempts: 0, runCount: 1, lastGood, lastError: undefined, attributes: {},
    });
    const roles = new Map([['app', role('app', { inputs: Object.keys(inputs) })], ...outputs.map((_, i) => [`p${i}`, role(`p${i}`)] as const)]);
    const nr = { ...nodeRole('site/app@n1', 'app', [...parentIds].reverse(), undefined), attributes: inputs };
    const nodeRoles = new Map([[nr.id, nr], ...outputs.map((o, i) => [parentIds[i]!, nodeRole(parentIds[i]!, `p${i}`, [], o === undefined ? undefined : { digest: 'd', outputs: o })] as const)]);
    const view: AnnealerView = { nowMs: 0, roles, nodes: new Map(), deployments: new Map(), nodeRoles, limits: { maxRunning: 1, maxRunningPerNode: 1, leaseMs: 1 } };
    return { view, nr };
  }

  /** What a digest has always been: sha256 of the key-sorted JSON of the role, its inputs and each hard parent's outputs (null before a good run), parents by id. */
  function digestOracle(roleName: string, inputs: Record<string, unknown>, outputs: Array<Record<string, unknown> | undefined>): string {
    const parents = outputs.map((o, i) => [`site/p${i}@n1`, o ?? null]).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1));
    return createHash('sha256').update(sortedByReplacer({ role: roleName, inputs, parents })).digest('hex');
  }

  it('take an attribute named like something every object inherits as data, from the layer that has it', () => {
    const own = JSON.parse('{"__proto__": [1], "constructor": "from the node-role"}') as Record<string, unknown>;
    const { view, nr } = viewWith(own, []);
    expect(Object.entries(resolveInputs(view, nr).inputs)).toEqual([['__proto__', [1]], ['constructor', 'from the node-role']]);
    // Not set on the node-role: "toString" comes from the deployment, not from the node-role's prototype.
    const { view: base, nr: bare } = viewWith({}, []);
    const deployments = new Map([['site', { committed: true, paused: false, attributes: { toString: 'from the deployment' } }]]);
    const roles = new Map([...base.roles, ['app', role('app', { inputs: ['toString'] })]]);
    expect(resolveInputs({ ...base, roles, deployments }, bare).inputs).toEqual({ toString: 'from the deployment' });
  });

  it('are what they have always been, so an upgrade re-runs nothing that converged', () => {
    const json = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 });
    fc.assert(
      fc.property(json, fc.array(fc.option(json, { nil: undefined }), { maxLength: 4 }), (inputs, outputs) => {
        const { view, nr } = viewWith(inputs, outputs);
        expect(resolveInputs(view, nr).digest).toBe(digestOracle('app', inputs, outputs));
      }),
      { numRuns: 500 },
    );
    const { view, nr } = viewWith({ 'ntp.servers': ['10.0.0.1'] }, [{ 'os.id': 'bookworm' }, undefined]);
    expect(resolveInputs(view, nr).digest).toBe('770fe0b0fe2c854fd30252404107226445b5973864408f8861a2c2f6c5fbdd3d');
  });
});
