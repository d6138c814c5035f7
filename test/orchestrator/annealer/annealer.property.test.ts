/**
 * Properties of the annealer over random role graphs and bindings.
 * On failure fast-check prints `{ seed, path }`; replay one by passing them to
 * the failing `fc.assert` as `{ seed, path, endOnFailure: true }` and running
 *   npx vitest run test/orchestrator/annealer/annealer.property.test.ts
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlanIndex, planTick, type RoleSpec } from '../../../orchestrator/index.js';
import { AnnealerHarness, echoRunner, role } from './harness.js';

interface World {
  roles: RoleSpec[];
  nodes: number;
  bindings: Array<[number, number]>;
}

const world: fc.Arbitrary<World> = fc
  .integer({ min: 1, max: 7 })
  .chain((roleCount) =>
    fc.record({
      roles: fc.tuple(
        ...Array.from({ length: roleCount }, (_, i) =>
          fc.record({
            requires: fc.subarray(Array.from({ length: i }, (_, k) => k)),
            after: fc.subarray(Array.from({ length: i }, (_, k) => k)),
            reads: fc.subarray(Array.from({ length: i }, (_, k) => k)),
            readsAttribute: fc.boolean(),
            cluster: fc.boolean(),
            local: fc.boolean(),
          }),
        ),
      ),
      nodes: fc.integer({ min: 1, max: 4 }),
      bindings: fc.array(fc.tuple(fc.nat(roleCount - 1), fc.nat(3)), { minLength: 1, maxLength: 10 }),
    }),
  )
  .map(({ roles, nodes, bindings }) => ({
    nodes,
    bindings: bindings.map(([r, n]) => [r, n % nodes] as [number, number]),
    roles: roles.map((r, i) =>
      role(`r${i}`, {
        requires: r.requires.map((k) => `r${k}`),
        after: r.after.filter((k) => !r.requires.includes(k)).map((k) => `r${k}`),
        inputs: [...r.reads.map((k) => `out${k}`), ...(r.readsAttribute ? ['knob'] : [])],
        outputs: [`out${i}`],
        cluster: r.cluster,
        local: r.local,
      }),
    ),
  }));

function build(w: World): AnnealerHarness {
  const h = new AnnealerHarness(w.roles, { maxRunning: 3, maxRunningPerNode: 1, leaseMs: 60_000 });
  for (let n = 0; n < w.nodes; n++) h.addNode(`n${n}`);
  h.addDeployment('d', { knob: 1 });
  for (const [r, n] of w.bindings) h.bind('d', `r${r}`, `n${n}`);
  return h;
}

describe('annealer properties', () => {
  it('never starts a node-role before its parents are active, converges, runs each once, and then rests', () => {
    fc.assert(
      fc.property(world, (w) => {
        const h = build(w);
        h.converge(echoRunner(h.catalog));
        for (const start of h.starts) expect(start.parentStates.every((k) => k === 'active'), start.id).toBe(true);
        for (const nr of h.nodeRoles.values()) {
          expect(nr.state.kind, nr.id).toBe('active');
          expect(nr.runCount, nr.id).toBe(1);
        }
        expect(planTick(h.view())).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('after an attribute changes, re-runs only node-roles that read it or whose parents re-ran', () => {
    fc.assert(
      fc.property(world, (w) => {
        const h = build(w);
        const runner = echoRunner(h.catalog);
        h.converge(runner);
        h.starts.length = 0;
        h.addDeployment('d', { knob: 2 });
        h.converge(runner);
        const rerun = new Set(h.starts.map((s) => s.id));
        for (const id of rerun) {
          const nr = h.nodeRoles.get(id)!;
          const readsKnob = h.catalog.get(nr.role).inputs.includes('knob');
          expect(readsKnob || nr.parents.some((p) => rerun.has(p)), id).toBe(true);
        }
        for (const nr of h.nodeRoles.values()) if (h.catalog.get(nr.role).inputs.includes('knob')) expect(rerun.has(nr.id), nr.id).toBe(true);
        expect(planTick(h.view())).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('plans the same from the changed records alone as from the whole snapshot', () => {
    fc.assert(
      fc.property(world, fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }), (w, failPattern) => {
        const roles = w.roles.map((r) => ({ ...r, retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 } }));
        const h = build({ ...w, roles });
        const echo = echoRunner(h.catalog);
        let call = 0;
        let previous = new Map<string, unknown>();
        // Kept across ticks the way the loop keeps it: built once, then updated with what changed.
        const index = PlanIndex.of(h.view());
        for (let tick = 0; tick < 200; tick++) {
          // What changed: every node-role whose record is a new object since the last tick.
          const changed = new Set([...h.nodeRoles].filter(([id, nr]) => previous.get(id) !== nr).map(([id]) => id));
          index.update([...changed].map((id) => h.nodeRoles.get(id)!));
          const full = planTick(h.view());
          expect(planTick(h.view(), { changed })).toEqual(full);
          expect(planTick(h.view(), { changed, index })).toEqual(full);
          // The same changes named by their positions in the index, as the loop names its own.
          expect(planTick(h.view(), { changed: new Set(), changedAt: [...changed].map((id) => index.order.get(id)!), index })).toEqual(full);
          previous = new Map(h.nodeRoles);
          const decided = h.tick();
          const finished = h.finishRuns((nr, inputs) =>
            failPattern[call++ % failPattern.length] ? { status: 'failed', message: 'transient', retryable: true } : echo(nr, inputs),
          );
          if (decided === 0 && finished === 0) {
            const wake = h.nextWakeMs();
            if (wake === undefined) break;
            h.nowMs = wake;
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('converges through transient failures when the retry budget covers them', () => {
    fc.assert(
      fc.property(world, fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), (w, failPattern) => {
        const roles = w.roles.map((r) => ({ ...r, retry: { maxAttempts: 50, baseDelayMs: 100, maxDelayMs: 5_000 } }));
        const h = build({ ...w, roles });
        const echo = echoRunner(h.catalog);
        let call = 0;
        let failures = 0;
        // At most 30 failures in all: fewer than any one node-role's 50 attempts.
        h.converge((nr, inputs) =>
          failPattern[call++ % failPattern.length] && failures++ < 30 ? { status: 'failed', message: 'transient', retryable: true } : echo(nr, inputs),
        );
        for (const nr of h.nodeRoles.values()) expect(nr.state.kind, nr.id).toBe('active');
        for (const start of h.starts) expect(start.parentStates.every((k) => k === 'active'), start.id).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
