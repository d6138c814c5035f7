import { setMaxListeners } from 'node:events';
import {
  applyDecision,
  completeRun,
  PlanIndex,
  planTick,
  type AnnealerLimits,
  type AnnealerView,
  type Decision,
  type NodeRole,
  type RoleCatalog,
  type RunCompletion,
  type RunResult,
} from '../annealer/index.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { Random } from '../ports/random.js';
import { WorkingSet, type NodeRoleWrite } from './working-set.js';
import { ConflictError, retryOnConflict, type CommitResult, type EventInput, type Store } from '../store/index.js';

/** A run listens for its abort in a few places at once (a dispatch, a sleep, a request); more than this many per run is a leak worth Node's warning. */
const ABORT_LISTENERS_PER_RUN = 4;

/** What a runner is handed: the node-role as scheduled and the inputs snapshotted for this run. */
export interface RunRequest {
  readonly nodeRole: NodeRole;
  readonly runId: string;
  readonly inputs: Readonly<Record<string, unknown>>;
}

/** Does one role's work (renders and dispatches a work item, drives a BMC…). Must be idempotent: a run may be repeated after a crash. */
export interface RoleRunner {
  run(request: RunRequest, signal: AbortSignal): Promise<RunResult>;
}

export interface AnnealerLoopOptions {
  store: Store;
  catalog: RoleCatalog;
  clock: Clock;
  random: Random;
  runnerFor: (role: string) => RoleRunner;
  limits: AnnealerLimits;
  /** The stateless tick also runs on this period, whatever else happens. */
  tickEveryMs: number;
  /**
   * Ticks asked for by events start at least this long after the previous one
   * (default 0). A fleet reporting results every few ms then costs one tick
   * per gap, not one per result, for a wait no operator notices.
   */
  minTickGapMs?: number;
}

export interface TickReport {
  readonly decisions: number;
  readonly started: number;
  /** True when another writer got there first; the next tick re-plans. */
  readonly conflicted: boolean;
}

interface PendingResult {
  readonly id: string;
  readonly runId: string;
  readonly result: RunResult;
}

/** Results recorded together in one commit, and the promise every one of them waits on. */
class ResultBatch {
  readonly entries: PendingResult[] = [];
  readonly recorded: Promise<void>;
  settle!: (error?: unknown) => void;

  constructor() {
    this.recorded = new Promise((resolve, reject) => (this.settle = (error) => (error === undefined ? resolve() : reject(error))));
  }
}

/** The event for a node-role's move; a run's end (`finished`) is `node-role.finished` and says which run and how it went. */
function stateEvent(nr: NodeRole, next: NodeRole, finished?: { readonly runId: string; readonly status: RunResult['status'] }): EventInput {
  const { state } = next;
  const from = nr.state.kind;
  const to = state.kind;
  // One literal a case, not spreads of optional parts: one event per move, a fleet's moves by the hundred thousand.
  let data: Record<string, unknown>;
  if (state.kind === 'blocked') data = { from, to, reason: state.reason };
  else if (state.kind === 'error') data = { from, to, message: state.message };
  else if (state.kind === 'running') data = { from, to, runId: state.runId };
  else if (state.kind === 'todo' && next.lastError) data = { from, to, lastError: next.lastError };
  else data = { from, to };
  if (finished) {
    data['runId'] = finished.runId;
    data['status'] = finished.status;
  }
  return { type: finished ? 'node-role.finished' : 'node-role.state', subject: nr.id, data };
}

/**
 * The annealer's shell: every tick reads a snapshot, plans with the pure
 * `planTick`, persists the decisions (compare-and-set, with their events) and
 * only then starts the runs it claimed. Results land the same way. A crash at
 * any point leaves the store consistent: a claimed run whose holder died comes
 * back when its lease expires, and a finished run is recorded exactly once.
 */
