/**
 * Discovery at scale in model fidelity: enroll + inventory 1,000 twin BMCs
 * (the first 1,000 servers of the generated 10k site: mixed Redfish vendors
 * and IPMI-only gear) through the real drivers over the in-process network,
 * into a SQLite store. Prints wall time and virtual time.
 *
 *   npm run bench:discovery           (or: node dist/bench/discovery/main.js --bmcs 200 --concurrency 64)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BmcCredentials, CredentialVault, Enroller, SqliteStore, type EnrollResult } from '../../orchestrator/index.js';
import { startModelFleet } from '../../scenarios/index.js';
import { loadDatacenterSpec } from '../../twins/index.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const bmcs = arg('--bmcs', 1_000);
const concurrency = arg('--concurrency', 64);
const spec = fileURLToPath(new URL('../../../scenarios/datacenters/site-10k.yaml', import.meta.url));

const datacenter = await loadDatacenterSpec(spec, { env: {} });
const fleet = await startModelFleet({ datacenter, limit: bmcs });
const dir = mkdtempSync(join(tmpdir(), 'drill-bench-discovery-'));
const store = new SqliteStore({ path: join(dir, 'drill.db'), clock: fleet.clock });
try {
  const vault = new CredentialVault({ key: Buffer.alloc(32, 1), random: fleet.random.fork('vault') });
  const enroller = new Enroller({ store, vault, drivers: fleet.drivers, clock: fleet.clock });
  // One batch per distinct login, as an operator would run them.
  const groups = new Map<string, { credentials: BmcCredentials; addresses: string[] }>();
  for (const { spec: server } of fleet.servers.values()) {
    const { user, password } = server.bmc.credentials;
    const key = `${user}\0${password.reveal()}`;
    const group = groups.get(key) ?? { credentials: new BmcCredentials(user, password.reveal()), addresses: [] };
    group.addresses.push(server.bmc.address);
    groups.set(key, group);
  }
  const virtualStart = fleet.clock.now();
  const wallStart = process.hrtime.bigint();
  const results: EnrollResult[] = [];
  for (const group of groups.values()) {
    results.push(...(await fleet.settle(enroller.enrollAll({ targets: group.addresses.map((address) => ({ address })), credentials: group.credentials, concurrency }))));
  }
  const wallMs = Number(process.hrtime.bigint() - wallStart) / 1e6;
  const virtualMs = fleet.clock.now() - virtualStart;
  const ok = results.filter((r) => r.ok);
  const byProtocol = new Map<string, number>();
  for (const r of ok) byProtocol.set(r.protocol, (byProtocol.get(r.protocol) ?? 0) + 1);
  const failures = results.filter((r) => !r.ok);
  console.log(`bench:discovery — ${results.length} twin BMCs (${datacenter.name}, model fidelity), concurrency ${concurrency}`);
  console.log(`enrolled + inventoried ${ok.length} (${[...byProtocol].map(([p, n]) => `${p} ${n}`).join(', ')}), failed ${failures.length}`);
  for (const f of failures.slice(0, 5)) if (!f.ok) console.log(`  ${f.address}: ${f.reason} — ${f.message}`);
  console.log(`wall time     ${(wallMs / 1000).toFixed(2)} s  (${(results.length / (wallMs / 1000)).toFixed(0)} BMCs/s)`);
  console.log(`virtual time  ${(virtualMs / 1000).toFixed(2)} s`);
  console.log(`events        ${(await store.snapshot()).eventSeq}`);
} finally {
  await store.close();
  await fleet.dispose();
  rmSync(dir, { recursive: true, force: true });
}
