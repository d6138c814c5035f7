import Database from 'better-sqlite3';
import type { NodeRole } from '../annealer/index.js';
import type { Clock } from '../ports/clock.js';
import {
  ConflictError,
  recordKey,
  writtenVersion,
  writtenVersions,
  type CommitResult,
  type DeploymentRecord,
  type EventInput,
  type NodeRecord,
  type Store,
  type StoreChanges,
  type StoredEvent,
  type StoreSnapshot,
  type StoreWrite,
  type Versioned,
} from './store.js';

/** Schema changes, in order; each runs once, in the transaction that records it. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE nodes (name TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL);
   CREATE TABLE deployments (name TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL);
   CREATE TABLE node_roles (id TEXT PRIMARY KEY, deployment TEXT NOT NULL, node TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL);
   CREATE INDEX node_roles_by_node ON node_roles (node);
   CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, type TEXT NOT NULL, subject TEXT NOT NULL, data TEXT NOT NULL);`,
  // Node-roles are read whole into memory and written by key: a clustered table
  // (WITHOUT ROWID) makes each compare-and-set one B-tree, and the by-node index
  // had no reader left.
  `CREATE TABLE node_roles_clustered (id TEXT PRIMARY KEY, deployment TEXT NOT NULL, node TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL) WITHOUT ROWID;
   INSERT INTO node_roles_clustered (id, deployment, node, version, data) SELECT id, deployment, node, version, data FROM node_roles;
   DROP TABLE node_roles;
   ALTER TABLE node_roles_clustered RENAME TO node_roles;`,
  // Most node-role writes only move its state: they rewrite this small column,
  // not the whole record (NULL: `data` is the whole record).
  `ALTER TABLE node_roles ADD COLUMN progress TEXT;`,
  // Runs move a node-role's progress many times for each time its binding
  // changes, and SQLite rewrites a whole row to change one column: progress
  // and version move to a narrow table of their own. Keyed like node_roles
  // (deployment/role@node), a wave of one role over many nodes rewrites
  // neighbouring rows, so a commit dirties few pages.
  `CREATE TABLE node_role_progress (id TEXT PRIMARY KEY, version INTEGER NOT NULL, progress TEXT) WITHOUT ROWID;
   INSERT INTO node_role_progress (id, version, progress) SELECT id, version, progress FROM node_roles;
   ALTER TABLE node_roles DROP COLUMN progress;
   ALTER TABLE node_roles DROP COLUMN version;`,
];

/** The part of a node-role that runs change; the rest (role, node, parents, attributes) changes only when it is bound or edited. */
type NodeRoleProgress = Pick<NodeRole, 'state' | 'attempts' | 'runCount' | 'lastGood' | 'lastError'>;

function progressOf(nr: NodeRole): NodeRoleProgress {
  return { state: nr.state, attempts: nr.attempts, runCount: nr.runCount, lastGood: nr.lastGood, lastError: nr.lastError };
}

/** Same binding, attributes and identity: only the progress differs. Records are immutable, so unchanged parts are the same objects. */
function onlyProgressDiffers(before: NodeRole, after: NodeRole): boolean {
  return before.parents === after.parents && before.softParents === after.softParents && before.attributes === after.attributes && before.id === after.id;
}

function readNodeRole(data: string, progress: string | null): NodeRole {
  const base = JSON.parse(data) as NodeRole;
  if (progress === null) return base;
  const p = JSON.parse(progress) as Partial<NodeRoleProgress>;
  return { ...base, state: p.state!, attempts: p.attempts!, runCount: p.runCount!, lastGood: p.lastGood, lastError: p.lastError };
}

const ALL_KINDS: readonly StoreWrite['kind'][] = ['node', 'deployment', 'node-role'];

/** Record keys the change log keeps, by default, before it forgets the older half (a reader that far behind takes a snapshot). */
const CHANGE_LOG_LIMIT = 1 << 18;

/** Events inserted per statement: one round trip into SQLite for many rows. */
const EVENT_BATCH = 64;

/** Where each kind's version lives: a node-role's beside its progress. */
const TABLE: Record<StoreWrite['kind'], { table: string; key: string }> = {
  node: { table: 'nodes', key: 'name' },
  deployment: { table: 'deployments', key: 'name' },
  'node-role': { table: 'node_role_progress', key: 'id' },
};