export class AnnealerLoop {
  private readonly options: AnnealerLoopOptions;
  private readonly inFlight = new Map<string, { controller: AbortController; runId: string; done: Promise<void> }>();
  /** Results waiting for the next commit; undefined when none are. */
  private collecting: ResultBatch | undefined;
  private flushing: Promise<void> | undefined;
  private interval: TimerHandle | undefined;
  /** One timer renews the leases of every run in flight, in one commit, instead of a timer and a commit per run. */
  private renewal: TimerHandle | undefined;
  private kicked: TimerHandle | undefined;
  private ticking: Promise<TickReport> | undefined;
  private tickAgain = false;
  /** The periodic tick re-plans everything, a safety net under the incremental ones. */
  private fullTickDue = true;
  /** The records as of the previous tick: what the store changed since is what needs re-planning. */
  private readonly working = new WorkingSet();
  /** Kept across ticks and updated with what changed; rebuilt when roles are bound (parent lists change only then). */
  private index: PlanIndex | undefined;
  /** Node-roles our own recorded results moved, taken into the working set directly, by their place in `index`: their children need planning. */
  private readonly replan: number[] = [];
  private lastTickAtMs = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(options: AnnealerLoopOptions) {
    if (!(options.tickEveryMs > 0)) throw new Error(`tickEveryMs: ${options.tickEveryMs} — use a period in milliseconds > 0`);
    this.options = options;
  }

  start(): void {
    this.stopped = false;
    this.interval = this.options.clock.setInterval(() => {
      this.fullTickDue = true;
      this.kick();
    }, this.options.tickEveryMs);
    this.renewal = this.options.clock.setInterval(() => void this.renewLeases(), Math.max(1, Math.floor(this.options.limits.leaseMs / 3)));
    this.kick();
  }

  /** Asks for a tick soon; kicks that arrive together make one tick. */
  kick(): void {
    if (this.stopped || this.kicked) return;
    const { clock, minTickGapMs = 0 } = this.options;
    this.kicked = clock.setTimeout(
      () => {
        this.kicked = undefined;
        void this.tick();
      },
      Math.max(0, this.lastTickAtMs + minTickGapMs - clock.now()),
    );
  }

  /** Runs one tick now, or joins the one running and asks for another after it (it may have read too early). */
  tick(): Promise<TickReport> {
    if (this.ticking) {
      this.tickAgain = true;
      return this.ticking;
    }
    this.ticking = this.runTick().finally(() => {
      this.ticking = undefined;
      if (this.tickAgain) {
        this.tickAgain = false;
        this.kick();
      }
    });
    return this.ticking;
  }

  /** Stops ticking and aborts runs in flight; their leases expire and another holder takes them. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.options.clock.clearInterval(this.interval);
    this.options.clock.clearInterval(this.renewal);
    this.options.clock.clearTimeout(this.kicked);
    this.kicked = undefined;
    const runs = [...this.inFlight.values()];
    for (const run of runs) run.controller.abort(new Error('the annealer is stopping'));
    await Promise.allSettled(runs.map((r) => r.done));
    await this.ticking;
  }

  get runsInFlight(): number {
    return this.inFlight.size;
  }

  /**
   * Brings the working set up to the store's revision and the index with it.
   * Returns the node-roles to re-plan (those changed, and every one on a
   * changed node, by id; those our results moved, by place), or undefined to
   * plan them all: on the periodic full tick, when the store cannot say what
   * changed, and when a deployment changed.
   */
  private async catchUp(): Promise<{ readonly changed: Set<string> | undefined; readonly changedAt: number[]; readonly index: PlanIndex }> {
    const { store } = this.options;
    const working = this.working;
    const changes = this.fullTickDue || working.revision === undefined || !this.index ? undefined : await store.changes(working.revision);
    this.fullTickDue = false;
    if (!changes || !this.index) {
      working.reset(await store.snapshot());
      this.index = PlanIndex.of(this.view());
      this.replan.length = 0;
      return { changed: undefined, changedAt: [], index: this.index };
    }
    const { rebound } = working.apply(changes);
    // A rebuilt index numbers the node-roles it had as before (new ones go last), so `replan` still holds.
    if (rebound) this.index = PlanIndex.of(this.view());
    else this.index.update(Array.from(changes.nodeRoles.values(), (record) => record.value));
    const changed = new Set(changes.nodeRoles.keys());
    for (const name of changes.nodes.keys()) for (const id of this.index.onNode.get(name) ?? []) changed.add(id);
    return { changed: changes.deployments.size > 0 ? undefined : changed, changedAt: this.replan.splice(0), index: this.index };
  }

