/**
 * IPMI power-status benchmark: round trips per second of the native RMCP+
 * driver (one session, reused) against the same work done the way many
 * orchestrators do it — one `ipmitool -I lanplus … chassis power status`
 * process per call — side by side, per BMC target. Prints a table; asserts
 * nothing.
 *
 *   npx tsc -p tsconfig.build.json && node dist/bench/ipmi/main.js [--quick]
 *
 * A target is one entry in TARGETS: how to start a BMC and stop it.
 * ipmitool is given `-C 3`: without it, ipmitool 1.8.19 first asks for the
 * cipher suite list, which ipmi_sim never answers, and waits ~6 s per call.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loopbackDriver, startIpmiSim } from '../../test/third-party/ipmi-sim/ipmi-sim.js';

const run = promisify(execFile);
const quick = process.argv.includes('--quick');

interface Bmc {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  dispose(): Promise<void>;
}

interface Target {
  readonly name: string;
  start(): Promise<Bmc>;
}

const TARGETS: readonly Target[] = [
  {
    name: 'ipmi_sim (OpenIPMI 2.0.33)',
    start: async () => {
      const sim = await startIpmiSim({ users: [{ id: 2, name: 'bench', password: 'bench-pw', privilege: 'admin' }] });
      return { host: sim.host, port: sim.port, username: 'bench', password: 'bench-pw', dispose: () => sim.dispose() };
    },
  },
  // The twin's IPMI BMC goes here once it lands: { name: 'twin', start: … }.
];

interface Figure {
  readonly calls: number;
  readonly seconds: number;
}

const perSecond = (f: Figure): number => f.calls / f.seconds;
const elapsedS = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e9;

async function native(bmc: Bmc, calls: number, concurrency: number): Promise<Figure> {
  const driver = loopbackDriver({ ...bmc, maxInFlight: concurrency, timeoutMs: 5000 });
  try {
    await driver.powerState(); // opens the session; not timed
    const started = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < calls) await driver.powerState();
      }),
    );
    return { calls, seconds: elapsedS(started) };
  } finally {
    await driver.close();
  }
}

async function ipmitool(bmc: Bmc, calls: number): Promise<Figure> {
  const args = ['-I', 'lanplus', '-C', '3', '-H', bmc.host, '-p', String(bmc.port), '-U', bmc.username, '-P', bmc.password, 'chassis', 'power', 'status'];
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    const { stdout } = await run('ipmitool', args);
    if (!/Chassis Power is (on|off)/.test(stdout)) throw new Error(`ipmitool said: ${stdout}`);
  }
  return { calls, seconds: elapsedS(started) };
}

const rows: string[][] = [];
for (const target of TARGETS) {
  const bmc = await target.start();
  try {
    const sequential = await native(bmc, quick ? 300 : 3000, 1);
    const parallel = await native(bmc, quick ? 300 : 3000, 8);
    const forked = await ipmitool(bmc, quick ? 10 : 40);
    rows.push([
      target.name,
      perSecond(sequential).toFixed(0),
      perSecond(parallel).toFixed(0),
      perSecond(forked).toFixed(1),
      `${(perSecond(sequential) / perSecond(forked)).toFixed(0)}×`,
    ]);
  } finally {
    await bmc.dispose();
  }
}

const header = ['target', 'native 1 in flight (rt/s)', 'native 8 in flight (rt/s)', 'ipmitool per call (rt/s)', 'native ÷ ipmitool'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
console.log('IPMI chassis power status round trips per second (loopback)');
console.log(line(header));
for (const row of rows) console.log(line(row));
