// Static files beside the API (how `drill up` serves the visualizer at /ui/):
// served without a token, longest prefix first, and the API still guarded.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokens, ObservedStore, RoleCatalog, SqliteStore, startApiServer, type RunningApiServer } from '../../../orchestrator/index.js';
import { CryptoRandom, SystemClock } from '../../../sim/index.js';

const dir = mkdtempSync(join(tmpdir(), 'drill-static-'));
let server: RunningApiServer;
let store: ObservedStore;

beforeAll(async () => {
  mkdirSync(join(dir, 'page'));
  mkdirSync(join(dir, 'compiled'));
  writeFileSync(join(dir, 'page', 'index.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(dir, 'page', 'app.js'), 'the page copy');
  writeFileSync(join(dir, 'compiled', 'app.js'), 'export const compiled = true;');
  store = new ObservedStore(new SqliteStore({ path: join(dir, 'drill.db'), clock: new SystemClock() }));
  server = await startApiServer({
    host: '127.0.0.1',
    port: 0,
    store,
    catalog: new RoleCatalog([]),
    tokens: new ApiTokens(join(dir, 'api-tokens.json'), new CryptoRandom()),
    version: '0.0.0-test',
    tls: undefined,
    onInternalError: (error) => {
      throw error;
    },
    staticMounts: [
      { urlPath: '/ui', directory: join(dir, 'page') },
      { urlPath: '/ui/js', directory: join(dir, 'compiled') },
    ],
  });
});

afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('static mounts', () => {
  it('serves the page at /ui/ without a token, and sends /ui to /ui/', async () => {
    const page = await fetch(`${server.url}/ui/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<title>page</title>');
    const bare = await fetch(`${server.url}/ui`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/ui/');
  });

  it('lets the longer prefix win', async () => {
    const script = await fetch(`${server.url}/ui/js/app.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toBe('export const compiled = true;');
  });

  it('answers 404 for a missing file and keeps the API behind its token', async () => {
    expect((await fetch(`${server.url}/ui/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/v1/nodes`)).status).toBe(401);
  });
});
