import { resolveInputs } from './inputs.js';
import type { AnnealerView, BlockedReason, NodeRole, NodeRoleState, NodeRoleStateKind } from './model.js';

/** What one tick decided; the caller persists each decision (compare-and-set on `from`) before acting on it. */
export type Decision =
  | {
      readonly type: 'set-state';
      readonly id: string;
      readonly from: NodeRoleStateKind;
      readonly state: NodeRoleState;
      /** New consecutive-failure count, when it changes. */
      readonly attempts?: number;
    }
  | {
      readonly type: 'start';
      readonly id: string;
      readonly from: 'todo';
      readonly state: Extract<NodeRoleState, { kind: 'running' }>;
      /** The inputs snapshotted for this run. */
      readonly inputs: Readonly<Record<string, unknown>>;
    };

/**
 * A lost lease usually means the orchestrator or the agent died, not that the
 * work failed: even a role without retries gets this many before it errors.
 */
const LEASE_LOSSES_BEFORE_ERROR = 3;

function sameReason(a: BlockedReason, b: BlockedReason): boolean {
  if (a.code !== b.code) return false;
  if ((a.code === 'parents_pending' || a.code === 'parent_error') && (b.code === 'parents_pending' || b.code === 'parent_error')) {
    return a.parents.length === b.parents.length && a.parents.every((p, i) => p === b.parents[i]);
  }
  return true;
}

function sameState(a: NodeRoleState, b: NodeRoleState): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'blocked' && b.kind === 'blocked') return sameReason(a.reason, b.reason);
  if (a.kind === 'todo' && b.kind === 'todo') return a.notBeforeMs === b.notBeforeMs;
  return true;
}

/**
 * One annealer tick, as a pure function of a snapshot: expire leases, work out
 * node-roles' states from their parents, nodes and deployments, re-queue active
 * node-roles whose input digest changed, and claim runnable work within the
 * limits (shallowest first, then by id, so the order is deterministic).
 *
 * With `changed` (ids whose records changed since the previous tick, including
 * every node-role on a changed node or deployment), only those, their children,
 * and further descendants as far as states actually move are re-evaluated: the
 * result equals a full tick's whenever `changed` is complete, at a cost
 * proportional to the change.
 */