  /**
   * Takes one of the loop's own commits into the working set and the index,
   * when nothing else landed since the last catch-up; otherwise the next
   * catch-up reads it back like anyone's. The loop's writes only move
   * node-roles along (applyDecision), so the dependency graph stays. A tick's
   * own decisions need no planning again (planning them gives them back
   * unchanged); recorded results do, for their children: `replan` says which.
   */
  private absorb(moves: readonly NodeRoleWrite[], result: CommitResult, options: { readonly replan: boolean; readonly places?: readonly number[] }): void {
    const { index } = this;
    if (!index) return;
    // The working set's places are the index's positions (both follow the records' order).
    const places = this.working.absorbMoves(moves, result, options.places);
    if (!places) return;
    for (let i = 0; i < moves.length; i++) index.replace(places[i]!, moves[i]!.value);
    if (options.replan) for (const place of places) this.replan.push(place);
  }

  private view(): AnnealerView {
    return {
      nowMs: this.options.clock.now(),
      roles: this.options.catalog.roles,
      nodes: this.working.nodes,
      deployments: this.working.deployments,
      nodeRoles: this.working.nodeRoles,
      limits: this.options.limits,
    };
  }

  private async runTick(): Promise<TickReport> {
    this.lastTickAtMs = this.options.clock.now();
    const { changed, changedAt, index } = await this.catchUp();
    const decisions = planTick(this.view(), changed ? { changed, changedAt, index } : { index });
    if (decisions.length === 0) return { decisions: 0, started: 0, conflicted: false };
    const starts: Array<Extract<Decision, { type: 'start' }>> = [];
    // A tick may decide twice for one node-role (todo, then claimed): fold them into one write and one
    // event. By index position (the index's records are the working set's), not by id: a fleet's worth.
    const moves: Array<{ readonly at: number; readonly before: NodeRole; after: NodeRole }> = [];
    // Each position's move, counted from 1: a fresh array is all zeros, "none yet".
    const moveAt = new Int32Array(index.ids.length);
    for (const decision of decisions) {
      const slot = moveAt[decision.at]! - 1;
      if (slot >= 0) moves[slot]!.after = applyDecision(moves[slot]!.after, decision);
      else {
        moveAt[decision.at] = moves.length + 1;
        const before = index.records[decision.at]!;
        moves.push({ at: decision.at, before, after: applyDecision(before, decision) });
      }
      if (decision.type === 'start') starts.push(decision);
    }
    const writes: NodeRoleWrite[] = [];
    const events: EventInput[] = [];
    const places: number[] = [];
    for (const { at, before, after } of moves) {
      writes.push({ kind: 'node-role', value: after, expectedVersion: this.working.versionAt(at) });
      events.push(stateEvent(before, after));
      places.push(at);
    }
    try {
      this.absorb(writes, await this.options.store.commit(writes, events), { replan: false, places });
    } catch (error) {
      if (error instanceof ConflictError) return { decisions: decisions.length, started: 0, conflicted: true };
      throw error;
    }
    // One signal for the runs a tick starts: only stopping aborts a run, and it aborts them all.
    // A signal of their own would cost each of a fleet's runs an AbortController.
    const batch = new AbortController();
    setMaxListeners(Math.max(10, starts.length * ABORT_LISTENERS_PER_RUN), batch.signal);
    for (const start of starts) this.launch(moves[moveAt[start.at]! - 1]!.after, start, batch);
    return { decisions: decisions.length, started: starts.length, conflicted: false };
  }

  private launch(nodeRole: NodeRole, start: Extract<Decision, { type: 'start' }>, controller: AbortController): void {
    this.inFlight.set(nodeRole.id, { controller, runId: start.state.runId, done: this.execute(nodeRole, start, controller.signal) });
  }

  /** Runs the work and records its result; one async function a run, not a chain of promises (a fleet starts them by the ten thousand). */
  private async execute(nodeRole: NodeRole, start: Extract<Decision, { type: 'start' }>, signal: AbortSignal): Promise<void> {
    const { runId } = start.state;
    try {
      let result: RunResult | undefined;
      try {
        result = await this.options.runnerFor(nodeRole.role).run({ nodeRole, runId, inputs: start.inputs }, signal);
      } catch (error) {
        // Stopping leaves the run to its lease; any other throw is a failed run, retried as the role allows.
        result = signal.aborted ? undefined : { status: 'failed', message: error instanceof Error ? error.message : String(error), retryable: true };
      }
      await this.finish(nodeRole.id, runId, result);
    } finally {
      this.inFlight.delete(nodeRole.id);
      this.kick();
    }
  }

