import type { NodeRole } from '../annealer/index.js';
import { writtenVersion, type CommitResult, type DeploymentRecord, type NodeRecord, type StoreChanges, type StoreSnapshot, type StoreWrite } from '../store/index.js';

/** A write of one node-role. */
export type NodeRoleWrite = Extract<StoreWrite, { kind: 'node-role' }>;

/**
 * The loop's own copy of the records it plans from, kept at one store
 * revision: replaced from a snapshot, then moved on by applying the store's
 * changes, so a tick costs what changed rather than a copy of the fleet.
 * Planning reads plain maps of records; versions are kept apart, by place.
 */
export class WorkingSet {
  readonly nodes = new Map<string, NodeRecord>();
  readonly deployments = new Map<string, DeploymentRecord>();
  readonly nodeRoles = new Map<string, NodeRole>();
  /**
   * Each node-role's place: the order `nodeRoles` lists it in, new ones last.
   * A plan index built from these records numbers them in the same order, so
   * a place from one holds in the other, and the loop's hot path indexes
   * arrays instead of looking a fleet's ids up again.
   */
  private readonly places = new Map<string, number>();
  /** The version each node-role was read at, by place: the loop's writes compare it. */
  private readonly versions: number[] = [];
  /** The store revision these records are at; undefined until the first snapshot. */
  revision: number | undefined;

  versionAt(place: number): number {
    return this.versions[place]!;
  }

  reset(snapshot: StoreSnapshot): void {
    this.nodes.clear();
    this.deployments.clear();
    this.nodeRoles.clear();
    this.places.clear();
    this.versions.length = 0;
    for (const [name, record] of snapshot.nodes) this.nodes.set(name, record.value);
    for (const [name, record] of snapshot.deployments) this.deployments.set(name, record.value);
    for (const [id, record] of snapshot.nodeRoles) {
      this.nodeRoles.set(id, record.value);
      this.places.set(id, this.versions.length);
      this.versions.push(record.version);
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
   * back from the store would only copy them. Returns the moves' places (the
   * caller's, when it knows them), or undefined when it did not apply them.
   */
  absorbMoves(moves: readonly NodeRoleWrite[], result: CommitResult, known?: readonly number[]): readonly number[] | undefined {
    if (this.revision === undefined || result.revision !== this.revision + 1) return undefined;
    const places =
      known ??
      moves.map((move) => {
        const place = this.places.get(move.value.id);
        if (place === undefined) throw new Error(`Invariant violated: node-role ${move.value.id}, moved by its owner's own commit, is not in the working set`);
        return place;
      });
    for (let i = 0; i < moves.length; i++) {
      const move = moves[i]!;
      this.nodeRoles.set(move.value.id, move.value);
      this.versions[places[i]!] = writtenVersion(move);
    }
    this.revision = result.revision;
    return places;
  }

  private setNodeRole(value: NodeRole, version: number): boolean {
    const before = this.nodeRoles.get(value.id);
    this.nodeRoles.set(value.id, value);
    const place = this.places.get(value.id);
    if (place === undefined) {
      this.places.set(value.id, this.versions.length);
      this.versions.push(version);
    } else this.versions[place] = version;
    return !before || before.parents !== value.parents || before.softParents !== value.softParents;
  }
}
