import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ApiTokens,
  CertificateAuthority,
  createApiApp,
  ObservedStore,
  openApiDocument,
  RoleCatalog,
  ROUTES,
  SqliteStore,
  startApiServer,
  type RoleSpec,
  type RunningApiServer,
  type StoredEvent,
} from '../../../orchestrator/index.js';
import { CryptoRandom, SystemClock } from '../../../sim/index.js';
import { commandOnPath, describeWithHost } from '../../support/host-tools.js';

const retry = { maxAttempts: 1, baseDelayMs: 1_000, maxDelayMs: 1_000 };
const roles: RoleSpec[] = [
  { name: 'os', requires: [], after: [], cluster: false, local: true, inputs: [], outputs: ['os.id'], retry },
  { name: 'ntp', requires: ['os'], after: [], cluster: false, local: true, inputs: ['ntp.servers'], outputs: [], retry },
];

const dir = mkdtempSync(join(tmpdir(), 'drill-api-'));
const clock = new SystemClock();
let server: RunningApiServer;
let token: string;
let ca: CertificateAuthority;
let store: ObservedStore;

beforeAll(async () => {
  store = new ObservedStore(new SqliteStore({ path: join(dir, 'drill.db'), clock }));
  ca = CertificateAuthority.loadOrCreate(join(dir, 'tls'), clock, new CryptoRandom());
  const tokens = new ApiTokens(join(dir, 'api-tokens.json'), new CryptoRandom());
  token = tokens.issue('admin');
  server = await startApiServer({
    host: '127.0.0.1',
    port: 0,
    store,
    catalog: new RoleCatalog(roles),
    tokens,
    version: '0.0.0-test',
    tls: ca.issueServerCertificate(['127.0.0.1', 'localhost']),
    onInternalError: (error) => {
      throw error;
    },
  });
});

afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function call(method: string, path: string, options: { body?: unknown; rawBody?: string; auth?: string | null } = {}): Promise<Reply> {
  const url = new URL(path, server.url);
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: ca.certificatePem,
        headers: {
          ...(options.auth === null ? {} : { authorization: `Bearer ${options.auth ?? token}` }),
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('orchestrator API over HTTPS', () => {
  it('serves HTTPS with a certificate from its own CA, and answers health without a token', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await call('GET', '/api/v1/health', { auth: null })).toEqual({ status: 200, body: { status: 'ok', version: '0.0.0-test' } });
  });

  it('refuses requests without a valid bearer token', async () => {
    const missing = await call('GET', '/api/v1/nodes', { auth: null });
    expect(missing.status).toBe(401);
    expect(missing.body.fix).toContain('Authorization: Bearer');
    expect((await call('GET', '/api/v1/nodes', { auth: 'drill_not-a-real-token' })).status).toBe(401);
  });

  it('keeps tokens only as hashes, in a file only the owner can read', () => {
    const file = readFileSync(join(dir, 'api-tokens.json'), 'utf8');
    expect(file).not.toContain(token);
    expect(statSync(join(dir, 'api-tokens.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'tls', 'ca.key')).mode & 0o777).toBe(0o600);
  });

  it('creates, updates and shows nodes and deployments, with versions', async () => {
    expect((await call('PUT', '/api/v1/nodes/r1-s1', { body: { attributes: { rack: 1 } } })).status).toBe(201);
    const updated = await call('PUT', '/api/v1/nodes/r1-s1', { body: { paused: true } });
    expect(updated).toEqual({ status: 200, body: { name: 'r1-s1', reachable: true, paused: true, attributes: { rack: 1 }, version: 2 } });
    expect((await call('GET', '/api/v1/nodes/r1-s1')).body.paused).toBe(true);
    expect((await call('PUT', '/api/v1/deployments/lab', { body: { committed: true, attributes: { 'ntp.servers': ['10.0.0.1'] } } })).status).toBe(201);
    expect((await call('GET', '/api/v1/deployments')).body).toHaveLength(1);
  });

  it('binds a role with what it requires and lists node-roles by state', async () => {
    await call('PUT', '/api/v1/nodes/r1-s2', { body: {} });
    await call('PUT', '/api/v1/deployments/bind-test', { body: {} });
    const bound = await call('POST', '/api/v1/deployments/bind-test/bindings', { body: { role: 'ntp', node: 'r1-s2' } });
    expect(bound.status).toBe(201);
    expect(bound.body.map((nr: { id: string }) => nr.id).sort()).toEqual(['bind-test/ntp@r1-s2', 'bind-test/os@r1-s2']);
    const proposed = await call('GET', '/api/v1/node-roles?deployment=bind-test&state=proposed');
    expect(proposed.body).toHaveLength(2);
    const one = await call('GET', `/api/v1/node-roles/${encodeURIComponent('bind-test/ntp@r1-s2')}`);
    expect(one.body).toMatchObject({ role: 'ntp', node: 'r1-s2', parents: ['bind-test/os@r1-s2'], state: { kind: 'proposed' } });
    const retry = await call('POST', `/api/v1/node-roles/${encodeURIComponent('bind-test/ntp@r1-s2')}/retry`);
    expect(retry).toMatchObject({ status: 409, body: { problem: 'node-role bind-test/ntp@r1-s2 is proposed, not in error' } });
  });

  it('says which parents a blocked node-role waits on, as they are when asked', async () => {
    await call('PUT', '/api/v1/nodes/r1-s3', { body: {} });
    await call('PUT', '/api/v1/deployments/wait-test', { body: {} });
    await call('POST', '/api/v1/deployments/wait-test/bindings', { body: { role: 'ntp', node: 'r1-s3' } });
    const move = async (id: string, state: object): Promise<void> => {
      const [stored] = await store.nodeRoles([id]);
      if (!stored) throw new Error(`no node-role ${id}`);
      await store.commit([{ kind: 'node-role', value: { ...stored.value, state } as typeof stored.value, expectedVersion: stored.version }], []);
    };
    await move('wait-test/os@r1-s3', { kind: 'running', runId: 'r1', leaseUntilMs: Number.MAX_SAFE_INTEGER, digest: 'd' });
    await move('wait-test/ntp@r1-s3', { kind: 'blocked', reason: { code: 'parents_pending' } });
    const path = `/api/v1/node-roles/${encodeURIComponent('wait-test/ntp@r1-s3')}`;
    expect((await call('GET', path)).body).toMatchObject({ state: { kind: 'blocked', reason: { code: 'parents_pending' } }, waitingOn: ['wait-test/os@r1-s3'] });
    const listed = (await call('GET', '/api/v1/node-roles?deployment=wait-test&state=blocked')).body;
    expect(listed.map((nr: { id: string; waitingOn?: string[] }) => [nr.id, nr.waitingOn])).toEqual([['wait-test/ntp@r1-s3', ['wait-test/os@r1-s3']]]);
    await move('wait-test/os@r1-s3', { kind: 'active' });
    expect((await call('GET', path)).body.waitingOn).toEqual([]);
    expect((await call('GET', `/api/v1/node-roles/${encodeURIComponent('wait-test/os@r1-s3')}`)).body.waitingOn).toBeUndefined();
  });

  it('answers bad input with {field, problem, fix} and lists every problem', async () => {
    const bad = await call('PUT', '/api/v1/nodes/r1-s3', { body: { paused: 'yes', colour: 'red' } });
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual(
      expect.arrayContaining([
        { field: 'paused', problem: 'paused must be true or false', fix: expect.any(String) },
        { field: 'colour', problem: 'unknown field', fix: 'remove it or check its spelling' },
      ]),
    );
    expect(bad.body).toHaveProperty('field');
    expect(bad.body).toHaveProperty('fix');
    const badName = await call('PUT', '/api/v1/nodes/-bad!', { body: {} });
    expect(badName).toMatchObject({ status: 400, body: { field: 'path.(body)' } });
    expect((await call('PUT', '/api/v1/nodes/x', { rawBody: '{"paused": tru' })).body).toMatchObject({ problem: 'the body is not valid JSON' });
    expect((await call('GET', '/api/v1/events?limit=5000')).body).toMatchObject({ field: 'query.limit', problem: 'limit must be ≤ 1000' });
    await call('PUT', '/api/v1/nodes/r1-s9', { body: {} });
    await call('PUT', '/api/v1/deployments/bad-input', { body: {} });
    expect((await call('POST', '/api/v1/deployments/bad-input/bindings', { body: { role: 'ghost', node: 'r1-s9' } })).body).toMatchObject({ field: 'role' });
    expect((await call('GET', '/api/v1/nodes/nope')).status).toBe(404);
    expect((await call('GET', '/api/v1/nothing-here')).status).toBe(404);
  });

  it('publishes an OpenAPI document that matches the routes it serves', async () => {
    const doc = (await call('GET', '/api/v1/openapi.json', { auth: null })).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)).sort();
    expect(documented).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    // And every route the app really mounted is one of them (the document itself aside).
    const app = createApiApp({ store, catalog: new RoleCatalog(roles), tokens: new ApiTokens(join(dir, 'other.json'), new CryptoRandom()), version: 'x', onInternalError: () => {} });
    const router = (app as unknown as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } }).router;
    const mounted = router.stack
      .filter((layer) => layer.route && layer.route.path !== '/api/v1/openapi.json')
      .flatMap((layer) => Object.keys(layer.route!.methods).map((m) => `${m} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`))
      .sort();
    expect(mounted).toEqual(documented);
    expect(openApiDocument(ROUTES, 'x')).toMatchObject({ openapi: '3.1.0' });
    // A decommission is answered once decided: the document says so, and how its end shows.
    const decommission = (doc.paths['/api/v1/nodes/{name}/decommission']!['post'] as { responses: Record<string, { description: string }> }).responses;
    expect(Object.keys(decommission)).toContain('202');
    expect(decommission['202']!.description).toMatch(/decommissioning.*node\.lifecycle to wiped, or node\.decommission-failed/);
  });
});

