/**
 * Annealer scheduling overhead: 100,000 node-roles over 10,000 nodes (a
 * ten-role ready-state stack per node), instant work, the SQLite store
 * included. Prints the wall time to converge and the tick count.
 *
 *   npm run bench:annealer            (or: node dist/bench/annealer/main.js --nodes 1000)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnnealerLoop, bindRole, RoleCatalog, SqliteStore, type NodeRole, type RoleSpec, type StoreWrite } from '../../orchestrator/index.js';
import { SeededRandom, VirtualClock } from '../../sim/index.js';

const nodesArg = process.argv.indexOf('--nodes');
const nodeCount = nodesArg > 0 ? Number(process.argv[nodesArg + 1]) : 10_000;
const retry = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 };
const role = (name: string, requires: string[]): RoleSpec => ({ name, requires, after: [], cluster: false, local: true, inputs: [], outputs: [], retry });
const names = ['bios', 'raid', 'os', 'hostname', 'ssh-keys', 'ntp', 'dns-client', 'proxy', 'network', 'ready'];
const catalog = new RoleCatalog(names.map((name, i) => role(name, i === 0 ? [] : i === names.length - 1 ? names.slice(3, -1) : [names[Math.min(i - 1, 2)]!])));

const dir = mkdtempSync(join(tmpdir(), 'drill-bench-annealer-'));
const clock = new VirtualClock();
const store = new SqliteStore({ path: join(dir, 'drill.db'), clock });
try {
  const seedStarted = process.hrtime.bigint();
  const writes: StoreWrite[] = [{ kind: 'deployment', value: { name: 'site', committed: true, paused: false, attributes: {} }, expectedVersion: undefined }];
  const nodeRoles = new Map<string, NodeRole>();
  for (let n = 0; n < nodeCount; n++) {
    const node = `n${n}`;
    writes.push({ kind: 'node', value: { name: node, reachable: true, paused: false, attributes: {} }, expectedVersion: undefined });
    // Each node's stack is independent, so bind against an empty map and collect.
    for (const [id, nr] of bindRole(catalog, new Map(), 'site', 'ready', node)) nodeRoles.set(id, nr);
  }
  for (const nr of nodeRoles.values()) writes.push({ kind: 'node-role', value: nr, expectedVersion: undefined });
  await store.commit(writes, []);
  const seedSeconds = Number(process.hrtime.bigint() - seedStarted) / 1e9;

  let runs = 0;
  const loop = new AnnealerLoop({
    store,
    catalog,
    clock,
    random: new SeededRandom(1),
    runnerFor: () => ({
      run: async () => {
        runs++;
        return { status: 'ok', outputs: {} };
      },
    }),
    limits: { maxRunning: 20_000, maxRunningPerNode: 1, leaseMs: 600_000 },
    tickEveryMs: 1_000,
  });
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  const virtualStart = clock.now();
  loop.start();
  let ticks = 0;
  await clock.runUntil(
    () => {
      ticks++;
      return runs === nodeRoles.size && loop.runsInFlight === 0;
    },
    { timeoutMs: 24 * 3_600_000 },
  );
  await loop.stop();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  const snapshot = await store.snapshot();
  const active = [...snapshot.nodeRoles.values()].filter((v) => v.value.state.kind === 'active').length;
  process.stdout.write(`drill bench annealer — ${nodeCount.toLocaleString('en-US')} nodes, ${nodeRoles.size.toLocaleString('en-US')} node-roles, instant work, SQLite store\n\n`);
  process.stdout.write(`seed the store            ${seedSeconds.toFixed(2)} s\n`);
  process.stdout.write(`anneal to all active      ${seconds.toFixed(2)} s wall (target ≤ 5 s)  ${active.toLocaleString('en-US')} active, ${runs.toLocaleString('en-US')} runs\n`);
  // CPU time moves less than wall time when other work shares the machine.
  process.stdout.write(`  of which CPU            ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)}, system ${(cpu.system / 1e6).toFixed(2)})\n`);
  process.stdout.write(`virtual time              ${clock.now() - virtualStart} ms, ${ticks} checks\n`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
