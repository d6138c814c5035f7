/**
 * The annealer's vocabulary: roles declared as data, node-roles as the unit of
 * work with one closed state type, and the view of the world a tick decides on.
 */

export interface RetryPolicy {
  /** Attempts before a failing node-role stays in error (1 = no retry). */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface RoleSpec {
  readonly name: string;
  /** Hard requirements: bound on the same node when absent, found anywhere in the deployment otherwise. */
  readonly requires: readonly string[];
  /** Soft ordering: wait for these roles where the deployment has them (a local one: on the same node only); never binds them. */
  readonly after: readonly string[];
  /** A child of a cluster role waits for every node-role of it in the deployment, not just one. */
  readonly cluster: boolean;
  /** A requirement on a local role (the OS, ntp, the agent) is always met on the requirer's own node, never borrowed. */
  readonly local: boolean;
  /** Attribute names this role reads; an attribute some role outputs implies requiring that role. */
  readonly inputs: readonly string[];
  /** Attribute names a successful run must return. */
  readonly outputs: readonly string[];
  readonly retry: RetryPolicy;
  /** At most this many node-roles of this role running at once (undefined: no role limit). */
  readonly maxConcurrent?: number;
}

/**
 * Why a node-role waits. `parents_pending` names no parents: which are still
 * pending changes with every parent that finishes, and storing the list would
 * rewrite the child each time (a cluster barrier over N peers, N times);
 * `waitingOn` works it out when someone asks. A parent in error is news, and
 * rare: `parent_error` names them.
 */
export type BlockedReason =
  | { readonly code: 'parents_pending' }
  | { readonly code: 'parent_error'; readonly parents: readonly string[] }
  | { readonly code: 'node_unreachable' }
  | { readonly code: 'paused' };

export type NodeRoleState =
  | { readonly kind: 'proposed' }
  | { readonly kind: 'blocked'; readonly reason: BlockedReason }
  | { readonly kind: 'todo'; readonly notBeforeMs: number }
  | {
      readonly kind: 'running';
      readonly runId: string;
      readonly leaseUntilMs: number;
      /** Digest of the inputs snapshotted when the run was scheduled. */
      readonly digest: string;
    }
  | { readonly kind: 'active' }
  | {
      readonly kind: 'error';
      readonly message: string;
      /** Input digest of the failed run: new inputs earn a fresh try. */
      readonly digest: string | undefined;
    };

export type NodeRoleStateKind = NodeRoleState['kind'];

export interface LastGoodRun {
  readonly digest: string;
  readonly outputs: Readonly<Record<string, unknown>>;
}

export interface NodeRole {
  /** `deployment/role@node` */
  readonly id: string;
  readonly deployment: string;
  readonly role: string;
  readonly node: string;
  /** Hard parents (node-role ids): their outputs feed this node-role's inputs. */
  readonly parents: readonly string[];
  /** Soft parents: ordering only. */
  readonly softParents: readonly string[];
  readonly state: NodeRoleState;
  /** Consecutive failed attempts of the current input digest. */
  readonly attempts: number;
  readonly runCount: number;
  readonly lastGood: LastGoodRun | undefined;
  /** Why the last run failed; cleared by a successful run. */
  readonly lastError: string | undefined;
  /** Attributes set on this node-role by the operator. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface NodeStatus {
  readonly reachable: boolean;
  readonly paused: boolean;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface DeploymentStatus {
  readonly committed: boolean;
  readonly paused: boolean;
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface AnnealerLimits {
  /** Node-roles running at once across the whole installation. */
  readonly maxRunning: number;
  /** Node-roles running at once on one node (OpenCrowbar's one-run-per-node is 1). */
  readonly maxRunningPerNode: number;
  /** How long a claimed run may go without a result before it returns to todo. */
  readonly leaseMs: number;
}

/** Everything one tick decides on: a consistent snapshot of the store. */
export interface AnnealerView {
  readonly nowMs: number;
  readonly roles: ReadonlyMap<string, RoleSpec>;
  readonly nodes: ReadonlyMap<string, NodeStatus>;
  readonly deployments: ReadonlyMap<string, DeploymentStatus>;
  readonly nodeRoles: ReadonlyMap<string, NodeRole>;
  readonly limits: AnnealerLimits;
}

export function nodeRoleId(deployment: string, role: string, node: string): string {
  return `${deployment}/${role}@${node}`;
}

/** Whether a node-role is blocked waiting on its parents: `waitingOn` says which. */
export function waitsOnParents(state: NodeRoleState): boolean {
  return state.kind === 'blocked' && state.reason.code === 'parents_pending';
}

/** The parents (hard and soft) of a node-role that are not active yet, by id: what a `parents_pending` node-role waits on, as of `stateOf`. */
export function waitingOn(nodeRole: NodeRole, stateOf: (id: string) => NodeRoleState | undefined): string[] {
  return [...nodeRole.parents, ...nodeRole.softParents].filter((id) => stateOf(id)?.kind !== 'active').sort();
}
