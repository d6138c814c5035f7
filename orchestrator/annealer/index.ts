export type {
  AnnealerLimits,
  AnnealerView,
  BlockedReason,
  DeploymentStatus,
  LastGoodRun,
  NodeRole,
  NodeRoleState,
  NodeRoleStateKind,
  NodeStatus,
  RetryPolicy,
  RoleSpec,
} from './model.js';
export { nodeRoleId, waitingOn, waitsOnParents } from './model.js';
export { resolveInputs, stableJson, type ResolvedInputs } from './inputs.js';
export { planTick, type Decision } from './plan-tick.js';
export { PlanIndex } from './plan-index.js';
export { completeRun, retryDelayMs, type RunCompletion, type RunResult } from './complete-run.js';
export { applyDecision, StaleDecisionError } from './apply.js';
export { RoleCatalog, InvalidRolesError, bindRole } from './role-graph.js';
