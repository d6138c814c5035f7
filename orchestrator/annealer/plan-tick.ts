import { resolveInputs } from './inputs.js';
import type { AnnealerView, BlockedReason, NodeRole, NodeRoleState, NodeRoleStateKind } from './model.js';
import { PlanIndex } from './plan-index.js';

/**
 * What one tick decided; the caller persists each decision (compare-and-set on
 * `from`) before acting on it. `at` is the node-role's position in the plan
 * index the tick used: a caller holding that index finds the record there
 * without looking its id up.
 */
export type Decision =
  | {
      readonly type: 'set-state';
      readonly id: string;
      readonly at: number;
      readonly from: NodeRoleStateKind;
      readonly state: NodeRoleState;
      /** New consecutive-failure count, when it changes. */
      readonly attempts?: number;
    }
  | {
      readonly type: 'start';
      readonly id: string;
      readonly at: number;
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

/** One object for every node-role waiting on its parents: the planner hands it out by the hundred thousand. */
const PARENTS_PENDING: NodeRoleState = Object.freeze({ kind: 'blocked', reason: Object.freeze({ code: 'parents_pending' }) });

function sameReason(a: BlockedReason, b: BlockedReason): boolean {
  if (a.code !== b.code) return false;
  // Records from before parents_pending dropped its list carry one: they differ, and are written once more without it.
  const pa = 'parents' in a ? a.parents : undefined;
  const pb = 'parents' in b ? b.parents : undefined;
  return pa === pb || (pa !== undefined && pb !== undefined && pa.length === pb.length && pa.every((p, i) => p === pb[i]));
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
 * Such a caller may name further changed node-roles by their positions in
 * that index (`changedAt`) rather than by id.
 */
export function planTick(
  view: AnnealerView,
  options: {
    readonly changed?: ReadonlySet<string>;
    readonly changedAt?: readonly number[];
    readonly index?: PlanIndex;
  } = {},
): Decision[] {
  if (options.changedAt !== undefined && options.index === undefined) throw new Error('changedAt: positions need the index they are in — pass that index too');
  const index = options.index ?? PlanIndex.of(view);
  const { ids, records, children, depth } = index;
  const decisions: Decision[] = [];
  // What this tick moves, by position; everything else reads straight from the records.
  const moved: Array<NodeRoleState | undefined> = new Array(ids.length);
  const movedAt: number[] = [];
  const attempts = new Map<number, number>();
  const stateAt = (i: number): NodeRoleState => moved[i] ?? records[i]!.state;

  // Leases first: a run whose holder went silent goes back to todo as a failed attempt.
  const lapsed = [...index.running].filter((i) => {
    const { state } = records[i]!;
    return state.kind === 'running' && state.leaseUntilMs <= view.nowMs;
  });
  for (const i of lapsed.sort((a, b) => a - b)) {
    const nr = records[i]!;
    if (nr.state.kind !== 'running') continue;
    const role = roleOf(view, nr);
    const failed = nr.attempts + 1;
    const state: NodeRoleState =
      failed >= Math.max(role.retry.maxAttempts, LEASE_LOSSES_BEFORE_ERROR)
        ? { kind: 'error', message: `run ${nr.state.runId} lost its lease ${failed} time(s) — is the node agent or the orchestrator crashing?`, digest: nr.state.digest }
        : { kind: 'todo', notBeforeMs: view.nowMs };
    moved[i] = state;
    movedAt.push(i);
    attempts.set(i, failed);
    decisions.push({ type: 'set-state', id: nr.id, at: i, from: 'running', state, attempts: failed });
  }

  // Shallowest first, so every parent in play is settled before its children
  // are looked at; a change travels down only as far as states actually move.
  const evaluated: Array<NodeRoleState | undefined> = new Array(ids.length);
  const queued = new Uint8Array(ids.length);
  const looked: number[] = [];
  const buckets: number[][] = [];
  const enqueue = (i: number): void => {
    if (queued[i]) return;
    queued[i] = 1;
    looked.push(i);
    (buckets[depth[i]!] ??= []).push(i);
  };
  if (options.changed === undefined) for (let i = 0; i < ids.length; i++) enqueue(i);
  else {
    for (const i of [...positionsOf(index, options.changed), ...(options.changedAt ?? []), ...lapsed]) {
      enqueue(i);
      // A changed record can change its children's state even if its own stays.
      for (const child of children[i]!) enqueue(child);
    }
  }
  const parentState = (p: number): NodeRoleState => evaluated[p] ?? stateAt(p);
  for (let d = 0; d < buckets.length; d++) {
    for (const i of buckets[d] ?? []) {
      const current = stateAt(i);
      const next = desiredState(view, index, i, current, parentState);
      evaluated[i] = next;
      if (!sameState(current, next)) for (const child of children[i]!) enqueue(child);
    }
  }
  // In the view's order, scoped or not, so that both give the same decisions in the same order.
  for (const i of looked.sort((a, b) => a - b)) {
    const nr = records[i]!;
    const current = stateAt(i);
    const next = evaluated[i]!;
    if (sameState(current, next)) continue;
    if (moved[i] === undefined) movedAt.push(i);
    moved[i] = next;
    // New inputs (an active node-role re-queued, or an error given a fresh try) get a fresh attempt budget.
    const fresh = next.kind === 'todo' && (current.kind === 'active' || current.kind === 'error') && nr.attempts !== 0;
    if (fresh) attempts.set(i, 0);
    decisions.push({ type: 'set-state', id: nr.id, at: i, from: current.kind, state: next, ...(fresh ? { attempts: 0 } : {}) });
  }

  // One by one: spread into push, a fleet's claims would overflow the call stack (at about 130,000 arguments).
  for (const start of claimRunnable(view, index, moved, movedAt, attempts)) decisions.push(start);
  return decisions;
}

/** Positions of the ids the index knows (a changed id it does not know has nothing to plan). */
function positionsOf(index: PlanIndex, ids: Iterable<string>): number[] {
  const out: number[] = [];
  for (const id of ids) {
    const at = index.order.get(id);
    if (at !== undefined) out.push(at);
  }
  return out;
}

function roleOf(view: AnnealerView, nr: NodeRole) {
  const role = view.roles.get(nr.role);
  if (!role) throw new Error(`Invariant violated: node-role ${nr.id} has unknown role ${nr.role}`);
  return role;
}

function desiredState(view: AnnealerView, index: PlanIndex, at: number, current: NodeRoleState, parentState: (at: number) => NodeRoleState): NodeRoleState {
  const nr = index.records[at]!;
  const deployment = view.deployments.get(nr.deployment);
  switch (current.kind) {
    case 'running':
      return current;
    case 'error':
      // An error stays until its inputs change (or an operator retries it).
      if (current.digest === undefined || !parentsSettled(index, at, parentState) || resolveInputs(view, nr, parentRecords(index, at)).digest === current.digest) return current;
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
  let pending = false;
  for (const p of index.parents[at]!) {
    const s = parentState(p);
    if (s.kind === 'error' || (s.kind === 'blocked' && s.reason.code === 'parent_error')) erroredParents.push(index.ids[p]!);
    else if (s.kind !== 'active') pending = true;
  }
  for (const p of index.softParents[at]!) if (parentState(p).kind !== 'active') pending = true;

  if (current.kind === 'active') {
    // An active node-role keeps serving while its parents re-run; it is redone only once they settle with new outputs.
    if (erroredParents.length > 0 || pending) return current;
    if (nr.lastGood && resolveInputs(view, nr, parentRecords(index, at)).digest === nr.lastGood.digest) return current;
  }
  const node = view.nodes.get(nr.node);
  if (deployment?.paused || node?.paused) return { kind: 'blocked', reason: { code: 'paused' } };
  if (!node?.reachable) return { kind: 'blocked', reason: { code: 'node_unreachable' } };
  if (erroredParents.length > 0) return { kind: 'blocked', reason: { code: 'parent_error', parents: erroredParents.sort() } };
  if (pending) return PARENTS_PENDING;
  return current.kind === 'todo' ? current : { kind: 'todo', notBeforeMs: view.nowMs };
}

/** A node-role's hard parents' records, in its `parents` order, from the index (which holds the view's records). */
function parentRecords(index: PlanIndex, at: number): NodeRole[] {
  return index.parents[at]!.map((p) => index.records[p]!);
}

function parentsSettled(index: PlanIndex, at: number, parentState: (at: number) => NodeRoleState): boolean {
  return index.parents[at]!.every((p) => parentState(p).kind === 'active') && index.softParents[at]!.every((p) => parentState(p).kind === 'active');
}

function claimRunnable(
  view: AnnealerView,
  index: PlanIndex,
  moved: ReadonlyArray<NodeRoleState | undefined>,
  movedAt: readonly number[],
  attempts: ReadonlyMap<number, number>,
): Decision[] {
  let running = 0;
  const { nodeNumber } = index;
  const perNode = new Int32Array(index.onNode.size);
  const perRole = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);
  const candidates: number[] = [];
  const consider = (i: number): void => {
    const nr = index.records[i]!;
    const state = moved[i] ?? nr.state;
    if (state.kind === 'running') {
      running++;
      perNode[nodeNumber[i]!]!++;
      bump(perRole, nr.role);
    } else if (state.kind === 'todo' && state.notBeforeMs <= view.nowMs) {
      candidates.push(i);
    }
  };
  // Only node-roles that were running or waiting, or that this tick moved, can be either now (the two sets are disjoint).
  for (const i of index.running) if (moved[i] === undefined) consider(i);
  for (const i of index.todo) if (moved[i] === undefined) consider(i);
  for (const i of movedAt) consider(i);
  const { claimRank } = index;
  candidates.sort((a, b) => claimRank[a]! - claimRank[b]!);

  const starts: Decision[] = [];
  for (const i of candidates) {
    if (running >= view.limits.maxRunning) break;
    // By node number, before the record is read: most candidates of a busy fleet wait on their node.
    if (perNode[nodeNumber[i]!]! >= view.limits.maxRunningPerNode) continue;
    const nr = index.records[i]!;
    const role = roleOf(view, nr);
    if (role.maxConcurrent !== undefined && (perRole.get(nr.role) ?? 0) >= role.maxConcurrent) continue;
    const { inputs, digest } = resolveInputs(view, nr, parentRecords(index, i));
    const attempt = (attempts.get(i) ?? nr.attempts) + 1;
    starts.push({
      type: 'start',
      id: nr.id,
      at: i,
      from: 'todo',
      state: { kind: 'running', runId: `${nr.id}#${nr.runCount + 1}.${attempt}`, leaseUntilMs: view.nowMs + view.limits.leaseMs, digest },
      inputs,
    });
    running++;
    perNode[nodeNumber[i]!]!++;
    bump(perRole, nr.role);
  }
  return starts;
}

function assertNever(value: never): never {
  throw new Error(`Invariant violated: unexpected node-role state ${JSON.stringify(value)}`);
}
