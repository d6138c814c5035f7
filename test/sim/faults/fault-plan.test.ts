/**
 * FaultPlan: what a user writing a fault plan sees. A valid plan survives a
 * round trip unchanged; a bad one is refused whole, with every problem listed at
 * once as `path: problem — fix`, naming the field to change.
 *
 * Run: npx vitest run test/sim/faults/fault-plan.test.ts
 *
 * The fuzz properties use fast-check. On failure fast-check prints
 * `{ seed: …, path: "…" }` with the shrunk counterexample; to replay exactly that
 * case, pass both to the property's options, e.g.
 *   fc.assert(property, { seed: -1234567, path: "42:3:1", endOnFailure: true })
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMPONENT_FAULT_KINDS,
  FaultPlan,
  InvalidFaultPlanError,
  SimError,
  type FaultPlanData,
  type FaultSpec,
} from '../../../sim/index.js';

/** A plan that uses every shape of fault and every optional field. */
const FULL_PLAN: FaultPlanData = {
  faults: [
    { id: 'slow-links', target: 'bmc:*', kind: 'latency', latencyMs: 40, jitterMs: 30 },
    { target: 'bmc:r1-*', kind: 'error', status: 503, probability: 0.05 },
    { target: 'addr:127.1.1.3:443', kind: 'reset', atMs: 1_500 },
    { id: 'rack-2-cut-off', target: 'bmc:r2-*', kind: 'drop', window: { fromMs: 5_000, toMs: 65_000 } },
    { id: 'disk', target: 'node:r1-s3', kind: 'disk-failure', atMs: 0, params: { disk: 'sdb', slot: 2, hot: true } },
  ],
};

interface Problem {
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
}

/** A field path as problems print it: `faults[2].window.toMs`, `extra`, `faults[0]["odd key"]`, or `(plan)`. */
const SEGMENT = String.raw`(?:[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])`;
const PROBLEM = new RegExp(String.raw`^(\(plan\)|${SEGMENT}(?:\.[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*): (.+?) — (\S.*)$`, 's');

/** Splits `path: problem — fix`; fails the test if a problem does not read that way. */
function splitProblem(text: string): Problem {
  const match = PROBLEM.exec(text);
  expect(match, `"${text}" should read "path: problem — fix"`).not.toBeNull();
  return { path: match![1]!, problem: match![2]!, fix: match![3]! };
}

/** The problems a rejected plan reports; fails if it was accepted or threw something else. */
function problemsOf(load: () => unknown): Problem[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidFaultPlanError);
    return (error as InvalidFaultPlanError).problems.map(splitProblem);
  }
  throw new Error('expected the plan to be rejected, but it loaded');
}

function pathsOf(problems: readonly Problem[]): string[] {
  return problems.map((p) => p.path);
}

describe('FaultPlan: valid plans', () => {
  it('round-trips through toJSON() and parse() unchanged', () => {
    const plan = FaultPlan.parse(FULL_PLAN);
    const again = FaultPlan.parse(plan.toJSON());
    expect(again.toJSON()).toEqual(plan.toJSON());
    expect(again.faults).toEqual(plan.faults);
  });

  it('round-trips through JSON text (fromJSON of JSON.stringify)', () => {
    const plan = FaultPlan.parse(FULL_PLAN);
    const text = JSON.stringify(plan);
    expect(FaultPlan.fromJSON(text).toJSON()).toEqual(plan.toJSON());
    expect(FaultPlan.fromJSON(JSON.stringify(FULL_PLAN)).toJSON()).toEqual(plan.toJSON());
  });

  it('keeps every field the user wrote', () => {
    const plan = FaultPlan.parse(FULL_PLAN);
    expect(plan.faults[3]).toEqual({ id: 'rack-2-cut-off', target: 'bmc:r2-*', kind: 'drop', window: { fromMs: 5_000, toMs: 65_000 } });
    expect(plan.faults[4]?.kind === 'disk-failure' && plan.faults[4].params).toEqual({ disk: 'sdb', slot: 2, hot: true });
  });

  it('names faults without an id fault-N by their position, and keeps explicit ids', () => {
    const plan = FaultPlan.parse(FULL_PLAN);
    expect(plan.faults.map((f) => f.id)).toEqual(['slow-links', 'fault-1', 'fault-2', 'rack-2-cut-off', 'disk']);
    // The filled-in ids are part of the serialised plan, so a reload names them the same.
    expect(plan.toJSON().faults.map((f) => f.id)).toEqual(['slow-links', 'fault-1', 'fault-2', 'rack-2-cut-off', 'disk']);
  });

  it('accepts an empty plan, and FaultPlan.empty() is one', () => {
    expect(FaultPlan.parse({ faults: [] }).faults).toEqual([]);
    expect(FaultPlan.empty().toJSON()).toEqual({ faults: [] });
  });

  it('accepts every component fault kind', () => {
    const plan = FaultPlan.parse({ faults: COMPONENT_FAULT_KINDS.map((kind) => ({ target: 'node:*', kind, ...(kind === 'package-fail' ? { params: { package: 'nginx' } } : {}) })) });
    expect(plan.faults.map((f) => f.kind)).toEqual([...COMPONENT_FAULT_KINDS]);
  });

  it('accepts the edges of each range: probability 0 and 1, atMs 0, status 400 and 599', () => {
    expect(() =>
      FaultPlan.parse({
        faults: [
          { target: 'bmc:*', kind: 'drop', probability: 0 },
          { target: 'bmc:*', kind: 'drop', probability: 1, atMs: 0 },
          { target: 'bmc:*', kind: 'error', status: 400 },
          { target: 'bmc:*', kind: 'error', status: 599 },
        ],
      }),
    ).not.toThrow();
  });
});

