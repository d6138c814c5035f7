import type { AnnealerView, NodeRole } from './model.js';

/**
 * What planning knows about the node-roles besides their records: the
 * dependency graph (which changes only when roles are bound) and which are
 * running or waiting to run (which changes only where records change). A
 * caller that keeps one across ticks and `update`s it with the changed ids
 * plans at a cost proportional to the change, not to the fleet.
 */
export class PlanIndex {
  private constructor(
    /** Node-role id → the node-roles that list it as a hard or soft parent. */
    readonly children: ReadonlyMap<string, readonly string[]>,
    /** Longest chain of hard and soft parents above each node-role (OpenCrowbar's cohort): the shallowest run first. */
    readonly depth: ReadonlyMap<string, number>,
    /** Each node-role's position in the view, so that decisions come in one order however they were found. */
    readonly order: ReadonlyMap<string, number>,
    /** Node name → the node-roles on it: a change to a node changes what they may do. */
    readonly onNode: ReadonlyMap<string, readonly string[]>,
    private readonly runningIds: Set<string>,
    private readonly todoIds: Set<string>,
  ) {}

  static of(view: AnnealerView): PlanIndex {
    const children = new Map<string, string[]>();
    const onNode = new Map<string, string[]>();
    const add = (map: Map<string, string[]>, key: string, id: string): void => {
      const list = map.get(key);
      if (list) list.push(id);
      else map.set(key, [id]);
    };
    const order = new Map<string, number>();
    const index = new PlanIndex(children, depths(view), order, onNode, new Set(), new Set());
    for (const nr of view.nodeRoles.values()) {
      order.set(nr.id, order.size);
      for (const parent of nr.parents) add(children, parent, nr.id);
      for (const parent of nr.softParents) add(children, parent, nr.id);
      add(onNode, nr.node, nr.id);
      index.place(nr);
    }
    return index;
  }

  get running(): ReadonlySet<string> {
    return this.runningIds;
  }

  get todo(): ReadonlySet<string> {
    return this.todoIds;
  }

  /**
   * Brings the running and todo sets up to date with `ids`, whose records
   * changed in `view`. Parents must not have changed: rebuild with `of` then.
   */
  update(view: AnnealerView, ids: Iterable<string>): void {
    for (const id of ids) {
      this.runningIds.delete(id);
      this.todoIds.delete(id);
      const nr = view.nodeRoles.get(id);
      if (nr) this.place(nr);
    }
  }

  private place(nr: NodeRole): void {
    if (nr.state.kind === 'running') this.runningIds.add(nr.id);
    else if (nr.state.kind === 'todo') this.todoIds.add(nr.id);
  }
}

function depths(view: AnnealerView): Map<string, number> {
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (nr: NodeRole): number => {
    const known = memo.get(nr.id);
    if (known !== undefined) return known;
    if (visiting.has(nr.id)) throw new Error(`Invariant violated: node-role ${nr.id} is its own ancestor`);
    visiting.add(nr.id);
    let d = 0;
    for (const parents of [nr.parents, nr.softParents]) {
      for (const id of parents) {
        const parent = view.nodeRoles.get(id);
        if (!parent) throw new Error(`Invariant violated: node-role ${nr.id} has unknown parent ${id}`);
        d = Math.max(d, depth(parent) + 1);
      }
    }
    visiting.delete(nr.id);
    memo.set(nr.id, d);
    return d;
  };
  for (const nr of view.nodeRoles.values()) depth(nr);
  return memo;
}