interface NodeRoleStatements {
  readonly insert: Database.Statement<[string, string, string, string]>;
  readonly insertProgress: Database.Statement<[string, number]>;
  readonly update: Database.Statement<[string, string]>;
  readonly updateProgress: Database.Statement<[number, string | null, string, number]>;
}

/** A compare-and-set matched no row: turned into a ConflictError naming the record. */
class StaleWrite extends Error {}

/**
 * What a commit changed in the cache, to put back if its transaction fails.
 * The cache is written beside each row (the key just looked up is still in
 * the processor's cache then), not in a second pass over a fleet's writes.
 */
class CacheUndo {
  private readonly maps: Array<Map<string, Versioned<unknown>>> = [];
  private readonly keys: string[] = [];
  private readonly previous: Array<Versioned<unknown> | undefined> = [];

  set<T>(map: Map<string, Versioned<T>>, key: string, previous: Versioned<T> | undefined, next: Versioned<T>): void {
    this.maps.push(map as Map<string, Versioned<unknown>>);
    this.keys.push(key);
    this.previous.push(previous);
    map.set(key, next);
  }

  /** Newest first, so a key written twice ends as it was before either. */
  rollBack(): void {
    for (let i = this.keys.length - 1; i >= 0; i--) {
      const previous = this.previous[i];
      if (previous === undefined) this.maps[i]!.delete(this.keys[i]!);
      else this.maps[i]!.set(this.keys[i]!, previous);
    }
  }
}

interface RecordCache {
  readonly nodes: Map<string, Versioned<NodeRecord>>;
  readonly deployments: Map<string, Versioned<DeploymentRecord>>;
  readonly nodeRoles: Map<string, Versioned<NodeRole>>;
  eventSeq: number;
}

/** Which records each commit wrote, oldest first, for `changes`: kept in memory, from `floor` on. */
interface ChangeLog {
  /** `changes` can answer for any revision from here on. */
  floor: number;
  /** Revision of each entry, ascending, beside the kind and key it wrote. */
  readonly revisions: number[];
  readonly kinds: StoreWrite['kind'][];
  readonly keys: string[];
}

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for a store that lives as long as the process (model fidelity). */
  path: string;
  clock: Clock;
  /** Record keys `changes` remembers before it forgets the older half (default 262,144). */
  changeLogLimit?: number;
}

