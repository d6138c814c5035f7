import { compareCodeUnits } from './code-units.js';
import type { AnnealerView, NodeRole } from './model.js';

/**
 * What planning knows about the node-roles besides the view's maps: each
 * node-role numbered by its place in the view, the dependency graph by those
 * numbers (it changes only when roles are bound), and the records with which
 * of them are running or waiting to run (they change only where records
 * change). Planning then walks arrays instead of looking ids up in maps, and
 * a caller that keeps one across ticks and `update`s it with the changed ids
 * plans at a cost proportional to the change, not to the fleet.
 */
export class PlanIndex {
  private constructor(
    /** Node-role ids by position: the view's order, in which decisions are listed. */
    readonly ids: readonly string[],
    /** Each node-role's position. */
    readonly order: ReadonlyMap<string, number>,
    /** The records as of the view the index was built or last updated with, by position. */
    readonly records: readonly NodeRole[],
    /** Hard parents' positions, in the record's order. */
    readonly parents: readonly (readonly number[])[],
    /** Soft (`after`) parents' positions. */
    readonly softParents: readonly (readonly number[])[],
    /** The positions of the node-roles that list each as a hard or soft parent. */
    readonly children: readonly (readonly number[])[],
    /** Longest chain of hard and soft parents above each node-role (OpenCrowbar's cohort). */
    readonly depth: readonly number[],
    /** Each node-role's turn when several could start: shallowest first, then by id (a deterministic order). */
    readonly claimRank: readonly number[],
    /** Node name → the node-roles on it: a change to a node changes what they may do. */
    readonly onNode: ReadonlyMap<string, readonly string[]>,
    /** Each node-role's node, numbered from 0 (`onNode`'s order): a per-node count is an array, not a map of names. */
    readonly nodeNumber: Int32Array,
    private readonly runningAt: Set<number>,
    private readonly todoAt: Set<number>,
  ) {}

  static of(view: AnnealerView): PlanIndex {
    const ids = [...view.nodeRoles.keys()];
    const records = [...view.nodeRoles.values()];
    const order = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) order.set(ids[i]!, i);
    // Most node-roles have no soft parents, and leaves have no children: one shared empty list for them all.
    const positions = (nr: NodeRole, list: readonly string[]): readonly number[] =>
      list.length === 0
        ? NONE
        : list.map((id) => {
            const at = order.get(id);
            if (at === undefined) throw new Error(`Invariant violated: node-role ${nr.id} has unknown parent ${id}`);
            return at;
          });
    const parents = records.map((nr) => positions(nr, nr.parents));
    const softParents = records.map((nr) => positions(nr, nr.softParents));
    const children: Array<readonly number[]> = new Array<readonly number[]>(records.length).fill(NONE);
    const addChild = (parent: number, child: number): void => {
      const list = children[parent]!;
      if (list === NONE) children[parent] = [child];
      else (list as number[]).push(child);
    };
    const onNode = new Map<string, string[]>();
    const numbers = new Map<string, number>();
    const nodeNumber = new Int32Array(records.length);
    records.forEach((nr, i) => {
      for (const p of parents[i]!) addChild(p, i);
      for (const p of softParents[i]!) addChild(p, i);
      let number = numbers.get(nr.node);
      if (number === undefined) {
        numbers.set(nr.node, (number = numbers.size));
        onNode.set(nr.node, [nr.id]);
      } else onNode.get(nr.node)!.push(nr.id);
      nodeNumber[i] = number;
    });
    const depth = depths(ids, parents, softParents);
    // By depth first (a few buckets), then by id within each: fewer string comparisons than one sort of all.
    const byDepth: number[][] = [];
    for (let i = 0; i < ids.length; i++) (byDepth[depth[i]!] ??= []).push(i);
    const claimRank: number[] = new Array<number>(ids.length).fill(0);
    let rank = 0;
    for (const bucket of byDepth) {
      if (!bucket) continue;
      bucket.sort((a, b) => compareCodeUnits(ids[a]!, ids[b]!));
      for (const at of bucket) claimRank[at] = rank++;
    }
    const index = new PlanIndex(ids, order, records, parents, softParents, children, depth, claimRank, onNode, nodeNumber, new Set(), new Set());
    records.forEach((nr, i) => index.place(nr, i));
    return index;
  }

  /** Positions of the node-roles running, as of the index's records. */
  get running(): ReadonlySet<number> {
    return this.runningAt;
  }

  /** Positions of the node-roles waiting to run. */
  get todo(): ReadonlySet<number> {
    return this.todoAt;
  }

  /**
   * Takes these records, which changed, in place of the ones it has. Parents
   * must not have changed and no node-role may be new: rebuild with `of` then.
   */
  update(changed: Iterable<NodeRole>): void {
    for (const nr of changed) {
      const at = this.order.get(nr.id);
      if (at === undefined) throw new Error(`Invariant violated: node-role ${nr.id} is not in the plan index — rebuild it with PlanIndex.of when roles are bound`);
      this.replace(at, nr);
    }
  }

  /** Takes `nr`, which changed, at its position `at` (a decision's, or the order's): for a caller that knows it already. */
  replace(at: number, nr: NodeRole): void {
    const records = this.records as NodeRole[];
    const was = records[at];
    if (was?.id !== nr.id) throw new Error(`Invariant violated: node-role ${nr.id} is not at position ${at} of the plan index`);
    // Only the set it was in, if any, needs it taken out.
    if (was.state.kind === 'running') this.runningAt.delete(at);
    else if (was.state.kind === 'todo') this.todoAt.delete(at);
    records[at] = nr;
    this.place(nr, at);
  }

  private place(nr: NodeRole, at: number): void {
    if (nr.state.kind === 'running') this.runningAt.add(at);
    else if (nr.state.kind === 'todo') this.todoAt.add(at);
  }
}

/** Not frozen: a frozen array is of another kind than the parent lists beside it, and loops over both would stop being optimised for either. Never written: typed read-only, and `addChild` replaces it. */
const NONE: readonly number[] = [];

function depths(ids: readonly string[], parents: readonly (readonly number[])[], softParents: readonly (readonly number[])[]): number[] {
  const depth: number[] = ids.map(() => -1);
  const visiting = new Uint8Array(ids.length);
  const of = (i: number): number => {
    if (depth[i]! >= 0) return depth[i]!;
    if (visiting[i]) throw new Error(`Invariant violated: node-role ${ids[i]} is its own ancestor`);
    visiting[i] = 1;
    let d = 0;
    for (const p of parents[i]!) d = Math.max(d, of(p) + 1);
    for (const p of softParents[i]!) d = Math.max(d, of(p) + 1);
    visiting[i] = 0;
    depth[i] = d;
    return d;
  };
  ids.forEach((_, i) => of(i));
  return depth;
}