describe('FaultPlan: bad plans are refused with every problem at once', () => {
  it('lists every problem of a plan in one error, each naming its field and offering a fix', () => {
    const bad = {
      faults: [
        { id: 'dup', target: 'bmc:*', kind: 'latency', latencyMs: 10, colour: 'red' },
        { target: 'bmc:*', kind: 'error', status: 200 },
        { target: 'bmc:*', kind: 'drop', window: { fromMs: 10_000, toMs: 5_000 } },
        { target: 'bmc', kind: 'drop' },
        { target: 'bmc:*', kind: 'explode' },
        { target: 'bmc:*', kind: 'drop', probability: 1.5 },
        { target: 'bmc:*', kind: 'drop', atMs: 5, window: { fromMs: 1, toMs: 5 } },
        { id: 'dup', target: 'bmc:*', kind: 'reset' },
      ],
      extra: true,
    };
    const problems = problemsOf(() => FaultPlan.parse(bad));
    expect(pathsOf(problems).sort()).toEqual(
      [
        'faults[0].colour',
        'faults[1].status',
        'faults[2].window',
        'faults[3].target',
        'faults[4].kind',
        'faults[5].probability',
        'faults[6].window',
        'faults[7].id',
        'extra',
      ].sort(),
    );
    for (const p of problems) expect(p.fix.trim()).not.toBe('');
  });

  it('puts every problem in the error message too, one per line', () => {
    const bad = { faults: [{ target: 'bmc:*', kind: 'error', status: 200 }, { target: 'nope', kind: 'drop' }] };
    let message = '';
    try {
      FaultPlan.parse(bad);
    } catch (error) {
      expect(error).toBeInstanceOf(SimError);
      expect((error as SimError).code).toBe('INVALID_FAULT_PLAN');
      message = (error as Error).message;
    }
    expect(message.split('\n')[0]).toMatch(/^Failed to load the fault plan/);
    expect(message).toContain('faults[0].status: ');
    expect(message).toContain('faults[1].target: ');
  });

  it('reports duplicate ids together with schema problems elsewhere in the plan', () => {
    const problems = problemsOf(() =>
      FaultPlan.parse({
        faults: [
          { id: 'x', target: 'bmc:*', kind: 'drop' },
          { id: 'x', target: 'bmc:*', kind: 'drop' },
          { target: 'bmc:*', kind: 'error', status: 200 },
        ],
      }),
    );
    expect(pathsOf(problems).sort()).toEqual(['faults[1].id', 'faults[2].status']);
    const dup = problems.find((p) => p.path === 'faults[1].id')!;
    expect(dup.problem).toContain('"x"');
    expect(dup.problem).toContain('faults[0]');
  });

  it('treats an explicit id that collides with a default fault-N id as a duplicate', () => {
    const problems = problemsOf(() =>
      FaultPlan.parse({ faults: [{ id: 'fault-1', target: 'bmc:*', kind: 'drop' }, { target: 'bmc:*', kind: 'drop' }] }),
    );
    expect(pathsOf(problems)).toEqual(['faults[1].id']);
  });

  const cases: Array<{ what: string; plan: unknown; path: string; says?: RegExp }> = [
    { what: 'an error status outside 400–599', plan: { faults: [{ target: 'bmc:*', kind: 'error', status: 200 }] }, path: 'faults[0].status', says: /400 to 599/ },
    { what: 'a fractional status', plan: { faults: [{ target: 'bmc:*', kind: 'error', status: 503.5 }] }, path: 'faults[0].status' },
    { what: 'an error fault without a status', plan: { faults: [{ target: 'bmc:*', kind: 'error' }] }, path: 'faults[0].status' },
    { what: 'an unknown kind', plan: { faults: [{ target: 'bmc:*', kind: 'explode' }] }, path: 'faults[0].kind', says: /latency, error, drop/ },
    { what: 'a missing kind', plan: { faults: [{ target: 'bmc:*' }] }, path: 'faults[0].kind' },
    { what: 'a kind that is not a string', plan: { faults: [{ target: 'bmc:*', kind: 5 }] }, path: 'faults[0].kind' },
    { what: 'an empty window', plan: { faults: [{ target: 'bmc:*', kind: 'drop', window: { fromMs: 5, toMs: 5 } }] }, path: 'faults[0].window', says: /after window\.fromMs/ },
    { what: 'a window that is not an object', plan: { faults: [{ target: 'bmc:*', kind: 'drop', window: 5 }] }, path: 'faults[0].window' },
    { what: 'a window without toMs', plan: { faults: [{ target: 'bmc:*', kind: 'drop', window: { fromMs: 1 } }] }, path: 'faults[0].window.toMs' },
    { what: 'an unknown field in a window', plan: { faults: [{ target: 'bmc:*', kind: 'drop', window: { fromMs: 1, toMs: 2, untilMs: 3 } }] }, path: 'faults[0].window.untilMs' },
    { what: 'a package-fail without the package', plan: { faults: [{ target: 'node:*', kind: 'package-fail' }] }, path: 'faults[0].params.package', says: /needs the package it fails/ },
    { what: 'atMs together with window', plan: { faults: [{ target: 'bmc:*', kind: 'drop', atMs: 5, window: { fromMs: 1, toMs: 9 } }] }, path: 'faults[0].window', says: /atMs and window/ },
    { what: 'a negative atMs', plan: { faults: [{ target: 'bmc:*', kind: 'drop', atMs: -1 }] }, path: 'faults[0].atMs', says: /≥ 0/ },
    { what: 'probability above 1', plan: { faults: [{ target: 'bmc:*', kind: 'drop', probability: 1.5 }] }, path: 'faults[0].probability', says: /between 0 and 1/ },
    { what: 'a negative probability', plan: { faults: [{ target: 'bmc:*', kind: 'drop', probability: -0.1 }] }, path: 'faults[0].probability' },
    { what: 'a probability given as text', plan: { faults: [{ target: 'bmc:*', kind: 'drop', probability: '0.5' }] }, path: 'faults[0].probability' },
    { what: 'a target without KIND:', plan: { faults: [{ target: 'r1-s3', kind: 'drop' }] }, path: 'faults[0].target', says: /KIND:NAME/ },
    { what: 'a target with an upper-case kind', plan: { faults: [{ target: 'BMC:r1', kind: 'drop' }] }, path: 'faults[0].target' },
    { what: 'a target that is not a string', plan: { faults: [{ target: 7, kind: 'drop' }] }, path: 'faults[0].target' },
    { what: 'a missing target', plan: { faults: [{ kind: 'drop' }] }, path: 'faults[0].target' },
    { what: 'an id with spaces', plan: { faults: [{ id: 'slow bmcs', target: 'bmc:*', kind: 'drop' }] }, path: 'faults[0].id' },
    { what: 'an unknown field on a fault', plan: { faults: [{ target: 'bmc:*', kind: 'drop', colour: 'red' }] }, path: 'faults[0].colour', says: /unknown field/ },
    { what: 'a field of another kind (latencyMs on a drop)', plan: { faults: [{ target: 'bmc:*', kind: 'drop', latencyMs: 5 }] }, path: 'faults[0].latencyMs' },
    { what: 'an unknown field on the plan', plan: { faults: [], version: 2 }, path: 'version', says: /unknown field/ },
    { what: 'an unknown field whose name is not a plain word, quoted', plan: { faults: [{ target: 'bmc:*', kind: 'drop', 'at ms': 5 }] }, path: 'faults[0]["at ms"]' },
    { what: 'params with a nested value', plan: { faults: [{ target: 'node:*', kind: 'crash', params: { a: [1] } }] }, path: 'faults[0].params.a' },
    { what: 'a fault that is not an object', plan: { faults: [42] }, path: 'faults[0]' },
    { what: 'faults that are not a list', plan: { faults: 3 }, path: 'faults' },
    { what: 'a plan without faults', plan: {}, path: 'faults' },
    { what: 'a plan that is a list', plan: [], path: '(plan)' },
    { what: 'a plan that is null', plan: null, path: '(plan)' },
  ];
  for (const { what, plan, path, says } of cases) {
    it(`rejects ${what} at ${path}, with a fix`, () => {
      const problems = problemsOf(() => FaultPlan.parse(plan));
      expect(pathsOf(problems)).toEqual([path]);
      if (says) expect(problems[0]!.problem).toMatch(says);
    });
  }

  it('rejects text that is not JSON at (plan), quoting the parser and offering a fix', () => {
    const problems = problemsOf(() => FaultPlan.fromJSON('{ "faults": [ '));
    expect(pathsOf(problems)).toEqual(['(plan)']);
    expect(problems[0]!.problem).toMatch(/not valid JSON/);
  });

  it('validates JSON text like a parsed value', () => {
    const problems = problemsOf(() => FaultPlan.fromJSON('{"faults":[{"target":"bmc:*","kind":"error","status":200}]}'));
    expect(pathsOf(problems)).toEqual(['faults[0].status']);
  });
});

