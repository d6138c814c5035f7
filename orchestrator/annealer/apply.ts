import type { RunCompletion } from './complete-run.js';
import type { NodeRole } from './model.js';
import type { Decision } from './plan-tick.js';

export class StaleDecisionError extends Error {
  override name = 'StaleDecisionError';
}

/**
 * Applies one decision to a node-role, compare-and-set style: it lands only if
 * the node-role is still in the state the decision was made from (and, for a
 * finished run, still running that run). A store does the same in a transaction.
 */
export function applyDecision(nr: NodeRole, decision: Decision | RunCompletion): NodeRole {
  if (nr.id !== decision.id) throw new Error(`Invariant violated: decision for ${decision.id} applied to ${nr.id}`);
  if (nr.state.kind !== decision.from) {
    throw new StaleDecisionError(`Failed to apply ${decision.type} to ${nr.id}: it is ${nr.state.kind}, not ${decision.from} — re-plan from a fresh snapshot`);
  }
  switch (decision.type) {
    case 'set-state':
      return { ...nr, state: decision.state, attempts: decision.attempts ?? nr.attempts };
    case 'start':
      return { ...nr, state: decision.state };
    case 'finish':
      if (nr.state.kind !== 'running' || nr.state.runId !== decision.runId) {
        throw new StaleDecisionError(`Failed to finish run ${decision.runId} of ${nr.id}: that run is no longer current`);
      }
      return { ...nr, state: decision.state, attempts: decision.attempts, runCount: decision.runCount, lastGood: decision.lastGood, lastError: decision.lastError };
  }
}
