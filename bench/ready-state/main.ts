/**
 * Ready state in model fidelity: powered-off servers to `ready` (network boot,
 * install, agent, ops environment) with the real orchestrator, on the virtual
 * clock. Prints wall time, virtual time and memory for the lab (12 servers)
 * and for 1,000 servers of the 10k site.
 *
 *   npm run bench:ready-state            (or: node dist/bench/ready-state/main.js --servers 200)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { startReadyStateModel } from '../../scenarios/index.js';
import { parseDatacenterSpec } from '../../twins/index.js';

const file = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const serversArg = process.argv.indexOf('--servers');
const large = serversArg > 0 ? Number(process.argv[serversArg + 1]) : 1_000;
const { deployment: _name, ...plan } = parse(readFileSync(file('scenarios/deployments/lab-ready.yaml'), 'utf8')) as Record<string, unknown>;

async function run(label: string, specPath: string, limit: number | undefined): Promise<string> {
  const datacenter = parseDatacenterSpec(readFileSync(file(specPath), 'utf8'), { source: specPath });
  const started = process.hrtime.bigint();
  const model = await startReadyStateModel({ datacenter, ...(limit === undefined ? {} : { limit }) });
  try {
    const enrolledS = Number(process.hrtime.bigint() - started) / 1e9;
    const virtualStart = model.fleet.clock.now();
    const applied = await model.api('PUT', '/api/v1/deployments/lab-ready/plan', plan);
    if (applied.status !== 200) throw new Error(`the plan was refused: ${JSON.stringify(applied.body)}`);
    await model.settle('lab-ready', 24 * 3_600_000);
    const wallS = Number(process.hrtime.bigint() - started) / 1e9;
    const virtualS = (model.fleet.clock.now() - virtualStart) / 1000;
    const nodes = [...(await model.store.snapshot()).nodes.values()];
    const ready = nodes.filter((n) => n.value.lifecycle === 'ready').length;
    const rssMiB = process.memoryUsage().rss / 2 ** 20;
    return `${label.padEnd(24)} ${String(nodes.length).padStart(6)} ${String(ready).padStart(6)} ${enrolledS.toFixed(2).padStart(10)} ${wallS.toFixed(2).padStart(9)} ${virtualS.toFixed(0).padStart(10)} ${rssMiB.toFixed(0).padStart(8)}`;
  } finally {
    await model.dispose();
  }
}

process.stdout.write('drill bench ready-state — model fidelity, powered off → ready (install + ops roles), real orchestrator\n\n');
process.stdout.write(`${'run'.padEnd(24)} ${'nodes'.padStart(6)} ${'ready'.padStart(6)} ${'enroll s'.padStart(10)} ${'wall s'.padStart(9)} ${'virtual s'.padStart(10)} ${'RSS MiB'.padStart(8)}\n`);
process.stdout.write(`${await run('lab (12 servers)', 'scenarios/datacenters/lab.yaml', undefined)}\n`);
process.stdout.write(`${await run(`site-10k, first ${large}`, 'scenarios/datacenters/site-10k.yaml', large)}   (target: wall ≤ 20 s)\n`);
