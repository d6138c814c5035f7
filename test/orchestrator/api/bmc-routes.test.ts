// The BMC endpoints' edge: validation as {field, problem, fix}, 503 without BMC
// access, 404/409 for nodes that are missing or not enrolled. No BMC is reached.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiTokens, ObservedStore, RoleCatalog, SqliteStore, startApiServer, type RunningApiServer } from '../../../orchestrator/index.js';
import { CryptoRandom, SystemClock } from '../../../sim/index.js';

const dir = mkdtempSync(join(tmpdir(), 'drill-bmc-api-'));
let server: RunningApiServer;
let store: ObservedStore;
let token: string;

beforeAll(async () => {
  store = new ObservedStore(new SqliteStore({ path: ':memory:', clock: new SystemClock() }));
  const tokens = new ApiTokens(join(dir, 'tokens.json'), new CryptoRandom());
  token = tokens.issue('admin');
  server = await startApiServer({ host: '127.0.0.1', port: 0, store, catalog: new RoleCatalog([]), tokens, version: 't', tls: undefined, onInternalError: (e) => void console.error(e) });
});

afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

describe('BMC endpoints at the edge', () => {
  it('rejects a bad enrollment with the field, the problem and the fix, naming every problem', async () => {
    const bad = await call('POST', '/api/v1/nodes/enroll', { addresses: ['10.0.0.1', 'not an address'], credentials: { username: '' }, protocol: 'snmp' });
    expect(bad.status).toBe(400);
    const fields = (bad.body.problems as Array<{ field: string }>).map((p) => p.field).sort();
    expect(fields).toEqual(['addresses[1]', 'credentials.password', 'credentials.username', 'protocol']);
    expect(bad.body.problems.find((p: { field: string }) => p.field === 'addresses[1]')).toMatchObject({ problem: '"not an address" is not an address', fix: expect.stringMatching(/HOST:PORT/) });
    expect((await call('POST', '/api/v1/nodes/enroll', { addresses: [], credentials: { username: 'a', password: 'b' } })).body).toMatchObject({ field: 'addresses' });
  });

  it('rejects bad power and boot requests before looking for the node', async () => {
    expect((await call('POST', '/api/v1/nodes/x/power', { action: 'sideways' })).body).toMatchObject({ field: 'action', fix: expect.stringMatching(/"on"/) });
    expect((await call('PUT', '/api/v1/nodes/x/boot', { device: 'floppy', mode: 'bios' })).body.problems.map((p: { field: string }) => p.field).sort()).toEqual(['device', 'mode']);
  });

  it('answers 503 when the API has no BMC access, 404 for a missing node, 409 for a node without a BMC', async () => {
    expect((await call('POST', '/api/v1/nodes/enroll', { addresses: ['10.0.0.1'], credentials: { username: 'a', password: 'b' } })).status).toBe(503);
    expect((await call('POST', '/api/v1/nodes/nope/power', { action: 'on' })).status).toBe(404);
    await call('PUT', '/api/v1/nodes/manual', {});
    expect((await call('POST', '/api/v1/nodes/manual/power', { action: 'on' })).status).toBe(409);
    expect((await call('GET', '/api/v1/nodes/manual/inventory')).status).toBe(404);
    expect((await call('GET', '/api/v1/events/latest')).body.seq).toBeGreaterThan(0);
  });
});
