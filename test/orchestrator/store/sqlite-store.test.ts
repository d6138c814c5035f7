import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, SqliteStore, type NodeRecord, type NodeRole } from '../../../orchestrator/index.js';
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

  it('leaves every node-role as it was when a later write of the same commit is stale, one written twice included', async () => {
    const store = new SqliteStore({ path: ':memory:', clock: new VirtualClock() });
    const nr = (id: string, runCount = 0): NodeRole => ({
      id, deployment: 'lab', role: 'ntp', node: 'n1', parents: [], softParents: [], state: { kind: 'proposed' },
      attempts: 0, runCount, lastGood: undefined, lastError: undefined, attributes: {},
    });
    await store.commit([{ kind: 'node-role', value: nr('lab/a@n1'), expectedVersion: undefined }, { kind: 'node-role', value: nr('lab/b@n1'), expectedVersion: undefined }], []);
    const before = await store.snapshot();
    const attempt = store.commit(
      [
        { kind: 'node-role', value: nr('lab/a@n1', 1), expectedVersion: 1 },
        { kind: 'node-role', value: nr('lab/a@n1', 2), expectedVersion: 2 },
        { kind: 'node-role', value: nr('lab/c@n1'), expectedVersion: undefined },
        { kind: 'node-role', value: nr('lab/b@n1', 1), expectedVersion: 5 },
      ],
      [],
    );
    await expect(attempt).rejects.toThrow('Failed to commit node-role:lab/b@n1: expected version 5, found version 1 — re-read and try again');
    const after = await store.snapshot();
    expect(after.nodeRoles).toEqual(before.nodeRoles);
    expect(after.nodeRoles.get('lab/a@n1')).toEqual({ value: nr('lab/a@n1'), version: 1 });
    expect(after.nodeRoles.has('lab/c@n1')).toBe(false);
    expect(await store.nodeRoles(['lab/a@n1', 'lab/c@n1'])).toEqual([{ value: nr('lab/a@n1'), version: 1 }, undefined]);
    await store.close();
  });

  it('tells a reader what was committed since its revision, each record as it is now, and nothing for a failed commit', async () => {
    const store = new SqliteStore({ path: ':memory:', clock: new VirtualClock() });
    await store.commit([{ kind: 'node', value: node('a'), expectedVersion: undefined }], []);
    const { revision } = await store.snapshot();
    await store.commit([{ kind: 'node', value: node('b'), expectedVersion: undefined }], []);
    await store.commit([{ kind: 'node', value: node('b', false), expectedVersion: 1 }], []);
    await expect(store.commit([{ kind: 'node', value: node('a', false), expectedVersion: 7 }], [])).rejects.toBeInstanceOf(ConflictError);
    const changes = (await store.changes(revision))!;
    expect([...changes.nodes]).toEqual([['b', { value: node('b', false), version: 2 }]]);
    expect(changes.nodeRoles.size + changes.deployments.size).toBe(0);
    expect(changes.revision).toBe((await store.snapshot()).revision);
    expect((await store.changes(changes.revision))!.nodes.size).toBe(0);
    expect(await store.changes(changes.revision + 1)).toBeUndefined();
    await store.close();
  });

  it('forgets whole commits once its change log is full: a reader from before them gets nothing rather than part of them', async () => {
    const store = new SqliteStore({ path: ':memory:', clock: new VirtualClock(), changeLogLimit: 4 });
    const { revision: start } = await store.snapshot();
    await store.commit([{ kind: 'node', value: node('a'), expectedVersion: undefined }, { kind: 'node', value: node('b'), expectedVersion: undefined }], []);
    const { revision: afterFirst } = await store.snapshot();
    await store.commit([{ kind: 'node', value: node('c'), expectedVersion: undefined }, { kind: 'node', value: node('d'), expectedVersion: undefined }], []);
    expect([...(await store.changes(start))!.nodes.keys()]).toEqual(['a', 'b', 'c', 'd']);
    const { revision: afterSecond } = await store.snapshot();
    // A fifth key overflows the log: the first commit is forgotten, not split.
    await store.commit([{ kind: 'node', value: node('e'), expectedVersion: undefined }], []);
    expect(await store.changes(start)).toBeUndefined();
    expect([...(await store.changes(afterFirst))!.nodes.keys()]).toEqual(['c', 'd', 'e']);
    expect([...(await store.changes(afterSecond))!.nodes.keys()]).toEqual(['e']);
    await store.close();
  });

  it('cannot say what changed once another process wrote the file: the reader takes a snapshot instead', async () => {
    const path = tempFile();
    const clock = new VirtualClock();
    const store = new SqliteStore({ path, clock });
    const { revision } = await store.snapshot();
    const other = new SqliteStore({ path, clock });
    await other.commit([{ kind: 'node', value: node('from-elsewhere'), expectedVersion: undefined }], []);
    await other.close();
    expect(await store.changes(revision)).toBeUndefined();
    const snapshot = await store.snapshot();
    expect(snapshot.nodes.has('from-elsewhere')).toBe(true);
    expect((await store.changes(snapshot.revision))!.nodes.size).toBe(0);
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
    expect(after.prepare('SELECT id, version, progress FROM node_role_progress').all()).toEqual([{ id: 'lab/os@n1', version: 3, progress: null }]);
    expect(after.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({ v: 4 });
    after.close();
  });

  it('keeps a state-only write as small progress, and reads back exactly what was written, after a reopen too', async () => {
    const path = tempFile();
    const clock = new VirtualClock();
    const store = new SqliteStore({ path, clock });
    const bound: NodeRole = {
      id: 'lab/ntp@n1', deployment: 'lab', role: 'ntp', node: 'n1', parents: ['lab/os@n1'], softParents: [], state: { kind: 'proposed' },
      attempts: 0, runCount: 0, lastGood: undefined, lastError: 'an old failure', attributes: { 'ntp.servers': ['10.0.0.1'] },
    };
    await store.commit([{ kind: 'node-role', value: bound, expectedVersion: undefined }], []);
    const stored = (await store.snapshot()).nodeRoles.get(bound.id)!;
    const ran: NodeRole = { ...stored.value, state: { kind: 'active' }, runCount: 1, lastGood: { digest: 'd1', outputs: { 'ntp.ok': true } }, lastError: undefined };
    await store.commit([{ kind: 'node-role', value: ran, expectedVersion: 1 }], []);
    const raw = new Database(path, { readonly: true });
    const row = raw.prepare('SELECT data, progress FROM node_roles JOIN node_role_progress USING (id)').get() as { data: string; progress: string | null };
    raw.close();
    expect(JSON.parse(row.data)).toMatchObject({ parents: ['lab/os@n1'], state: { kind: 'proposed' } });
    expect(JSON.parse(row.progress!)).toEqual({ state: { kind: 'active' }, attempts: 0, runCount: 1, lastGood: { digest: 'd1', outputs: { 'ntp.ok': true } } });
    expect((await store.snapshot()).nodeRoles.get(bound.id)).toEqual({ value: ran, version: 2 });
    await store.close();
    const reopened = new SqliteStore({ path, clock });
    expect((await reopened.snapshot()).nodeRoles.get(bound.id)).toEqual({ value: ran, version: 2 });
    // A new binding (parents change) writes the whole record again.
    const rebound: NodeRole = { ...ran, softParents: ['lab/dns@n1'] };
    await reopened.commit([{ kind: 'node-role', value: rebound, expectedVersion: 2 }], []);
    expect((await reopened.snapshot()).nodeRoles.get(bound.id)).toEqual({ value: rebound, version: 3 });
    await reopened.close();
  });

  it('never changes a snapshot under its reader, whatever is committed after it', async () => {
    const store = new SqliteStore({ path: ':memory:', clock: new VirtualClock() });
    await store.commit([{ kind: 'node', value: node('a'), expectedVersion: undefined }], []);
    const before = await store.snapshot();
    await store.commit([{ kind: 'node', value: node('a', false), expectedVersion: 1 }, { kind: 'node', value: node('b'), expectedVersion: undefined }], []);
    await store.commit([{ kind: 'node', value: node('c'), expectedVersion: undefined }], [{ type: 'x', subject: 'c', data: {} }]);
    expect([...before.nodes.keys()]).toEqual(['a']);
    expect(before.nodes.get('a')).toEqual({ value: node('a'), version: 1 });
    expect(before.eventSeq).toBe(0);
    const after = await store.snapshot();
    expect([...after.nodes.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(after.eventSeq).toBe(1);
    await store.close();
  });

  it('numbers events of a large commit consecutively and returns them in order', async () => {
    const store = new SqliteStore({ path: ':memory:', clock: new VirtualClock() });
    await store.commit([], [{ type: 'first', subject: 's', data: {} }]);
    const many = Array.from({ length: 150 }, (_, i) => ({ type: 'bulk', subject: `s${i}`, data: { i } }));
    const { events } = await store.commit([], many);
    expect(events.map((e) => e.seq)).toEqual(many.map((_, i) => i + 2));
    expect(events.map((e) => e.subject)).toEqual(many.map((e) => e.subject));
    expect((await store.events(1, 1000)).map((e) => [e.seq, e.data.i])).toEqual(many.map((_, i) => [i + 2, i]));
    await store.close();
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
