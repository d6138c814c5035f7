import { resolveInputs } from './inputs.js';
import type { AnnealerView, BlockedReason, NodeRole, NodeRoleState, NodeRoleStateKind } from './model.js';
import { PlanIndex } from './plan-index.js';

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
 * proportional to the change. A caller that plans often keeps a `PlanIndex`
 * up to date with the same changes; without one, one is built from the view.
 */
export function planTick(
  view: AnnealerView,
  options: {
    readonly changed?: ReadonlySet<string>;
    readonly index?: PlanIndex;
  } = {},
): Decision[] {
  const index = options.index ?? PlanIndex.of(view);
  const byOrder = (a: string, b: string): number => index.order.get(a)! - index.order.get(b)!;
  const decisions: Decision[] = [];
  // Only what this tick changes; everything else reads straight from the view.
  const states = new Map<string, NodeRoleState>();
  const attempts = new Map<string, number>();
  const stateOf = (nr: NodeRole): NodeRoleState => states.get(nr.id) ?? nr.state;
  const expired: string[] = [];

  // Leases first: a run whose holder went silent goes back to todo as a failed attempt.
  const lapsed = [...index.running].filter((id) => {
    const { state } = view.nodeRoles.get(id)!;
    return state.kind === 'running' && state.leaseUntilMs <= view.nowMs;
  });
  for (const id of lapsed.sort(byOrder)) {
    const nr = view.nodeRoles.get(id)!;
    if (nr.state.kind !== 'running') continue;
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

  // Shallowest first, so every parent in play is settled before its children
  // are looked at; a change travels down only as far as states actually move.
  const { children } = index;
  const evaluated = new Map<string, NodeRoleState>();
  const buckets: string[][] = [];
  const queued = new Set<string>();
  const enqueue = (id: string): void => {
    const depth = index.depth.get(id);
    if (depth === undefined || queued.has(id)) return;
    queued.add(id);
    (buckets[depth] ??= []).push(id);
  };
  if (options.changed === undefined) for (const id of index.order.keys()) enqueue(id);
  else {
    for (const id of [...options.changed, ...expired]) {
      enqueue(id);
      // A changed record can change its children's state even if its own stays.
      for (const child of children.get(id) ?? []) enqueue(child);
    }
  }
  for (let depth = 0; depth < buckets.length; depth++) {
    for (const id of buckets[depth] ?? []) {
      const nr = view.nodeRoles.get(id)!;
      const current = stateOf(nr);
      const next = desiredState(view, nr, current, (parentId) => {
        const settled = evaluated.get(parentId);
        if (settled) return settled;
        const parent = view.nodeRoles.get(parentId);
        if (!parent) throw new Error(`Invariant violated: node-role ${id} has unknown parent ${parentId}`);
        return stateOf(parent);
      });
      evaluated.set(id, next);
      if (!sameState(current, next)) for (const child of children.get(id) ?? []) enqueue(child);
    }
  }
  // In the view's order, scoped or not, so that both give the same decisions in the same order.
  const looked = options.changed === undefined ? view.nodeRoles.keys() : [...evaluated.keys()].sort(byOrder);
  for (const id of looked) {
    const nr = view.nodeRoles.get(id)!;
    const current = stateOf(nr);
    const next = evaluated.get(id)!;
    if (sameState(current, next)) continue;
    states.set(nr.id, next);
    // New inputs (an active node-role re-queued, or an error given a fresh try) get a fresh attempt budget.
    const fresh = next.kind === 'todo' && (current.kind === 'active' || current.kind === 'error') && nr.attempts !== 0;
    if (fresh) attempts.set(nr.id, 0);
    decisions.push({ type: 'set-state', id: nr.id, from: current.kind, state: next, ...(fresh ? { attempts: 0 } : {}) });
  }

  decisions.push(...claimRunnable(view, index, states, attempts));
  return decisions;
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

function claimRunnable(view: AnnealerView, index: PlanIndex, states: ReadonlyMap<string, NodeRoleState>, attempts: ReadonlyMap<string, number>): Decision[] {
  let running = 0;
  const perNode = new Map<string, number>();
  const perRole = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);
  const candidates: Array<{ readonly nr: NodeRole; readonly depth: number }> = [];
  const consider = (id: string): void => {
    const nr = view.nodeRoles.get(id);
    if (!nr) return;
    const state = states.get(id) ?? nr.state;
    if (state.kind === 'running') {
      running++;
      bump(perNode, nr.node);
      bump(perRole, nr.role);
    } else if (state.kind === 'todo' && state.notBeforeMs <= view.nowMs) {
      candidates.push({ nr, depth: index.depth.get(id) ?? 0 });
    }
  };
  // Only node-roles that were running or waiting, or that this tick moved, can be either now (the two sets are disjoint).
  for (const id of index.running) if (!states.has(id)) consider(id);
  for (const id of index.todo) if (!states.has(id)) consider(id);
  for (const id of states.keys()) consider(id);
  candidates.sort((a, b) => a.depth - b.depth || (a.nr.id < b.nr.id ? -1 : a.nr.id > b.nr.id ? 1 : 0));

  const starts: Decision[] = [];
  for (const { nr } of candidates) {
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

function assertNever(value: never): never {
  throw new Error(`Invariant violated: unexpected node-role state ${JSON.stringify(value)}`);
}
