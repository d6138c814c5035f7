/**
 * Provisioner and agent costs: iPXE lookups against a fleet in the store
 * (read-only `local` answers and `install` answers that write a token),
 * agent polls (first, and idle with the token answer cached), in-process
 * dispatch → poll → result round trips of the agent hub, and a
 * ready-state work item (ntp) run twice with the real sh in a scratch root.
 *
 *   npm run build && node dist/bench/provisioner/main.js [--nodes 10000]
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_TOKEN_PREFIX, AgentHub, mintToken, NTP_ROLE, Provisioner, renderShell, SqliteStore, type NodeRecord, type StoreWrite } from '../../orchestrator/index.js';
import { SeededRandom, SystemClock } from '../../sim/index.js';

const nodesArg = process.argv.indexOf('--nodes');
const nodeCount = nodesArg > 0 ? Number(process.argv[nodesArg + 1]) : 10_000;
const clock = new SystemClock();
const random = new SeededRandom(1);
const mac = (n: number): string => `52:54:${[(n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

const store = new SqliteStore({ path: ':memory:', clock });
const tokens: string[] = [];
const writes: StoreWrite[] = [];
for (let n = 0; n < nodeCount; n++) {
  const agent = mintToken(random, AGENT_TOKEN_PREFIX);
  tokens.push(agent.token);
  const value: NodeRecord = {
    name: `n${n}`,
    reachable: true,
    paused: false,
    attributes: {},
    inventory: { source: 'redfish', readAtMs: 0, hardware: { processors: [], memory: [], drives: [], firmware: [], nics: [{ id: 'NIC.1', macAddress: mac(n) }, { id: 'NIC.2', macAddress: mac(n + nodeCount) }] } },
    provisioning: { boot: { kind: 'local' }, agentTokenSha256: agent.sha256 },
  };
  writes.push({ kind: 'node', value, expectedVersion: undefined });
}
await store.commit(writes, []);
const provisioner = new Provisioner({ store, clock, random: random.fork('provisioner'), bootUrl: 'http://10.0.0.1:8080', agentApi: 'https://10.0.0.1:8443', caCertificatePem: 'PEM', installTokenTtlMs: 3_600_000, wipeTokenTtlMs: 7_200_000 });

const lookups = 200;
let started = process.hrtime.bigint();
for (let i = 0; i < lookups; i++) await provisioner.handle(new Request(`http://10.0.0.1:8080/boot/ipxe?mac=${mac((i * 7919) % nodeCount)}`));
const localPerSecond = lookups / seconds(started);

for (let i = 0; i < lookups; i++) await provisioner.setBootIntent(`n${i}`, { kind: 'install', os: { name: 'debian', version: '12' } });
started = process.hrtime.bigint();
for (let i = 0; i < lookups; i++) await provisioner.handle(new Request(`http://10.0.0.1:8080/boot/ipxe?mac=${mac(i)}`));
const installPerSecond = lookups / seconds(started);

const hub = new AgentHub({ store, clock, random: random.fork('hub'), pollIntervalS: 5, maxHandOuts: 3, authCacheMs: 5_000 });
const agents = 200;
started = process.hrtime.bigint();
for (let i = 0; i < agents; i++) await hub.poll((await hub.authenticate(tokens[i]!))!);
const firstPollsPerSecond = agents / seconds(started);
const polls = 20_000;
started = process.hrtime.bigint();
for (let i = 0; i < polls; i++) await hub.poll((await hub.authenticate(tokens[i % agents]!))!);
const idlePollsPerSecond = polls / seconds(started);
const rounds = 2_000;
const item = NTP_ROLE.resources({ 'ntp.servers': ['10.0.0.1'] }, 'n0');
started = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) {
  const node = (await hub.authenticate(tokens[i % agents]!))!;
  const result = hub.dispatch(node.value.name, `site/ntp@${node.value.name}`, item, new AbortController().signal);
  const work = (await hub.poll(node))!;
  hub.complete(node.value.name, work.id, { exitStatus: 0, output: 'drill: unchanged\n', changed: false });
  await result;
}
const roundTripsPerSecond = rounds / seconds(started);

// The ntp item with sh, against fakes of apt-get, dpkg-query and systemctl that only touch the scratch root.
const dir = mkdtempSync(join(tmpdir(), 'drill-bench-sh-'));
const bin = join(dir, 'bin');
mkdirSync(bin);
const fakes: Record<string, string> = {
  'dpkg-query': 'test -e "$DRILL_ROOT/pkg" && printf "install ok installed"',
  'apt-get': 'test "$1" = update || touch "$DRILL_ROOT/pkg"',
  systemctl: 'case "$1" in is-*) test -e "$DRILL_ROOT/svc-$1" ;; enable) touch "$DRILL_ROOT/svc-is-enabled" ;; start|restart) touch "$DRILL_ROOT/svc-is-active" ;; esac',
};
for (const [name, body] of Object.entries(fakes)) {
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
}
mkdirSync(join(dir, 'root'));
const script = join(dir, 'item.sh');
writeFileSync(script, renderShell(item, 'site/ntp@n0'));
const shRun = (): number => {
  const start = process.hrtime.bigint();
  const r = spawnSync('/bin/sh', [script], { env: { PATH: `${bin}:/usr/bin:/bin`, DRILL_ROOT: join(dir, 'root') } });
  if (r.status !== 0) throw new Error(`the ntp item failed: ${r.stdout}${r.stderr}`);
  return seconds(start) * 1000;
};
const firstMs = shRun();
const secondMs = shRun();
rmSync(dir, { recursive: true, force: true });
await store.close();

console.log(`provisioner bench — ${nodeCount} nodes, 2 NICs each, SQLite in memory`);
console.log(`  iPXE lookup, node with nothing to do (read only):      ${localPerSecond.toFixed(0)} /s`);
console.log(`  iPXE lookup, node being installed (token written):     ${installPerSecond.toFixed(0)} /s`);
console.log(`  agent's first poll (token looked up, agent-up written): ${firstPollsPerSecond.toFixed(0)} /s`);
console.log(`  idle poll of a known agent (token answer cached):     ${idlePollsPerSecond.toFixed(0)} /s`);
console.log(`  dispatch → poll → result, in process:                 ${roundTripsPerSecond.toFixed(0)} /s`);
console.log(`  ntp work item with sh (fake apt-get/systemctl): first run ${firstMs.toFixed(1)} ms, second (unchanged) ${secondMs.toFixed(1)} ms`);
