/**
 * Ready state in model fidelity: powered-off servers to `ready` (network boot,
 * install, agent, ops environment) with the real orchestrator, on the virtual
 * clock. Prints wall time, CPU time (the figure to compare on a shared
 * machine), virtual time and memory for the lab (12 servers)
 * and for 1,000 servers of the 10k site.
 *
 * Then the lab in wire fidelity: `drill up` itself, timed from start to every
 * node ready, over real sockets (skip it with --no-wire).
 *
 *   npm run bench:ready-state            (or: node dist/bench/ready-state/main.js --servers 200 --no-wire)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const cpuStarted = process.cpuUsage();
  const model = await startReadyStateModel({ datacenter, ...(limit === undefined ? {} : { limit }) });
  try {
    const enrolledS = Number(process.hrtime.bigint() - started) / 1e9;
    const virtualStart = model.fleet.clock.now();
    const applied = await model.api('PUT', '/api/v1/deployments/lab-ready/plan', plan);
    if (applied.status !== 200) throw new Error(`the plan was refused: ${JSON.stringify(applied.body)}`);
    await model.settle('lab-ready', 24 * 3_600_000);
    const wallS = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuStarted);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    const virtualS = (model.fleet.clock.now() - virtualStart) / 1000;
    const nodes = [...(await model.store.snapshot()).nodes.values()];
    const ready = nodes.filter((n) => n.value.lifecycle === 'ready').length;
    const rssMiB = process.memoryUsage().rss / 2 ** 20;
    return `${label.padEnd(24)} ${String(nodes.length).padStart(6)} ${String(ready).padStart(6)} ${enrolledS.toFixed(2).padStart(10)} ${wallS.toFixed(2).padStart(9)} ${cpuS.toFixed(2).padStart(7)} ${virtualS.toFixed(0).padStart(10)} ${rssMiB.toFixed(0).padStart(8)}`;
  } finally {
    await model.dispose();
  }
}

process.stdout.write('drill bench ready-state — model fidelity, powered off → ready (install + ops roles), real orchestrator\n\n');
process.stdout.write(`${'run'.padEnd(24)} ${'nodes'.padStart(6)} ${'ready'.padStart(6)} ${'enroll s'.padStart(10)} ${'wall s'.padStart(9)} ${'CPU s'.padStart(7)} ${'virtual s'.padStart(10)} ${'RSS MiB'.padStart(8)}\n`);
process.stdout.write(`${await run('lab (12 servers)', 'scenarios/datacenters/lab.yaml', undefined)}\n`);
process.stdout.write(`${await run(`site-10k, first ${large}`, 'scenarios/datacenters/site-10k.yaml', large)}   (target: wall ≤ 20 s)\n`);

/** `drill up` on the lab, as a user runs it: seconds until every BMC is enrolled and until every node is ready. */
async function wireLab(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'drill-bench-up-'));
  const child = spawn(process.execPath, [fileURLToPath(new URL('../../cli/main.js', import.meta.url)), 'up', '--listen', '127.0.0.1:0', '--state-dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  let output = '';
  let enrolledS: number | undefined;
  try {
    const readyS = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`drill up did not reach ready state in 10 min:\n${output.slice(-2000)}`)), 600_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (enrolledS === undefined && /nodes enrolled and inventoried/.test(output)) enrolledS = seconds();
        if (/all \d+ nodes in ready state/.test(output)) {
          clearTimeout(timer);
          resolve(seconds());
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`drill up exited (${code}) before ready state:\n${output.slice(-2000)}`));
      });
    });
    return `${'lab, wire (drill up)'.padEnd(24)} ${'12'.padStart(6)} ${'12'.padStart(6)} ${(enrolledS ?? Number.NaN).toFixed(2).padStart(10)} ${readyS.toFixed(2).padStart(9)} ${'—'.padStart(7)} ${'real'.padStart(10)} ${'—'.padStart(8)}`;
  } finally {
    child.removeAllListeners('exit');
    // One that already exited has no exit event left to wait for.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!process.argv.includes('--no-wire')) process.stdout.write(`${await wireLab()}\n`);
