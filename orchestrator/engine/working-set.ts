import type { NodeRole } from '../annealer/index.js';
import { writtenVersion, type CommitResult, type DeploymentRecord, type NodeRecord, type StoreChanges, type StoreSnapshot, type StoreWrite } from '../store/index.js';

/** A write of one node-role. */
export type NodeRoleWrite = Extract<StoreWrite, { kind: 'node-role' }>;

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
    for (const record of changes.nodeRoles.values()) rebound = this.setNodeRole(record.value, record.version) || rebound;
    for (const [name, record] of changes.nodes) this.nodes.set(name, record.value);
    for (const [name, record] of changes.deployments) this.deployments.set(name, record.value);
    this.revision = changes.revision;
    return { rebound };
  }

  /**
   * Applies a commit of the caller's own that moved node-roles along (their
   * binding as it was), when it is the very next revision (nothing landed
   * between): the records are then exactly what was written, and reading them
   * back from the store would only copy them. Says whether it did.
   */
  absorbMoves(moves: readonly NodeRoleWrite[], result: CommitResult): boolean {
    if (this.revision === undefined || result.revision !== this.revision + 1) return false;
    for (const move of moves) {
      this.nodeRoles.set(move.value.id, move.value);
      this.versions.set(move.value.id, writtenVersion(move));
    }
    this.revision = result.revision;
    return true;
  }

  private setNodeRole(value: NodeRole, version: number): boolean {
    const before = this.nodeRoles.get(value.id);
    this.nodeRoles.set(value.id, value);
    this.versions.set(value.id, version);
    return !before || before.parents !== value.parents || before.softParents !== value.softParents;
  }
}
