import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  AGENT_SCRIPT,
  AGENT_TOKEN_PREFIX,
  AgentHub,
  ApiTokens,
  CertificateAuthority,
  mintToken,
  ObservedStore,
  RoleCatalog,
  SqliteStore,
  startApiServer,
  type RunningApiServer,
} from '../../../orchestrator/index.js';
import { CryptoRandom, SystemClock } from '../../../sim/index.js';
import { commandOnPath, describeWithHost } from '../../support/host-tools.js';

const clock = new SystemClock();
const random = new CryptoRandom();
const dir = mkdtempSync(join(tmpdir(), 'drill-agent-'));
const scriptPath = join(dir, 'agent.sh');
let store: ObservedStore;
let ca: CertificateAuthority;
let hub: AgentHub;
const servers: RunningApiServer[] = [];
const agents: ChildProcess[] = [];

async function serve(port = 0): Promise<RunningApiServer> {
  const server = await startApiServer({
    host: '127.0.0.1',
    port,
    store,
    catalog: new RoleCatalog([]),
    tokens: new ApiTokens(join(dir, 'api-tokens.json'), random),
    version: 'test',
    tls: ca.issueServerCertificate(['127.0.0.1']),
    onInternalError: (error) => {
      throw error;
    },
    agents: hub,
  });
  servers.push(server);
  return server;
}

/** A node with an agent token, as the install plan leaves it. */
async function nodeWithAgent(name: string): Promise<string> {
  const { token, sha256 } = mintToken(random, AGENT_TOKEN_PREFIX);
  const current = (await store.snapshot()).nodes.get(name);
  await store.commit(
    [{ kind: 'node', value: { name, reachable: true, paused: false, attributes: {}, provisioning: { boot: { kind: 'local' }, agentTokenSha256: sha256 } }, expectedVersion: current?.version }],
    [],
  );
  return token;
}

interface Agent {
  readonly process: ChildProcess;
  readonly root: string;
  stderr(): string;
  exited: Promise<number | null>;
}