export function planTick(
  view: AnnealerView,
  options: {
    readonly changed?: ReadonlySet<string>;
    /** `childIndex(view)` when the caller keeps one across ticks (parents change only when roles are bound). */
    readonly children?: ReadonlyMap<string, readonly string[]>;
  } = {},
): Decision[] {
  const decisions: Decision[] = [];
  // Only what this tick changes; everything else reads straight from the view.
  const states = new Map<string, NodeRoleState>();
  const attempts = new Map<string, number>();
  const stateOf = (nr: NodeRole): NodeRoleState => states.get(nr.id) ?? nr.state;
  const expired: string[] = [];

  // Leases first: a run whose holder went silent goes back to todo as a failed attempt.
  for (const nr of view.nodeRoles.values()) {
    if (nr.state.kind !== 'running' || nr.state.leaseUntilMs > view.nowMs) continue;
    const role = roleOf(view, nr);
    const failed = nr.attempts + 1;
    const state: NodeRoleState =
      failed >= Math.max(role.retry.maxAttempts, LEASE_LOSSES_BEFORE_ERROR)
        ? { kind: 'error', message: `run ${nr.state.runId} lost its lease ${failed} time(s) — is the node agent or the orchestrator crashing?`, digest: nr.state.digest }
        : { kind: 'todo', notBeforeMs: view.nowMs };
    states.set(nr.id, state);
    attempts.set(nr.id, failed);
    expired.push(nr.id);
    decisions.push({ type: 'set-state', id: nr.id, from: 'running', state, attempts: failed });
  }

  const children = options.changed === undefined ? undefined : (options.children ?? childIndex(view));
  const scope = children === undefined ? undefined : withChildren(children, [...options.changed!, ...expired]);
  const evaluated = new Map<string, NodeRoleState>();
  const visiting = new Set<string>();
  const evaluate = (nr: NodeRole): NodeRoleState => {
    // Outside the scope nothing changed, so a node-role's state is what it is.
    if (scope && !scope.has(nr.id)) return stateOf(nr);
    const done = evaluated.get(nr.id);
    if (done) return done;
    if (visiting.has(nr.id)) throw new Error(`Invariant violated: node-role ${nr.id} is its own ancestor`);
    visiting.add(nr.id);
    const state = desiredState(view, nr, stateOf(nr), (id) => {
      const parent = view.nodeRoles.get(id);
      if (!parent) throw new Error(`Invariant violated: node-role ${nr.id} has unknown parent ${id}`);
      return evaluate(parent);
    });
    visiting.delete(nr.id);
    evaluated.set(nr.id, state);
    return state;
  };
  if (scope && children) {
    // A change travels down only as far as states change: grow the scope by the
    // children of every node-role whose state moved, until it stops growing.
    for (let grew = true; grew; ) {
      grew = false;
      evaluated.clear();
      for (const id of scope) {
        const nr = view.nodeRoles.get(id);
        if (!nr || sameState(stateOf(nr), evaluate(nr))) continue;
        for (const child of children.get(id) ?? []) {
          if (scope.has(child)) continue;
          scope.add(child);
          grew = true;
        }
      }
    }
  }
  // In the view's order, scoped or not, so that both give the same decisions in the same order.
  for (const nr of view.nodeRoles.values()) {
    if (scope && !scope.has(nr.id)) continue;
    const current = stateOf(nr);
    const next = evaluate(nr);
    if (sameState(current, next)) continue;
    states.set(nr.id, next);
    // New inputs (an active node-role re-queued, or an error given a fresh try) get a fresh attempt budget.
    const fresh = next.kind === 'todo' && (current.kind === 'active' || current.kind === 'error') && nr.attempts !== 0;
    if (fresh) attempts.set(nr.id, 0);
    decisions.push({ type: 'set-state', id: nr.id, from: current.kind, state: next, ...(fresh ? { attempts: 0 } : {}) });
  }

  decisions.push(...claimRunnable(view, states, attempts));
  return decisions;
}

/** Node-role id → the node-roles that list it as a hard or soft parent. */
export function childIndex(view: AnnealerView): Map<string, string[]> {
  const children = new Map<string, string[]>();
  const add = (parent: string, child: string): void => {
    const list = children.get(parent);
    if (list) list.push(child);
    else children.set(parent, [child]);
  };
  for (const nr of view.nodeRoles.values()) {
    for (const parent of nr.parents) add(parent, nr.id);
    for (const parent of nr.softParents) add(parent, nr.id);
  }
  return children;
}

/** `ids` and their direct children: a changed record can change its children's state even if its own stays. */
function withChildren(children: ReadonlyMap<string, readonly string[]>, ids: readonly string[]): Set<string> {
  const out = new Set(ids);
  for (const id of ids) for (const child of children.get(id) ?? []) out.add(child);
  return out;
}

function roleOf(view: AnnealerView, nr: NodeRole) {
  const role = view.roles.get(nr.role);
  if (!role) throw new Error(`Invariant violated: node-role ${nr.id} has unknown role ${nr.role}`);
  return role;
}

