import type { NodeRole } from '../annealer/index.js';
import type { DeploymentRecord, NodeRecord, StoreChanges, StoreSnapshot } from '../store/index.js';

/**
 * The loop's own copy of the records it plans from, kept at one store
 * revision: replaced from a snapshot, then moved on by applying the store's
 * changes, so a tick costs what changed rather than a copy of the fleet.
 * Values and node-role versions are kept apart, so that planning reads
 * plain maps of records.
 */
export class WorkingSet {
  readonly nodes = new Map<string, NodeRecord>();
  readonly deployments = new Map<string, DeploymentRecord>();
  readonly nodeRoles = new Map<string, NodeRole>();
  /** The version each node-role was read at: the loop's writes compare it. */
  readonly versions = new Map<string, number>();
  /** The store revision these records are at; undefined until the first snapshot. */
  revision: number | undefined;

  reset(snapshot: StoreSnapshot): void {
    this.nodes.clear();
    this.deployments.clear();
    this.nodeRoles.clear();
    this.versions.clear();
    for (const [name, record] of snapshot.nodes) this.nodes.set(name, record.value);
    for (const [name, record] of snapshot.deployments) this.deployments.set(name, record.value);
    for (const [id, record] of snapshot.nodeRoles) {
      this.nodeRoles.set(id, record.value);
      this.versions.set(id, record.version);
    }
    this.revision = snapshot.revision;
  }

  /** Applies `changes`; says whether any node-role is new or has other parents than before (the dependency graph moved). */
  apply(changes: StoreChanges): { readonly rebound: boolean } {
    let rebound = false;
    for (const [id, record] of changes.nodeRoles) {
      const before = this.nodeRoles.get(id);
      if (!before || before.parents !== record.value.parents || before.softParents !== record.value.softParents) rebound = true;
      this.nodeRoles.set(id, record.value);
      this.versions.set(id, record.version);
    }
    for (const [name, record] of changes.nodes) this.nodes.set(name, record.value);
    for (const [name, record] of changes.deployments) this.deployments.set(name, record.value);
    this.revision = changes.revision;
    return { rebound };
  }
}
