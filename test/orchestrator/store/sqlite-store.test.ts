import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, SqliteStore, type NodeRecord } from '../../../orchestrator/index.js';
import { VirtualClock } from '../../../sim/index.js';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drill-store-'));
  dirs.push(dir);
  return join(dir, 'drill.db');
}

const node = (name: string, reachable = true): NodeRecord => ({ name, reachable, paused: false, attributes: {} });

describe('SQLite store', () => {
  it('commits records and their events together and reads them back after a reopen', async () => {
    const path = tempFile();
    const clock = new VirtualClock();
    const store = new SqliteStore({ path, clock });
    const result = await store.commit([{ kind: 'node', value: node('r1-s1'), expectedVersion: undefined }], [
      { type: 'node.enrolled', subject: 'r1-s1', data: { bmc: '127.1.1.1' } },
    ]);
    expect(result.versions.get('node:r1-s1')).toBe(1);
    expect(result.events).toEqual([{ seq: 1, atMs: clock.now(), type: 'node.enrolled', subject: 'r1-s1', data: { bmc: '127.1.1.1' } }]);
    await store.close();

    const reopened = new SqliteStore({ path, clock });
    const snapshot = await reopened.snapshot();
    expect(snapshot.nodes.get('r1-s1')).toEqual({ value: node('r1-s1'), version: 1 });
    expect(snapshot.eventSeq).toBe(1);
    expect(await reopened.events(0, 10)).toHaveLength(1);
    await reopened.close();
  });

  it('refuses a stale write and applies none of the commit', async () => {
    const store = new SqliteStore({ path: ':memory:', clock: new VirtualClock() });
    await store.commit([{ kind: 'node', value: node('a'), expectedVersion: undefined }], []);
    await store.commit([{ kind: 'node', value: node('a', false), expectedVersion: 1 }], []);
    const attempt = store.commit(
      [
        { kind: 'node', value: node('b'), expectedVersion: undefined },
        { kind: 'node', value: node('a'), expectedVersion: 1 },
      ],
      [{ type: 'x', subject: 'a', data: {} }],
    );
    await expect(attempt).rejects.toBeInstanceOf(ConflictError);
    await expect(attempt).rejects.toThrow('Failed to commit node:a: expected version 1, found version 2 — re-read and try again');
    const snapshot = await store.snapshot();
    expect(snapshot.nodes.has('b')).toBe(false);
    expect(snapshot.eventSeq).toBe(0);
    await expect(store.commit([{ kind: 'node', value: node('a'), expectedVersion: undefined }], [])).rejects.toThrow(/expected no record, found version 2/);
    await store.close();
  });

  it('pages through events in order', async () => {
    const store = new SqliteStore({ path: ':memory:', clock: new VirtualClock() });
    for (let i = 0; i < 5; i++) await store.commit([], [{ type: 'tick', subject: 's', data: { i } }]);
    expect((await store.events(0, 2)).map((e) => e.data.i)).toEqual([0, 1]);
    expect((await store.events(2, 10)).map((e) => e.seq)).toEqual([3, 4, 5]);
    await store.close();
  });

  it('migrates a file from the first schema without losing records', async () => {
    const path = tempFile();
    const db = new Database(path);
    db.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY);
      INSERT INTO schema_migrations (version) VALUES (1);
      CREATE TABLE nodes (name TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL);
      CREATE TABLE deployments (name TEXT PRIMARY KEY, version INTEGER NOT NULL, data TEXT NOT NULL);
      CREATE TABLE node_roles (id TEXT PRIMARY KEY, deployment TEXT NOT NULL, node TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL);
      CREATE INDEX node_roles_by_node ON node_roles (node);
      CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, type TEXT NOT NULL, subject TEXT NOT NULL, data TEXT NOT NULL);`);
    const nodeRole = { id: 'lab/os@n1', deployment: 'lab', role: 'os', node: 'n1', parents: [], softParents: [], state: { kind: 'active' }, attempts: 0, runCount: 1, attributes: {} };
    db.prepare('INSERT INTO node_roles VALUES (?, ?, ?, ?, ?)').run(nodeRole.id, 'lab', 'n1', 3, JSON.stringify(nodeRole));
    db.close();
    const store = new SqliteStore({ path, clock: new VirtualClock() });
    expect((await store.snapshot()).nodeRoles.get('lab/os@n1')).toEqual({ value: nodeRole, version: 3 });
    await store.close();
    const after = new Database(path);
    const sql = (after.prepare("SELECT sql FROM sqlite_master WHERE name = 'node_roles'").get() as { sql: string }).sql;
    expect(sql).toMatch(/WITHOUT ROWID/);
    expect(after.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({ v: 2 });
    after.close();
  });

  it('refuses a file written by a newer drill instead of corrupting it', async () => {
    const path = tempFile();
    await new SqliteStore({ path, clock: new VirtualClock() }).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (version) VALUES (99)').run();
    db.close();
    expect(() => new SqliteStore({ path, clock: new VirtualClock() })).toThrow(/schema is version 99, newer than this drill understands .* — upgrade drill/);
  });
});