function desiredState(view: AnnealerView, nr: NodeRole, current: NodeRoleState, parentState: (id: string) => NodeRoleState): NodeRoleState {
  const deployment = view.deployments.get(nr.deployment);
  switch (current.kind) {
    case 'running':
      return current;
    case 'error':
      // An error stays until its inputs change (or an operator retries it).
      if (current.digest === undefined || !parentsSettled(nr, parentState) || resolveInputs(view, nr).digest === current.digest) return current;
      break;
    case 'proposed':
      if (!deployment?.committed) return current;
      break;
    case 'active':
    case 'todo':
    case 'blocked':
      break;
    default:
      return assertNever(current);
  }

  const erroredParents: string[] = [];
  const pendingParents: string[] = [];
  for (const id of nr.parents) {
    const s = parentState(id);
    if (s.kind === 'error' || (s.kind === 'blocked' && s.reason.code === 'parent_error')) erroredParents.push(id);
    else if (s.kind !== 'active') pendingParents.push(id);
  }
  for (const id of nr.softParents) if (parentState(id).kind !== 'active') pendingParents.push(id);

  if (current.kind === 'active') {
    // An active node-role keeps serving while its parents re-run; it is redone only once they settle with new outputs.
    if (erroredParents.length > 0 || pendingParents.length > 0) return current;
    if (nr.lastGood && resolveInputs(view, nr).digest === nr.lastGood.digest) return current;
  }
  const node = view.nodes.get(nr.node);
  if (deployment?.paused || node?.paused) return { kind: 'blocked', reason: { code: 'paused' } };
  if (!node?.reachable) return { kind: 'blocked', reason: { code: 'node_unreachable' } };
  if (erroredParents.length > 0) return { kind: 'blocked', reason: { code: 'parent_error', parents: erroredParents.sort() } };
  if (pendingParents.length > 0) return { kind: 'blocked', reason: { code: 'parents_pending', parents: pendingParents.sort() } };
  return current.kind === 'todo' ? current : { kind: 'todo', notBeforeMs: view.nowMs };
}

function parentsSettled(nr: NodeRole, parentState: (id: string) => NodeRoleState): boolean {
  return nr.parents.every((id) => parentState(id).kind === 'active') && nr.softParents.every((id) => parentState(id).kind === 'active');
}

function claimRunnable(view: AnnealerView, states: ReadonlyMap<string, NodeRoleState>, attempts: ReadonlyMap<string, number>): Decision[] {
  let running = 0;
  const perNode = new Map<string, number>();
  const perRole = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);
  const candidates: NodeRole[] = [];
  for (const nr of view.nodeRoles.values()) {
    const state = states.get(nr.id) ?? nr.state;
    if (state.kind === 'running') {
      running++;
      bump(perNode, nr.node);
      bump(perRole, nr.role);
    } else if (state.kind === 'todo' && state.notBeforeMs <= view.nowMs) {
      candidates.push(nr);
    }
  }
  // Depth computed once per candidate, not in the comparator: the sort compares n log n times.
  const depth = depthOf(view);
  const ordered = candidates.map((nr) => ({ nr, depth: depth(nr) }));
  ordered.sort((a, b) => a.depth - b.depth || (a.nr.id < b.nr.id ? -1 : a.nr.id > b.nr.id ? 1 : 0));

  const starts: Decision[] = [];
  for (const { nr } of ordered) {
    if (running >= view.limits.maxRunning) break;
    if ((perNode.get(nr.node) ?? 0) >= view.limits.maxRunningPerNode) continue;
    const role = roleOf(view, nr);
    if (role.maxConcurrent !== undefined && (perRole.get(nr.role) ?? 0) >= role.maxConcurrent) continue;
    const { inputs, digest } = resolveInputs(view, nr);
    const attempt = (attempts.get(nr.id) ?? nr.attempts) + 1;
    starts.push({
      type: 'start',
      id: nr.id,
      from: 'todo',
      state: { kind: 'running', runId: `${nr.id}#${nr.runCount + 1}.${attempt}`, leaseUntilMs: view.nowMs + view.limits.leaseMs, digest },
      inputs,
    });
    running++;
    bump(perNode, nr.node);
    bump(perRole, nr.role);
  }
  return starts;
}

/** Longest chain of hard and soft parents above a node-role (OpenCrowbar's cohort). */
function depthOf(view: AnnealerView): (nr: NodeRole) => number {
  const memo = new Map<string, number>();
  const depth = (nr: NodeRole): number => {
    const known = memo.get(nr.id);
    if (known !== undefined) return known;
    let d = 0;
    for (const parents of [nr.parents, nr.softParents]) {
      for (const id of parents) {
        const parent = view.nodeRoles.get(id);
        if (parent) d = Math.max(d, depth(parent) + 1);
      }
    }
    memo.set(nr.id, d);
    return d;
  };
  return depth;
}

function assertNever(value: never): never {
  throw new Error(`Invariant violated: unexpected node-role state ${JSON.stringify(value)}`);
}