function startAgent(name: string, api: string, token: string): Agent {
  const root = join(dir, name, 'root');
  mkdirSync(root, { recursive: true });
  let stderr = '';
  const child = spawn('sh', [scriptPath], {
    env: {
      PATH: process.env.PATH,
      DRILL_AGENT_CONFIG: join(dir, 'no-such-config'),
      DRILL_API: api,
      DRILL_TOKEN: token,
      DRILL_CA: join(dir, 'ca.crt'),
      DRILL_AGENT_DIR: join(dir, name, 'state'),
      DRILL_AGENT_BACKOFF_MIN_MS: '100',
      DRILL_AGENT_BACKOFF_MAX_MS: '400',
      DRILL_AGENT_POLL_MS: '100',
      // Held polls short enough that a revoked token is seen within a second.
      DRILL_AGENT_WAIT_S: '1',
      DRILL_AGENT_ITEM_TIMEOUT_S: '2',
      DRILL_ROOT: root,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  agents.push(child);
  return { process: child, root, stderr: () => stderr, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (predicate()) return;
    await clock.sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const file = (content: string) => [{ kind: 'file' as const, path: '/etc/drill/motd', content, mode: '0644' }];

describeWithHost('the POSIX-sh agent against the real API over HTTPS', [commandOnPath('sh'), commandOnPath('curl'), commandOnPath('base64'), commandOnPath('od'), commandOnPath('timeout')], () => {
  beforeAll(() => {
    store = new ObservedStore(new SqliteStore({ path: join(dir, 'drill.db'), clock }));
    ca = CertificateAuthority.loadOrCreate(join(dir, 'tls'), clock, random);
    writeFileSync(join(dir, 'ca.crt'), ca.certificatePem);
    writeFileSync(scriptPath, AGENT_SCRIPT);
    hub = new AgentHub({ store, clock, random, pollIntervalS: 1, maxHandOuts: 3, authCacheMs: 200 });
  });

  afterEach(async () => {
    for (const agent of agents.splice(0)) if (agent.exitCode === null) agent.kill('SIGTERM');
    for (const server of servers.splice(0)) await server.close();
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches a work item, runs it, posts the result, and the dispatch resolves; stops an item that hangs', async () => {
    const server = await serve();
    const token = await nodeWithAgent('n1');
    const agent = startAgent('n1', server.url, token);
    const signal = new AbortController().signal;
    const first = await hub.dispatch('n1', 'lab/motd@n1', file('hello\n'), signal);
    expect(first).toEqual({ exitStatus: 0, changed: true, output: 'drill: changed file /etc/drill/motd\n' });
    expect(readFileSync(join(agent.root, 'etc/drill/motd'), 'utf8')).toBe('hello\n');
    expect(await hub.dispatch('n1', 'lab/motd@n1', file('hello\n'), signal)).toEqual({ exitStatus: 0, changed: false, output: 'drill: unchanged\n' });
    const failed = await hub.dispatch('n1', 'lab/check@n1', [{ kind: 'check', run: 'exit 3', description: 'never true' }], signal);
    expect(failed).toMatchObject({ exitStatus: 1, changed: false, output: 'drill: check failed: never true\n' });
    const hung = await hub.dispatch('n1', 'lab/hang@n1', [{ kind: 'command', run: 'sleep 30' }], signal);
    expect(hung).toMatchObject({ exitStatus: 124, output: 'drill-agent: stopped after 2 s (DRILL_AGENT_ITEM_TIMEOUT_S)\n' });
    const events = (await store.events(0, 1000)).filter((e) => e.type === 'node.agent-up' && e.subject === 'n1');
    expect(events).toHaveLength(1);
    expect(hub.lastSeenMs('n1')).toBeGreaterThan(0);
  });

  it('answers the agent routes only with an agent token, and refuses bad results with field errors', async () => {
    const server = await serve();
    const token = await nodeWithAgent('n4');
    expect(await call(server, 'GET', '/api/v1/agent/work', token)).toMatchObject({ status: 204, retryAfter: '1' });
    // A held poll that saw no work says to ask again at once; one that sees work answers with it.
    expect(await call(server, 'GET', '/api/v1/agent/work?waitS=1', token)).toMatchObject({ status: 204, retryAfter: '0' });
    const seen = hub.lastSeenMs('n4');
    const held = call(server, 'GET', '/api/v1/agent/work?waitS=30', token);
    await until(() => hub.lastSeenMs('n4') !== seen, 'the held poll to arrive');
    const result = hub.dispatch('n4', 'lab/motd@n4', file('x\n'), new AbortController().signal);
    const item = await held;
    expect(item).toMatchObject({ status: 200, body: { nodeRole: 'lab/motd@n4', attempt: 1 } });
    expect((await call(server, 'POST', `/api/v1/agent/work/${item.body.id}/result`, token, { exitStatus: 0, changed: false, output: '' })).status).toBe(204);
    expect((await result).exitStatus).toBe(0);
    expect(await call(server, 'GET', '/api/v1/agent/work?waitS=56', token)).toMatchObject({ status: 400, body: { field: 'query.waitS', problem: 'waitS must be ≤ 55' } });
    expect((await call(server, 'GET', '/api/v1/agent/work', 'drill_operator-token')).status).toBe(401);
    expect((await call(server, 'GET', '/api/v1/nodes', token)).status).toBe(401);
    expect(await call(server, 'POST', '/api/v1/agent/work/w-none/result', token, { exitStatus: 0, changed: false, output: '' })).toMatchObject({
      status: 409,
      body: { problem: 'work item w-none is not outstanding for n4' },
    });
    expect(await call(server, 'POST', '/api/v1/agent/work/w-none/result', token, { exitStatus: 300, changed: 'yes', output: '', outputBase64: '' })).toMatchObject({
      status: 400,
      body: { field: 'exitStatus', problem: 'exitStatus must be 0–255', problems: expect.arrayContaining([expect.objectContaining({ field: 'changed' })]) },
    });
    const doc = await call(server, 'GET', '/api/v1/openapi.json', token);
    expect(doc.body.paths['/api/v1/agent/work'].get.security).toEqual([{ agentToken: [] }]);
  });

  it('exits when its token is revoked (401)', async () => {
    const server = await serve();
    const token = await nodeWithAgent('n2');
    const agent = startAgent('n2', server.url, token);
    await until(() => hub.lastSeenMs('n2') !== undefined, 'the agent to poll');
    const current = (await store.snapshot()).nodes.get('n2')!;
    await store.commit([{ kind: 'node', value: { ...current.value, provisioning: { boot: { kind: 'local' } } }, expectedVersion: current.version }], []);
    expect(await agent.exited).toBe(0);
    expect(agent.stderr()).toContain('refused this node\'s token (401)');
  });

  it('backs off, doubling up to its maximum, while the orchestrator is down, then gets to work', async () => {
    const port = await freePort();
    const token = await nodeWithAgent('n3');
    const agent = startAgent('n3', `https://127.0.0.1:${port}`, token);
    await until(() => (agent.stderr().match(/unreachable/g) ?? []).length >= 4, 'four failed polls');
    const delays = [...agent.stderr().matchAll(/retrying in at most (\d+) ms/g)].map((m) => Number(m[1]));
    expect(delays.slice(0, 4)).toEqual([100, 200, 400, 400]);
    await serve(port);
    const result = await hub.dispatch('n3', 'lab/motd@n3', file('late\n'), new AbortController().signal);
    expect(result.exitStatus).toBe(0);
    expect(readFileSync(join(agent.root, 'etc/drill/motd'), 'utf8')).toBe('late\n');
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function call(server: RunningApiServer, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server.url), { method, ca: ca.certificatePem, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text), retryAfter: res.headers['retry-after'] }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
