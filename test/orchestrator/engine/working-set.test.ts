import { describe, expect, it } from 'vitest';
import { bindRole, PlanIndex, RoleCatalog, type AnnealerView, type NodeRole } from '../../../orchestrator/index.js';
import { WorkingSet } from '../../../orchestrator/engine/working-set.js';
import type { StoreSnapshot, Versioned } from '../../../orchestrator/store/index.js';
import { role } from '../annealer/harness.js';

const catalog = new RoleCatalog([role('os', { local: true }), role('ntp', { local: true, requires: ['os'] }), role('ready', { requires: ['ntp'] })]);

function bound(nodes: string[], known = new Map<string, NodeRole>()): Map<string, NodeRole> {
  let nodeRoles = known;
  for (const node of nodes) nodeRoles = new Map([...nodeRoles, ...bindRole(catalog, nodeRoles, 'lab', 'ready', node)]);
  return nodeRoles;
}

const versioned = (records: Map<string, NodeRole>, version: number): Map<string, Versioned<NodeRole>> => new Map([...records].map(([id, value]) => [id, { value, version }]));

function viewOf(working: WorkingSet): AnnealerView {
  return { nowMs: 0, roles: catalog.roles, nodes: working.nodes, deployments: working.deployments, nodeRoles: working.nodeRoles, limits: { maxRunning: 1, maxRunningPerNode: 1, leaseMs: 1 } };
}

describe('working set', () => {
  it('gives each node-role the place a plan index built from it numbers it at, after new node-roles are bound too', () => {
    const working = new WorkingSet();
    const first = bound(['n2', 'n1']);
    const snapshot: StoreSnapshot = { nodes: new Map(), deployments: new Map(), nodeRoles: versioned(first, 1), eventSeq: 0, revision: 1 };
    working.reset(snapshot);
    // A second node bound later, and an existing node-role moved: the loop keeps planning by the places it had.
    const later = bound(['n3'], first);
    const moved = { ...first.get('lab/ntp@n1')!, state: { kind: 'todo', notBeforeMs: 0 } } as NodeRole;
    const added = new Map([...later].filter(([id]) => !first.has(id)));
    const { rebound } = working.apply({ revision: 2, nodes: new Map(), deployments: new Map(), nodeRoles: versioned(new Map([...added, [moved.id, moved]]), 2) });
    expect(rebound).toBe(true);
    const index = PlanIndex.of(viewOf(working));
    const everyone = [...working.nodeRoles.values()].map((value) => ({ kind: 'node-role' as const, value, expectedVersion: 2 }));
    const places = working.absorbMoves(everyone, { versions: { get: () => undefined }, events: [], revision: 3 });
    expect(places).toEqual(everyone.map(({ value }) => index.order.get(value.id)));
    // Not a permutation that happens to line up: every place names its own node-role in the index.
    expect(places!.map((place) => index.ids[place])).toEqual(everyone.map(({ value }) => value.id));
  });

  it('takes a commit of its own only when nothing else landed since, and says so', () => {
    const working = new WorkingSet();
    const records = bound(['n1']);
    working.reset({ nodes: new Map(), deployments: new Map(), nodeRoles: versioned(records, 1), eventSeq: 0, revision: 5 });
    const value = { ...records.get('lab/os@n1')!, state: { kind: 'active' } } as NodeRole;
    const move = { kind: 'node-role' as const, value, expectedVersion: 1 };
    expect(working.absorbMoves([move], { versions: { get: () => undefined }, events: [], revision: 7 })).toBeUndefined();
    expect(working.nodeRoles.get(value.id)).toBe(records.get(value.id));
    const places = working.absorbMoves([move], { versions: { get: () => undefined }, events: [], revision: 6 })!;
    expect(working.nodeRoles.get(value.id)).toBe(value);
    expect(working.versionAt(places[0]!)).toBe(2);
    expect(working.revision).toBe(6);
  });
});
