import type { DeploymentStatus, NodeRole, NodeStatus } from '../annealer/index.js';
import type { BmcProtocol, FruInventory, HardwareInventory, SensorReading } from '../drivers/bmc-driver.js';

/**
 * The orchestrator's state, behind a small transactional interface: a
 * consistent snapshot to decide on, and an atomic commit of compare-and-set
 * writes together with the events they cause. SQLite is the embedded default;
 * the interface maps onto etcd transactions (compare mod revisions, then put).
 */

/** A stored record with the version it was read at; writes compare it. */
export interface Versioned<T> {
  readonly value: T;
  readonly version: number;
}

/** Where a node is in its life (DESIGN.md "The layers of ready state"); every change is an event. */
export type NodeLifecycle = 'enrolled' | 'inventoried' | 'configured' | 'provisioning' | 'ready' | 'allocated' | 'decommissioning' | 'wiped';

/** How the orchestrator reaches a node's BMC. The password is never here: only a reference into the credentials vault. */
export interface NodeBmc {
  readonly address: string;
  readonly port: number;
  readonly protocol: BmcProtocol;
  readonly credentialsRef: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly firmwareVersion: string;
  readonly uuid?: string;
  /** The Redfish vendor profile the driver chose, when it speaks Redfish. */
  readonly profile?: string;
}

/** What the BMC told us about the machine: Redfish's component lists, or IPMI's FRU text and sensors. */
export interface NodeInventory {
  readonly source: BmcProtocol;
  /** When it was read, on the orchestrator's clock. */
  readonly readAtMs: number;
  readonly hardware?: HardwareInventory;
  readonly fru?: FruInventory;
  readonly sensors?: readonly SensorReading[];
}

/** What a node's next network boot gets from the provisioner (docs/provisioning.md). */
export type BootIntent =
  | { readonly kind: 'discover' }
  | { readonly kind: 'install'; readonly os: { readonly name: string; readonly version: string }; readonly rootDiskSerial?: string }
  /** Erase every disk (decommission), report, power off. */
  | { readonly kind: 'wipe' }
  | { readonly kind: 'local' };

/** A one-time token a boot script hands its image (install, wipe): only its SHA-256 is kept. */
export interface BootTokenRecord {
  readonly sha256: string;
  readonly expiresAtMs: number;
  /** Set when it was used (the install plan fetched, the wipe reported): a second use is refused. */
  readonly usedAtMs?: number;
}

/** The provisioner's and the agent's state of a node; absent until the node first meets either. */
export interface NodeProvisioning {
  readonly boot: BootIntent;
  readonly installToken?: BootTokenRecord;
  /** The token of the last wipe script served; the wipe image's report uses it up. */
  readonly wipeToken?: BootTokenRecord;
  /** SHA-256 (hex) of the node's agent token; absent when it has none or it was revoked. */
  readonly agentTokenSha256?: string;
  /** When the agent holding the current token first called in. */
  readonly agentSeenAtMs?: number;
  /** MACs the discovery image reported, lower-case, colon-separated. */
  readonly macs?: readonly string[];
  /** What the discovery image saw from inside the machine (the validated `facts` body). */
  readonly facts?: Readonly<Record<string, unknown>>;
  readonly discoveredAtMs?: number;
  readonly installedAtMs?: number;
  /** The installer's message when it reported a failed install. */
  readonly installFailure?: string;
  /** When the wipe image last reported every disk erased. */
  readonly wipedAtMs?: number;
  /** Why the last wipe failed, as the wipe image reported it (or as the provisioner found its report). */
  readonly wipeFailure?: string;
}

export interface NodeRecord extends NodeStatus {
  readonly name: string;
  /** Absent for nodes created by hand (PUT /nodes/{name}) rather than enrolled. */
  readonly lifecycle?: NodeLifecycle;
  readonly bmc?: NodeBmc;
  readonly inventory?: NodeInventory;
  readonly provisioning?: NodeProvisioning;
}

export interface DeploymentRecord extends DeploymentStatus {
  readonly name: string;
}

export interface StoreSnapshot {
  readonly nodes: ReadonlyMap<string, Versioned<NodeRecord>>;
  readonly deployments: ReadonlyMap<string, Versioned<DeploymentRecord>>;
  readonly nodeRoles: ReadonlyMap<string, Versioned<NodeRole>>;
  /** Sequence number of the newest event when the snapshot was taken. */
  readonly eventSeq: number;
  /** Every commit moves the store one revision on (etcd's revision): `changes` starts from here. */
  readonly revision: number;
}