describe('deployment plans and the node lifecycle', () => {
  it('applies a whole plan in one commit, binding what each role requires, and a second apply changes nothing', async () => {
    for (const n of ['p-1', 'p-2']) await call('PUT', `/api/v1/nodes/${n}`, { body: {} });
    const before = (await call('GET', '/api/v1/events/latest')).body.seq as number;
    const plan = { attributes: { 'ntp.servers': ['10.0.0.1'] }, bindings: [{ role: 'ntp', nodes: ['p-1', 'p-2'] }] };
    const first = await call('PUT', '/api/v1/deployments/planned/plan', { body: plan });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      deployment: 'planned',
      committed: true,
      created: ['planned/ntp@p-1', 'planned/ntp@p-2', 'planned/os@p-1', 'planned/os@p-2'],
      unchanged: 0,
      notInPlan: [],
    });
    expect((await call('GET', '/api/v1/deployments/planned')).body).toMatchObject({ committed: true, attributes: { 'ntp.servers': ['10.0.0.1'] } });
    const afterFirst = (await call('GET', '/api/v1/events/latest')).body.seq as number;
    const again = await call('PUT', '/api/v1/deployments/planned/plan', { body: plan });
    expect(again.body).toMatchObject({ created: [], unchanged: 4 });
    expect((await call('GET', '/api/v1/events/latest')).body.seq).toBe(afterFirst);
    const events = (await call('GET', `/api/v1/events?after=${before}`)).body as StoredEvent[];
    expect(events.map((e) => e.type)).toEqual(['deployment.created', 'node-role.bound', 'node-role.bound', 'node-role.bound', 'node-role.bound']);
  });

  it('reports every problem of a bad plan at once and applies none of it', async () => {
    const before = (await call('GET', '/api/v1/events/latest')).body.seq as number;
    const bad = await call('PUT', '/api/v1/deployments/half/plan', {
      body: { bindings: [{ role: 'ghost', nodes: ['p-1'] }, { role: 'ntp', nodes: ['p-1', 'nowhere'] }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual([
      { field: 'bindings[0].role', problem: 'role ghost is not defined', fix: 'use one of ntp, os' },
      { field: 'bindings[1].nodes[1]', problem: 'node nowhere does not exist', fix: expect.stringContaining('enroll it first') },
    ]);
    expect((await call('GET', '/api/v1/deployments/half')).status).toBe(404);
    expect((await call('GET', '/api/v1/events/latest')).body.seq).toBe(before);
    const shape = await call('PUT', '/api/v1/deployments/half/plan', { body: { bindings: [{ role: 'ntp', nodes: 'some' }] } });
    expect(shape.body).toMatchObject({ field: 'bindings[0].nodes', problem: 'nodes must be a list of node names, or "all"' });
  });

  it('names the node-roles of a deployment that a narrower plan leaves out', async () => {
    const narrower = await call('PUT', '/api/v1/deployments/planned/plan', { body: { bindings: [{ role: 'os', nodes: ['p-1'] }] } });
    expect(narrower.body).toMatchObject({ created: [], unchanged: 1, notInPlan: ['planned/ntp@p-1', 'planned/ntp@p-2', 'planned/os@p-2'] });
  });

  it('moves a node along its lifecycle with an event, and refuses a step the lifecycle does not have', async () => {
    const stored = (await store.snapshot()).nodes.get('p-1')!;
    await store.commit([{ kind: 'node', value: { ...stored.value, lifecycle: 'ready' }, expectedVersion: stored.version }], []);
    const allocated = await call('POST', '/api/v1/nodes/p-1/lifecycle', { body: { to: 'allocated', reason: 'tenant blue' } });
    expect(allocated).toMatchObject({ status: 200, body: { name: 'p-1', lifecycle: 'allocated' } });
    const [event] = (await call('GET', `/api/v1/events?after=${(await call('GET', '/api/v1/events/latest')).body.seq - 1}`)).body as StoredEvent[];
    expect(event).toMatchObject({ type: 'node.lifecycle', subject: 'p-1', data: { from: 'ready', to: 'allocated', reason: 'tenant blue' } });
    const wiped = await call('POST', '/api/v1/nodes/p-1/lifecycle', { body: { to: 'wiped', reason: 'skip the wipe' } });
    expect(wiped).toMatchObject({ status: 409, body: { field: 'to', problem: 'node p-1 is allocated; it can go to ready, decommissioning — not wiped' } });
    const handMade = await call('POST', '/api/v1/nodes/p-2/lifecycle', { body: { to: 'ready', reason: 'x' } });
    expect(handMade.body.problem).toContain('enroll its BMC first');
    expect((await call('POST', '/api/v1/nodes/p-1/lifecycle', { body: { to: 'gone', reason: 'x' } })).body).toMatchObject({ field: 'to' });
  });
});

function openStream(after: number, auth = token): Promise<{ events: StoredEvent[]; ws: WebSocket }> {
  const url = `${server.url.replace('https', 'wss')}/api/v1/events/stream?after=${after}`;
  const ws = new WebSocket(url, ['drill-events', `bearer.${auth}`], { ca: ca.certificatePem });
  const events: StoredEvent[] = [];
  ws.on('message', (data: Buffer) => events.push(JSON.parse(data.toString()) as StoredEvent));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ events, ws }));
    ws.once('error', reject);
  });
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('event stream over WebSocket', () => {
  it('replays history, then follows live events, and resumes after a reconnect without gaps or duplicates', async () => {
    const total = (await call('GET', '/api/v1/events?after=0&limit=1000')).body.length as number;
    const first = await openStream(0);
    await until(() => first.events.length === total, 'the backlog');
    await call('PUT', '/api/v1/nodes/live-1', { body: {} });
    await until(() => first.events.length === total + 1, 'a live event');
    const lastSeen = first.events.at(-1)!.seq;
    first.ws.close();

    await call('PUT', '/api/v1/nodes/while-away-1', { body: {} });
    await call('PUT', '/api/v1/nodes/while-away-2', { body: {} });
    const second = await openStream(lastSeen);
    await until(() => second.events.length === 2, 'the missed events');
    await call('PUT', '/api/v1/nodes/live-2', { body: {} });
    await until(() => second.events.length === 3, 'a live event after resuming');
    second.ws.close();
    const seqs = [...first.events, ...second.events].map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(second.events.map((e) => e.subject)).toEqual(['while-away-1', 'while-away-2', 'live-2']);
  });

  it('refuses a stream without a valid token', async () => {
    await expect(openStream(0, 'drill_wrong')).rejects.toThrow(/401/);
  });
});

describeWithHost('the API with curl', [commandOnPath('curl')], () => {
  // The server runs in this process: curl must run asynchronously or it would wait on a blocked event loop.
  const curl = promisify(execFile);
  it('is reachable with curl trusting only the orchestrator CA', async () => {
    const { stdout } = await curl('curl', ['-sS', '--cacert', ca.certificatePath, '-H', `Authorization: Bearer ${token}`, `${server.url}/api/v1/nodes/r1-s1`]);
    expect(JSON.parse(stdout)).toMatchObject({ name: 'r1-s1' });
    await expect(curl('curl', ['-sS', `${server.url}/api/v1/health`])).rejects.toMatchObject({ stderr: expect.stringMatching(/certificate/i) });
  });
});

describe('API server safety', () => {
  it('refuses to serve plain HTTP beyond loopback', async () => {
    await expect(
      startApiServer({ host: '0.0.0.0', port: 0, store, catalog: new RoleCatalog(roles), tokens: new ApiTokens(join(dir, 't.json'), new CryptoRandom()), version: 'x', tls: undefined, onInternalError: () => {} }),
    ).rejects.toThrow(/plain HTTP is only allowed on loopback/);
  });
});