// ---------------------------------------------------------------------------
// Fuzz: whatever a user feeds it, the parser answers with a plan or with
// InvalidFaultPlanError whose problems read `path: problem — fix`.

const FIELD_VALUE = fc.oneof(fc.jsonValue(), fc.constantFrom<unknown>(undefined, -1, 0, 1, 1.5, 503, 'bmc:*', 'drop', {}, []));

const arbFault: fc.Arbitrary<FaultSpec> = fc.oneof(
  fc.record({
    target: fc.constantFrom('bmc:*', 'bmc:r1-*', 'node:r1-s3', 'addr:127.1.*:623'),
    kind: fc.constant('latency' as const),
    latencyMs: fc.nat(10_000),
    jitterMs: fc.nat(1_000),
  }),
  fc.record({ target: fc.constant('bmc:*'), kind: fc.constant('error' as const), status: fc.integer({ min: 400, max: 599 }), probability: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ target: fc.constant('link:a-b'), kind: fc.constantFrom('drop' as const, 'reset' as const), atMs: fc.nat(100_000) }),
  fc.record({
    target: fc.constant('node:*'),
    kind: fc.constantFrom(...COMPONENT_FAULT_KINDS.filter((kind) => kind !== 'package-fail')),
    window: fc.nat(1_000).chain((fromMs) => fc.record({ fromMs: fc.constant(fromMs), toMs: fc.integer({ min: fromMs + 1, max: fromMs + 10_000 }) })),
  }),
);
const arbPlan = fc.record({ faults: fc.array(arbFault, { maxLength: 5 }) });