/** The records committed after some revision, each as it is now. */
export interface StoreChanges {
  /** The revision a reader who applies these is at. */
  readonly revision: number;
  readonly nodes: ReadonlyMap<string, Versioned<NodeRecord>>;
  readonly deployments: ReadonlyMap<string, Versioned<DeploymentRecord>>;
  readonly nodeRoles: ReadonlyMap<string, Versioned<NodeRole>>;
}

/**
 * One write. `expectedVersion` undefined: the record must not exist yet;
 * a number: the record must still be at that version.
 */
export type StoreWrite =
  | { readonly kind: 'node'; readonly value: NodeRecord; readonly expectedVersion: number | undefined }
  | { readonly kind: 'deployment'; readonly value: DeploymentRecord; readonly expectedVersion: number | undefined }
  | { readonly kind: 'node-role'; readonly value: NodeRole; readonly expectedVersion: number | undefined };

/** What happened, as persisted and streamed. */
export interface EventInput {
  readonly type: string;
  /** What it is about: a node name, a node-role id, a deployment. */
  readonly subject: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface StoredEvent extends EventInput {
  readonly seq: number;
  /** ms since the epoch, from the orchestrator's clock. */
  readonly atMs: number;
}

export interface CommitResult {
  /** Versions the written records now have, by record key (`node:NAME`, `deployment:NAME`, `node-role:ID`). */
  readonly versions: { get(key: string): number | undefined };
  readonly events: readonly StoredEvent[];
  /** The store's revision with this commit: a reader caught up to `revision − 1` who applies these writes is caught up to it. */
  readonly revision: number;
}

export interface Store {
  snapshot(): Promise<StoreSnapshot>;
  /** Every node as it is now: a consistent read of the nodes alone, for the many callers that need nothing else (cheaper than a snapshot). */
  nodes(): Promise<ReadonlyMap<string, Versioned<NodeRecord>>>;
  /** These node-roles as they are now, in the order asked (undefined: no such node-role): a point read, for work on a few records. */
  nodeRoles(ids: readonly string[]): Promise<Array<Versioned<NodeRole> | undefined>>;
  /**
   * What was committed after `revision` (etcd's watch from a revision), for a
   * reader that keeps its own copy up to date at a cost proportional to the
   * change; undefined when the store can no longer tell (too long ago, or
   * another process wrote the file): take a snapshot then.
   */
  changes(afterRevision: number): Promise<StoreChanges | undefined>;
  /** All writes and events land together, or none does (ConflictError names the first stale record). */
  commit(writes: readonly StoreWrite[], events: readonly EventInput[]): Promise<CommitResult>;
  /** Events after `afterSeq`, oldest first, at most `limit`. */
  events(afterSeq: number, limit: number): Promise<StoredEvent[]>;
  close(): Promise<void>;
}

export function recordKey(write: StoreWrite): string {
  return write.kind === 'node-role' ? `node-role:${write.value.id}` : `${write.kind}:${write.value.name}`;
}

/** The version a committed write leaves its record at: one past the version it was read at, 1 for a new record. */
export function writtenVersion(write: StoreWrite): number {
  return (write.expectedVersion ?? 0) + 1;
}

/** A commit's versions by record key, worked out only if someone asks: a tick's commit of thousands of writes seldom does. */
export function writtenVersions(writes: readonly StoreWrite[]): CommitResult['versions'] {
  let byKey: Map<string, number> | undefined;
  return { get: (key) => (byKey ??= new Map(writes.map((write) => [recordKey(write), writtenVersion(write)]))).get(key) };
}

/** A compare-and-set lost: someone changed the record since it was read. Re-read and decide again. */
export class ConflictError extends Error {
  override name = 'ConflictError';
  readonly code = 'STORE_CONFLICT';
  constructor(
    readonly key: string,
    readonly expectedVersion: number | undefined,
    readonly actualVersion: number | undefined,
  ) {
    super(
      `Failed to commit ${key}: expected ${expectedVersion === undefined ? 'no record' : `version ${expectedVersion}`}, found ${actualVersion === undefined ? 'no record' : `version ${actualVersion}`} — re-read and try again`,
    );
  }
}
