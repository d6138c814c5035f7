import type { Random } from '../ports/random.js';
import type { AnnealerView, LastGoodRun, NodeRole, NodeRoleState, RetryPolicy } from './model.js';

/** What a runner reports for one run. */
export type RunResult =
  | { readonly status: 'ok'; readonly outputs: Readonly<Record<string, unknown>>; readonly reboot?: boolean }
  | { readonly status: 'failed'; readonly message: string; readonly retryable: boolean; readonly reboot?: boolean }
  /** More to do (e.g. after a reboot): back to todo without spending an attempt. */
  | { readonly status: 'incomplete'; readonly message?: string; readonly reboot?: boolean };

export interface RunCompletion {
  readonly type: 'finish';
  readonly id: string;
  readonly runId: string;
  readonly from: 'running';
  readonly state: NodeRoleState;
  readonly attempts: number;
  readonly runCount: number;
  readonly lastGood: LastGoodRun | undefined;
  readonly lastError: string | undefined;
}

/** Exponential backoff with jitter drawn from `random`: between half and all of base·2^(n-1), capped. */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number, random: Random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(ceiling / 2 + random.float() * (ceiling / 2));
}

function outputProblem(declared: readonly string[], outputs: Readonly<Record<string, unknown>>): string | undefined {
  const missing = declared.filter((name) => !Object.hasOwn(outputs, name));
  const extra = Object.keys(outputs).filter((name) => !declared.includes(name));
  if (missing.length > 0) return `output ${missing.join(', ')} missing — the runner must return every output the role declares`;
  if (extra.length > 0) return `output ${extra.join(', ')} not declared — declare it in the role's outputs or stop returning it`;
  return undefined;
}

/**
 * Turns a run's result into the node-role's next state, from the node-role as
 * it is now (undefined: it is gone). Returns undefined for a stale result (the
 * run lost its lease and was rescheduled): it must not land.
 */
export function completeRun(view: Pick<AnnealerView, 'nowMs' | 'roles'>, nr: NodeRole | undefined, runId: string, result: RunResult, random: Random): RunCompletion | undefined {
  if (!nr || nr.state.kind !== 'running' || nr.state.runId !== runId) return undefined;
  const { id } = nr;
  const role = view.roles.get(nr.role);
  if (!role) throw new Error(`Invariant violated: node-role ${id} has unknown role ${nr.role}`);
  const { digest } = nr.state;
  // Written out rather than spread from a common base: a fleet's results pass through here by the hundred thousand.
  if (result.status === 'incomplete') {
    return { type: 'finish', id, runId, from: 'running', state: { kind: 'todo', notBeforeMs: view.nowMs }, attempts: nr.attempts, runCount: nr.runCount, lastGood: nr.lastGood, lastError: nr.lastError };
  }
  const problem = result.status === 'ok' ? outputProblem(role.outputs, result.outputs) : undefined;
  if (result.status === 'ok' && problem === undefined) {
    return { type: 'finish', id, runId, from: 'running', state: { kind: 'active' }, attempts: 0, runCount: nr.runCount + 1, lastGood: { digest, outputs: result.outputs }, lastError: undefined };
  }
  const message = result.status === 'failed' ? result.message : problem!;
  const retryable = result.status === 'failed' && result.retryable;
  const failed = nr.attempts + 1;
  const state: NodeRoleState =
    retryable && failed < role.retry.maxAttempts
      ? { kind: 'todo', notBeforeMs: view.nowMs + retryDelayMs(role.retry, failed, random) }
      : { kind: 'error', message, digest };
  return { type: 'finish', id, runId, from: 'running', state, attempts: failed, runCount: nr.runCount + 1, lastGood: nr.lastGood, lastError: message };
}