  /**
   * Records a result. Results that arrive together land in one transaction;
   * each is checked against its node-role as it is now, so a stale one (its
   * lease was lost and the run rescheduled) is dropped, never applied.
   */
  private finish(id: string, runId: string, result: RunResult | undefined): Promise<void> {
    if (result === undefined) return Promise.resolve();
    const batch = (this.collecting ??= new ResultBatch());
    batch.entries.push({ id, runId, result });
    this.flushing ??= this.flushResults().finally(() => (this.flushing = undefined));
    return batch.recorded;
  }

  private async flushResults(): Promise<void> {
    // Let results finishing in the same turn join the batch.
    await Promise.resolve();
    for (let batch = this.collecting; batch; batch = this.collecting) {
      this.collecting = undefined;
      try {
        await this.recordResults(batch.entries);
        batch.settle();
      } catch (error) {
        batch.settle(error);
      }
    }
  }

  private async recordResults(batch: readonly PendingResult[]): Promise<void> {
    try {
      await retryOnConflict(() => this.recordResultsOnce(batch));
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      throw new Error(`Failed to record ${batch.length} run result(s): their node-roles kept changing under them — is another orchestrator running without leases?`);
    }
  }

  /** One read-decide-commit of a batch of results: each checked against its node-role as it is now. */
  private async recordResultsOnce(batch: readonly PendingResult[]): Promise<void> {
    const current = await this.options.store.nodeRoles(batch.map((entry) => entry.id));
    const view = { nowMs: this.options.clock.now(), roles: this.options.catalog.roles };
    const writes: NodeRoleWrite[] = [];
    const events: EventInput[] = [];
    for (let i = 0; i < batch.length; i++) {
      const { runId, result } = batch[i]!;
      const stored = current[i];
      const completion: RunCompletion | undefined = stored && completeRun(view, stored.value, runId, result, this.options.random);
      if (!stored || !completion) continue;
      const after = applyDecision(stored.value, completion);
      writes.push({ kind: 'node-role', value: after, expectedVersion: stored.version });
      events.push(stateEvent(stored.value, after, { runId, status: result.status }));
    }
    if (writes.length === 0) return;
    this.absorb(writes, await this.options.store.commit(writes, events), { replan: true });
  }

  /**
   * Moves the lease of every run in flight a whole lease on, in one commit.
   * A run whose node-role moved meanwhile (it finished, or lost its lease to
   * another holder) is left alone; if the batch keeps conflicting, the next
   * renewal, a third of a lease later, tries again before any lease lapses.
   */
  private async renewLeases(): Promise<void> {
    const runs = [...this.inFlight].map(([id, { runId }]) => ({ id, runId }));
    if (runs.length === 0) return;
    const { clock, limits, store } = this.options;
    const renewOnce = async (): Promise<void> => {
      const current = await store.nodeRoles(runs.map((run) => run.id));
      const leaseUntilMs = clock.now() + limits.leaseMs;
      const writes: NodeRoleWrite[] = [];
      for (let i = 0; i < runs.length; i++) {
        const { runId } = runs[i]!;
        const stored = current[i];
        if (!stored || stored.value.state.kind !== 'running' || stored.value.state.runId !== runId) continue;
        writes.push({ kind: 'node-role', value: { ...stored.value, state: { ...stored.value.state, leaseUntilMs } }, expectedVersion: stored.version });
      }
      if (writes.length === 0) return;
      this.absorb(writes, await store.commit(writes, []), { replan: false });
    };
    try {
      await retryOnConflict(renewOnce);
    } catch (error) {
      // Still conflicting: the next renewal tries again before any lease lapses.
      if (!(error instanceof ConflictError)) throw error;
    }
  }
}

/**
 * Where a node-role went, read from one of the loop's events: a run's end is
 * `node-role.finished`, every other move `node-role.state`; anything else is
 * not a move. For followers of the event stream (the CLI, scenario runners).
 */
export function nodeRoleMove(event: { readonly type: string; readonly data: Readonly<Record<string, unknown>> }): { readonly to: string; readonly message: string | undefined } | undefined {
  if (event.type !== 'node-role.state' && event.type !== 'node-role.finished') return undefined;
  const message = event.data['message'];
  return { to: String(event.data['to']), message: typeof message === 'string' ? message : undefined };
}
