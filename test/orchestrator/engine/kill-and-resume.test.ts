import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../orchestrator/index.js';
import { SeededRandom, SystemClock } from '../../../sim/index.js';

const WORKER = fileURLToPath(new URL('./fixtures/annealer-worker.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../../dist/orchestrator/index.js', import.meta.url));
const SEED = Number(process.env.KILL_SEED ?? 0x5eed);
const dir = mkdtempSync(join(tmpdir(), 'drill-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the worker; kills it with SIGKILL after `killAfterMs`, or lets it finish. Bounded either way. */
function runWorker(db: string, effects: string, killAfterMs: number | undefined): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, db, effects, '6'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const killer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      clearTimeout(killer);
      if (signal === 'SIGKILL' && killAfterMs !== undefined) resolve('killed');
      else if (code === 0) resolve('finished');
      else reject(new Error(`worker exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

describe('a killed orchestrator resumes where it was', () => {
  it(`converges after SIGKILLs at random points, never repeating a side effect it recorded (KILL_SEED=${SEED})`, async () => {
    if (!existsSync(BUILT)) throw new Error('dist/ is missing — run `npm run build` first (npm test does)');
    const db = join(dir, 'drill.db');
    const effects = join(dir, 'effects.log');
    const random = new SeededRandom(SEED).fork('kills');
    let kills = 0;
    for (let i = 0; i < 6; i++) if ((await runWorker(db, effects, random.int(80, 600))) === 'killed') kills++;
    expect(await runWorker(db, effects, undefined)).toBe('finished');

    const store = new SqliteStore({ path: db, clock: new SystemClock() });
    const snapshot = await store.snapshot();
    const finished = new Map<string, string>();
    for (const event of await store.events(0, 100_000)) if (event.type === 'node-role.finished') finished.set(event.subject, String(event.data.runId));
    await store.close();

    expect(snapshot.nodeRoles.size).toBe(24);
    expect([...snapshot.nodeRoles.values()].every((v) => v.value.state.kind === 'active')).toBe(true);
    const lines = readFileSync(effects, 'utf8').trim().split('\n').map((l) => l.split(' ') as [string, string]);
    for (const id of snapshot.nodeRoles.keys()) {
      const mine = lines.filter(([nr]) => nr === id).map(([, runId]) => runId);
      // Every node-role did its work; a repeat is only ever of a run that was in flight at a kill,
      // and once a run's result was recorded nothing ran again.
      expect(mine.length, id).toBeGreaterThanOrEqual(1);
      expect(mine.length - 1, id).toBeLessThanOrEqual(kills);
      expect(mine.at(-1), id).toBe(finished.get(id));
      expect(new Set(mine).size, id).toBe(mine.length);
    }
  });
});