/** A valid plan with one field replaced, added or removed at some depth. */
const arbMutatedPlan = fc
  .tuple(arbPlan, fc.nat(), fc.constantFrom('kind', 'target', 'id', 'atMs', 'window', 'probability', 'status', 'latencyMs', 'params', 'extra', 'faults'), FIELD_VALUE, fc.boolean())
  .map(([plan, index, key, value, remove]) => {
    const data = JSON.parse(JSON.stringify(plan)) as { faults: Array<Record<string, unknown>> } & Record<string, unknown>;
    if (key === 'faults') {
      if (remove) delete (data as Record<string, unknown>).faults;
      else data.faults.push(value as Record<string, unknown>);
      return data as unknown;
    }
    const fault = data.faults.length > 0 ? data.faults[index % data.faults.length]! : data;
    if (remove) delete fault[key];
    else if (key === 'window' && typeof value === 'number') fault.window = { fromMs: value, toMs: value };
    else fault[key] = value;
    return data as unknown;
  });

function parsesOrExplains(input: unknown): void {
  try {
    FaultPlan.parse(input);
  } catch (error) {
    if (!(error instanceof InvalidFaultPlanError)) throw error;
    expect(error.problems.length).toBeGreaterThan(0);
    for (const problem of error.problems) splitProblem(problem);
  }
}

describe('FaultPlan: fuzzed input', () => {
  it('answers arbitrary JSON values with a plan or an InvalidFaultPlanError, never another exception', () => {
    fc.assert(fc.property(fc.jsonValue(), parsesOrExplains), { numRuns: 500 });
  });

  it('answers arbitrary JSON wrapped as { faults: [...] } the same way', () => {
    fc.assert(fc.property(fc.array(fc.jsonValue(), { maxLength: 4 }), (faults) => parsesOrExplains({ faults })), { numRuns: 500 });
  });

  it('answers mutated valid plans with a plan or an InvalidFaultPlanError, never another exception', () => {
    fc.assert(fc.property(arbMutatedPlan, parsesOrExplains), { numRuns: 1_000 });
  });

  it('accepts every generated valid plan, and it round-trips through JSON text', () => {
    fc.assert(
      fc.property(arbPlan, (data) => {
        const plan = FaultPlan.parse(data);
        expect(FaultPlan.fromJSON(JSON.stringify(plan)).toJSON()).toEqual(plan.toJSON());
      }),
      { numRuns: 300 },
    );
  });

  it('answers arbitrary text with a plan or an InvalidFaultPlanError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          FaultPlan.fromJSON(text);
        } catch (error) {
          if (!(error instanceof InvalidFaultPlanError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });
});
