import Database from 'better-sqlite3';
import type { NodeRole } from '../annealer/index.js';
import type { Clock } from '../ports/clock.js';
import {
  ConflictError,
  recordKey,
  type CommitResult,
  type DeploymentRecord,
  type EventInput,
  type NodeRecord,
  type Store,
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
];

const TABLE: Record<StoreWrite['kind'], { table: string; key: string }> = {
  node: { table: 'nodes', key: 'name' },
  deployment: { table: 'deployments', key: 'name' },
  'node-role': { table: 'node_roles', key: 'id' },
};

interface RecordCache {
  readonly nodes: Map<string, Versioned<NodeRecord>>;
  readonly deployments: Map<string, Versioned<DeploymentRecord>>;
  readonly nodeRoles: Map<string, Versioned<NodeRole>>;
  eventSeq: number;
}

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for a store that lives as long as the process (model fidelity). */
  path: string;
  clock: Clock;
}

/**
 * The embedded store: one SQLite file in WAL mode, every commit one
 * IMMEDIATE transaction, so a crash leaves either all of a commit or none of it.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private cache: RecordCache | undefined;
  private dataVersion = -1;
  private readonly commitTx: Database.Transaction<(writes: readonly StoreWrite[], events: readonly EventInput[]) => CommitResult>;

  constructor(options: SqliteStoreOptions) {
    this.clock = options.clock;
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('cache_size = -65536');
    this.db.pragma('temp_store = MEMORY');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
    const versionOf = Object.fromEntries(
      Object.entries(TABLE).map(([kind, { table, key }]) => [kind, this.db.prepare<[string], { version: number }>(`SELECT version FROM ${table} WHERE ${key} = ?`)]),
    ) as Record<StoreWrite['kind'], Database.Statement<[string], { version: number }>>;
    const insertRecord = {
      node: this.db.prepare<[string, number, string]>('INSERT INTO nodes (name, version, data) VALUES (?, ?, ?)'),
      deployment: this.db.prepare<[string, number, string]>('INSERT INTO deployments (name, version, data) VALUES (?, ?, ?)'),
    };
    const insertNodeRole = this.db.prepare<[string, string, string, number, string]>('INSERT INTO node_roles (id, deployment, node, version, data) VALUES (?, ?, ?, ?, ?)');
    // The compare-and-set is the WHERE clause: one index lookup per write.
    const updateRecord = Object.fromEntries(
      Object.entries(TABLE).map(([kind, { table, key }]) => [kind, this.db.prepare<[number, string, string, number]>(`UPDATE ${table} SET version = ?, data = ? WHERE ${key} = ? AND version = ?`)]),
    ) as Record<StoreWrite['kind'], Database.Statement<[number, string, string, number]>>;
    const insertEvent = this.db.prepare<[number, string, string, string]>('INSERT INTO events (at_ms, type, subject, data) VALUES (?, ?, ?, ?)');
    this.commitTx = this.db.transaction((writes: readonly StoreWrite[], events: readonly EventInput[]): CommitResult => {
      const versions = new Map<string, number>();
      for (const write of writes) {
        const key = recordKey(write);
        const id = write.kind === 'node-role' ? write.value.id : write.value.name;
        const data = JSON.stringify(write.value);
        const version = (write.expectedVersion ?? 0) + 1;
        const conflict = (): ConflictError => new ConflictError(key, write.expectedVersion, versionOf[write.kind].get(id)?.version);
        if (write.expectedVersion !== undefined) {
          if (updateRecord[write.kind].run(version, data, id, write.expectedVersion).changes !== 1) throw conflict();
        } else {
          try {
            if (write.kind === 'node-role') insertNodeRole.run(id, write.value.deployment, write.value.node, version, data);
            else insertRecord[write.kind].run(id, version, data);
          } catch (error) {
            if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw conflict();
            throw error;
          }
        }
        versions.set(key, version);
      }
      const atMs = this.clock.now();
      const stored = events.map((event) => {
        const { lastInsertRowid } = insertEvent.run(atMs, event.type, event.subject, JSON.stringify(event.data));
        return { ...event, seq: Number(lastInsertRowid), atMs };
      });
      return { versions, events: stored };
    });
  }

  async snapshot(): Promise<StoreSnapshot> {
    const cache = this.fresh();
    return { nodes: new Map(cache.nodes), deployments: new Map(cache.deployments), nodeRoles: new Map(cache.nodeRoles), eventSeq: cache.eventSeq };
  }

  async nodeRoles(ids: readonly string[]): Promise<Map<string, Versioned<NodeRole>>> {
    const cache = this.fresh();
    const out = new Map<string, Versioned<NodeRole>>();
    for (const id of ids) {
      const found = cache.nodeRoles.get(id);
      if (found) out.set(id, found);
    }
    return out;
  }

  async commit(writes: readonly StoreWrite[], events: readonly EventInput[]): Promise<CommitResult> {
    const cache = this.fresh();
    const result = this.commitTx.immediate(writes, events);
    for (const write of writes) {
      const version = result.versions.get(recordKey(write))!;
      if (write.kind === 'node') cache.nodes.set(write.value.name, { value: write.value, version });
      else if (write.kind === 'deployment') cache.deployments.set(write.value.name, { value: write.value, version });
      else cache.nodeRoles.set(write.value.id, { value: write.value, version });
    }
    if (result.events.length > 0) cache.eventSeq = result.events.at(-1)!.seq;
    return result;
  }

  /**
   * The records, parsed once and kept up to date by our own commits. SQLite's
   * data_version moves only when another connection writes the file; then the
   * cache is read again, so a second process sharing the file is never missed.
   */
  private fresh(): RecordCache {
    const dataVersion = this.db.pragma('data_version', { simple: true }) as number;
    if (this.cache && dataVersion === this.dataVersion) return this.cache;
    this.cache = this.db.transaction(() => ({
      nodes: this.readAll<NodeRecord>('SELECT data, version FROM nodes', (n) => n.name),
      deployments: this.readAll<DeploymentRecord>('SELECT data, version FROM deployments', (d) => d.name),
      nodeRoles: this.readAll<NodeRole>('SELECT data, version FROM node_roles', (nr) => nr.id),
      eventSeq: (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events').get() as { seq: number }).seq,
    }))();
    this.dataVersion = dataVersion;
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