/**
 * The embedded store: one SQLite file in WAL mode, every commit one
 * IMMEDIATE transaction, so a crash leaves either all of a commit or none of it.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly changeLogLimit: number;
  private cache: RecordCache | undefined;
  private dataVersion = -1;
  /** Moves on with every commit, and when another process's writes are read in. */
  private revision = 0;
  private log: ChangeLog = { floor: 0, revisions: [], kinds: [], keys: [] };
  /** The cache maps a snapshot holds: copied before they are changed. */
  private readonly shared = new Set<StoreWrite['kind']>();
  /** Prepared once: every read asks it, and `pragma()` would prepare it anew each time. */
  private readonly dataVersionQuery: Database.Statement<[], number>;
  private readonly commitTx: Database.Transaction<(writes: readonly StoreWrite[], events: readonly EventInput[], cache: RecordCache, undo: CacheUndo) => StoredEvent[]>;
  /** The last progress written and its text: a deployment's commit blocks thousands of node-roles with the same progress, written once as text. */
  private lastProgress: { readonly progress: NodeRoleProgress; readonly text: string } | undefined;

  constructor(options: SqliteStoreOptions) {
    this.clock = options.clock;
    this.changeLogLimit = options.changeLogLimit ?? CHANGE_LOG_LIMIT;
    if (!(Number.isInteger(this.changeLogLimit) && this.changeLogLimit >= 1)) throw new Error(`changeLogLimit: ${this.changeLogLimit} — use a whole number of record keys ≥ 1`);
    this.db = new Database(options.path);
    // Takes effect only when the file is new. A tick writes one role's node-roles
    // over many nodes, neighbouring rows: bigger pages mean fewer of them to write.
    this.db.pragma('page_size = 16384');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('temp_store = MEMORY');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
    this.dataVersionQuery = this.db.prepare<[], number>('PRAGMA data_version').pluck();
    const versionOf = Object.fromEntries(
      Object.entries(TABLE).map(([kind, { table, key }]) => [kind, this.db.prepare<[string], { version: number }>(`SELECT version FROM ${table} WHERE ${key} = ?`)]),
    ) as Record<StoreWrite['kind'], Database.Statement<[string], { version: number }>>;
    const insertRecord = {
      node: this.db.prepare<[string, number, string]>('INSERT INTO nodes (name, version, data) VALUES (?, ?, ?)'),
      deployment: this.db.prepare<[string, number, string]>('INSERT INTO deployments (name, version, data) VALUES (?, ?, ?)'),
    };
    // The compare-and-set is the WHERE clause: one index lookup per write.
    const updateRecord = {
      node: this.db.prepare<[number, string, string, number]>('UPDATE nodes SET version = ?, data = ? WHERE name = ? AND version = ?'),
      deployment: this.db.prepare<[number, string, string, number]>('UPDATE deployments SET version = ?, data = ? WHERE name = ? AND version = ?'),
    };
    const insertEvent = this.db.prepare<Array<number | string>>('INSERT INTO events (at_ms, type, subject, data) VALUES (?, ?, ?, ?)');
    const insertEvents = this.db.prepare<Array<number | string>>(`INSERT INTO events (at_ms, type, subject, data) VALUES ${Array(EVENT_BATCH).fill('(?, ?, ?, ?)').join(', ')}`);
    const statements: NodeRoleStatements = {
      insert: this.db.prepare('INSERT INTO node_roles (id, deployment, node, data) VALUES (?, ?, ?, ?)'),
      insertProgress: this.db.prepare('INSERT INTO node_role_progress (id, version, progress) VALUES (?, ?, NULL)'),
      update: this.db.prepare('UPDATE node_roles SET data = ? WHERE id = ?'),
      updateProgress: this.db.prepare('UPDATE node_role_progress SET version = ?, progress = ? WHERE id = ? AND version = ?'),
    };
    this.commitTx = this.db.transaction((writes: readonly StoreWrite[], events: readonly EventInput[], cache: RecordCache, undo: CacheUndo): StoredEvent[] => {
      for (const write of writes) {
        const id = write.kind === 'node-role' ? write.value.id : write.value.name;
        const version = writtenVersion(write);
        try {
          if (write.kind === 'node-role') this.writeNodeRole(write.value, write.expectedVersion, version, statements, cache.nodeRoles, undo);
          else {
            if (write.expectedVersion === undefined) insertRecord[write.kind].run(id, version, JSON.stringify(write.value));
            else if (updateRecord[write.kind].run(version, JSON.stringify(write.value), id, write.expectedVersion).changes !== 1) throw new StaleWrite();
            const map: Map<string, Versioned<NodeRecord | DeploymentRecord>> = write.kind === 'node' ? cache.nodes : cache.deployments;
            undo.set(map, id, map.get(id), { value: write.value, version });
          }
        } catch (error) {
          if (error instanceof StaleWrite || (error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
            throw new ConflictError(recordKey(write), write.expectedVersion, versionOf[write.kind].get(id)?.version);
          }
          throw error;
        }
      }
      const atMs = this.clock.now();
      const stored: StoredEvent[] = [];
      for (let i = 0; i < events.length; ) {
        const batch = events.length - i >= EVENT_BATCH ? EVENT_BATCH : 1;
        const args: Array<number | string> = [];
        for (let j = i; j < i + batch; j++) {
          const event = events[j]!;
          args.push(atMs, event.type, event.subject, JSON.stringify(event.data));
        }
        // One INSERT numbers its rows consecutively, inside this transaction nobody else writes in.
        const last = Number((batch === 1 ? insertEvent : insertEvents).run(...args).lastInsertRowid);
        for (let j = 0; j < batch; j++) {
          const { type, subject, data } = events[i + j]!;
          stored.push({ type, subject, data, seq: last - batch + 1 + j, atMs });
        }
        i += batch;
      }
      return stored;
    });
  }

  /** A node-role's write: a move of its progress rewrites only that row, anything else the record as well (progress NULL: the record is whole). */
  private writeNodeRole(
    value: NodeRole,
    expectedVersion: number | undefined,
    version: number,
    statements: NodeRoleStatements,
    cached: Map<string, Versioned<NodeRole>>,
    undo: CacheUndo,
  ): void {
    const previous = cached.get(value.id);
    if (expectedVersion === undefined) {
      statements.insertProgress.run(value.id, version);
      statements.insert.run(value.id, value.deployment, value.node, JSON.stringify(value));
    } else {
      const whole = !previous || !onlyProgressDiffers(previous.value, value);
      if (statements.updateProgress.run(version, whole ? null : this.progressText(value), value.id, expectedVersion).changes !== 1) throw new StaleWrite();
      if (whole) statements.update.run(JSON.stringify(value), value.id);
    }
    undo.set(cached, value.id, previous, { value, version });
  }

  private progressText(nr: NodeRole): string {
    const last = this.lastProgress?.progress;
    if (last && last.state === nr.state && last.attempts === nr.attempts && last.runCount === nr.runCount && last.lastGood === nr.lastGood && last.lastError === nr.lastError) {
      return this.lastProgress!.text;
    }
    const progress = progressOf(nr);
    const text = JSON.stringify(progress);
    this.lastProgress = { progress, text };
    return text;
  }

  /**
   * The cache's own maps, not copies: a commit after a snapshot copies a map
   * before changing it (copy on write), so a snapshot never changes under its
   * reader, and a tick that reads several snapshots between two commits pays
   * for one copy, not one per read.
   */
  async snapshot(): Promise<StoreSnapshot> {
    const cache = this.fresh();
    for (const kind of ALL_KINDS) this.shared.add(kind);
    return { nodes: cache.nodes, deployments: cache.deployments, nodeRoles: cache.nodeRoles, eventSeq: cache.eventSeq, revision: this.revision };
  }

  async changes(afterRevision: number): Promise<StoreChanges | undefined> {
    const cache = this.fresh();
    const { floor, revisions, kinds, keys } = this.log;
    if (afterRevision < floor || afterRevision > this.revision) return undefined;
    const nodes = new Map<string, Versioned<NodeRecord>>();
    const deployments = new Map<string, Versioned<DeploymentRecord>>();
    const nodeRoles = new Map<string, Versioned<NodeRole>>();
    let from = revisions.length;
    while (from > 0 && revisions[from - 1]! > afterRevision) from--;
    for (let i = from; i < revisions.length; i++) {
      const key = keys[i]!;
      if (kinds[i] === 'node-role') nodeRoles.set(key, cache.nodeRoles.get(key)!);
      else if (kinds[i] === 'node') nodes.set(key, cache.nodes.get(key)!);
      else deployments.set(key, cache.deployments.get(key)!);
    }
    return { revision: this.revision, nodes, deployments, nodeRoles };
  }

  /** The cache's node map, shared copy-on-write like a snapshot's, without holding the node-roles (a commit of those copies nothing then). */
  async nodes(): Promise<ReadonlyMap<string, Versioned<NodeRecord>>> {
    const cache = this.fresh();
    this.shared.add('node');
    return cache.nodes;
  }

  async nodeRoles(ids: readonly string[]): Promise<Array<Versioned<NodeRole> | undefined>> {
    const { nodeRoles } = this.fresh();
    return ids.map((id) => nodeRoles.get(id));
  }

  async commit(writes: readonly StoreWrite[], events: readonly EventInput[]): Promise<CommitResult> {
    const current = this.fresh();
    // Copied before the transaction writes into them; a failed commit leaves an equal copy.
    const cache = this.shared.size > 0 ? this.unshare(current, writes) : current;
    const undo = new CacheUndo();
    let stored: StoredEvent[];
    try {
      stored = this.commitTx.immediate(writes, events, cache, undo);
    } catch (error) {
      undo.rollBack();
      throw error;
    }
    if (stored.length > 0) cache.eventSeq = stored.at(-1)!.seq;
    this.logChanges(writes);
    return { versions: writtenVersions(writes), events: stored, revision: this.revision };
  }

  private logChanges(writes: readonly StoreWrite[]): void {
    this.revision++;
    const log = this.log;
    for (const write of writes) {
      log.revisions.push(this.revision);
      log.kinds.push(write.kind);
      log.keys.push(write.kind === 'node-role' ? write.value.id : write.value.name);
    }
    if (log.keys.length <= this.changeLogLimit) return;
    // Forget whole commits only, so what is kept answers exactly from its floor on.
    let cut = log.keys.length >> 1;
    while (cut < log.keys.length && log.revisions[cut] === log.revisions[cut - 1]) cut++;
    this.log = { floor: log.revisions[cut - 1]!, revisions: log.revisions.slice(cut), kinds: log.kinds.slice(cut), keys: log.keys.slice(cut) };
  }

  /** Copies the shared maps these writes change (a snapshot holds the old ones) into the cache. */
  private unshare(current: RecordCache, writes: readonly StoreWrite[]): RecordCache {
    const copy = (kind: StoreWrite['kind']): boolean => this.shared.has(kind) && writes.some((w) => w.kind === kind) && this.shared.delete(kind);
    this.cache = {
      nodes: copy('node') ? new Map(current.nodes) : current.nodes,
      deployments: copy('deployment') ? new Map(current.deployments) : current.deployments,
      nodeRoles: copy('node-role') ? new Map(current.nodeRoles) : current.nodeRoles,
      eventSeq: current.eventSeq,
    };
    return this.cache;
  }

  /**
   * The records, parsed once and kept up to date by our own commits. SQLite's
   * data_version moves only when another connection writes the file; then the
   * cache is read again, so a second process sharing the file is never missed.
   */
  private fresh(): RecordCache {
    const dataVersion = this.dataVersionQuery.get()!;
    if (this.cache && dataVersion === this.dataVersion) return this.cache;
    this.shared.clear();
    this.cache = this.db.transaction(() => ({
      nodes: this.readAll<NodeRecord>('SELECT data, version FROM nodes', (n) => n.name),
      deployments: this.readAll<DeploymentRecord>('SELECT data, version FROM deployments', (d) => d.name),
      nodeRoles: this.readNodeRoles(),
      eventSeq: (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events').get() as { seq: number }).seq,
    }))();
    this.dataVersion = dataVersion;
    // Another process wrote the file: which records it changed is not known here.
    this.revision++;
    this.log = { floor: this.revision, revisions: [], kinds: [], keys: [] };
    return this.cache;
  }

  async events(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = this.db
      .prepare<[number, number], { seq: number; at_ms: number; type: string; subject: string; data: string }>(
        'SELECT seq, at_ms, type, subject, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
      )
      .all(afterSeq, limit);
    return rows.map((r) => ({ seq: r.seq, atMs: r.at_ms, type: r.type, subject: r.subject, data: JSON.parse(r.data) as Record<string, unknown> }));
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private readNodeRoles(): Map<string, Versioned<NodeRole>> {
    const out = new Map<string, Versioned<NodeRole>>();
    for (const row of this.db.prepare<[], { data: string; version: number; progress: string | null }>('SELECT r.data, p.version, p.progress FROM node_roles r JOIN node_role_progress p USING (id)').all()) {
      const value = readNodeRole(row.data, row.progress);
      out.set(value.id, { value, version: row.version });
    }
    return out;
  }

  private readAll<T>(sql: string, keyOf: (value: T) => string): Map<string, Versioned<T>> {
    const out = new Map<string, Versioned<T>>();
    for (const row of this.db.prepare<[], { data: string; version: number }>(sql).all()) {
      const value = JSON.parse(row.data) as T;
      out.set(keyOf(value), { value, version: row.version });
    }
    return out;
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)');
    const applied = (this.db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
    if (applied > MIGRATIONS.length) {
      throw new Error(`Failed to open the store: its schema is version ${applied}, newer than this drill understands (${MIGRATIONS.length}) — upgrade drill`);
    }
    MIGRATIONS.slice(applied).forEach((sql, i) => {
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.prepare('INSERT INTO schema_migrations (version) VALUES (?)').run(applied + i + 1);
      })();
    });
  }
}
