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
 * The native driver negotiates what the BMC offers: suite 17 with the twin,
 * 3 with ipmi_sim.
 *
 * Then (b): a fleet of twin BMCs (default 1,000; `--fleet N`) on real
 * loopback sockets in this process, one 127.1.x.y address each, polled for
 * power status by as many IpmiDriver instances at once: the wall time of one
 * round with session setup, of a second round reusing the sessions, and the
 * driver-side heap. Twice: with the BMCs on the drivers' own thread (they
 * share its CPU and heap), and in a worker thread (fleet-worker.ts), where the
 * heap delta is the drivers' alone and the BMCs answer from another core, as
 * real BMCs would.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { IpmiDriver } from '../../orchestrator/index.js';
import { IPMI_ADMIN, startWireIpmiFleet, startWireIpmiTwin } from '../../scenarios/index.js';
import { SeededRandom, SystemClock, UdpNetwork } from '../../sim/index.js';
import { loopbackDriver, startIpmiSim } from '../../test/third-party/ipmi-sim/ipmi-sim.js';
import type { FleetStarted } from './fleet-worker.js';

const run = promisify(execFile);
const quick = process.argv.includes('--quick');
const fleetArg = process.argv.indexOf('--fleet');
const FLEET_SIZE = fleetArg >= 0 ? Number(process.argv[fleetArg + 1]) : 1000;

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
  {
    name: 'twin IpmiBmc (this process)',
    start: async () => {
      const twin = await startWireIpmiTwin({ seed: 0x623, host: '127.0.0.1', users: [{ name: 'bench', password: 'bench-pw', privilege: 'administrator' }] });
      return { host: twin.host, port: twin.port, username: 'bench', password: 'bench-pw', dispose: () => twin.dispose() };
    },
  },
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

// ---------------------------------------------------------------------------
// (b) Polling a fleet of twin BMCs at once.

/** The heap after a full collection; `gc` is reached without a command-line flag. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapBytes = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

interface FleetHost {
  readonly where: string;
  readonly addresses: ReadonlyArray<{ host: string; port: number }>;
  readonly fallback: string | undefined;
  stop(): Promise<void>;
}

const FLEET_OPTIONS = { count: FLEET_SIZE, seed: 0xf1ee7, initialPower: 'On' } as const;

/** The BMCs on this thread: they and the drivers share one event loop and one heap. */
async function fleetOnThisThread(): Promise<FleetHost> {
  const fleet = await startWireIpmiFleet(FLEET_OPTIONS);
  return { where: 'BMCs on the drivers\' thread', addresses: fleet.members, fallback: fleet.fallback, stop: () => fleet.dispose() };
}

/** The BMCs in a worker thread of this process: their CPU and heap are not the drivers'. */
async function fleetInWorker(): Promise<FleetHost> {
  const worker = new Worker(new URL('./fleet-worker.js', import.meta.url), { workerData: FLEET_OPTIONS });
  const started = await new Promise<FleetStarted>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    where: 'BMCs in a worker thread',
    addresses: started.addresses,
    fallback: started.fallback,
    stop: async () => {
      worker.postMessage('stop');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}

async function pollFleet(host: FleetHost): Promise<string[]> {
  const first = host.addresses[0]!;
  const last = host.addresses.at(-1)!;
  const lines = [`${host.where}: ${first.host}:${first.port} … ${last.host}:${last.port}${host.fallback ? ` (fallback: ${host.fallback})` : ''}`];
  const clock = new SystemClock();
  const random = new SeededRandom(0xd41e);
  const transport = new UdpNetwork();
  const before = heapBytes();
  const drivers = host.addresses.map(
    (a, i) => new IpmiDriver({ ...a, username: IPMI_ADMIN.name, password: IPMI_ADMIN.password, transport, clock, random: random.fork(`driver:${i}`), localHost: '127.0.0.1', timeoutMs: 5000, retries: 3 }),
  );
  try {
    const round = async (what: string): Promise<number> => {
      const started = process.hrtime.bigint();
      const results = await Promise.allSettled(drivers.map((d) => d.powerState()));
      const seconds = elapsedS(started);
      const on = results.filter((r) => r.status === 'fulfilled' && r.value === 'On').length;
      const failed = results.filter((r) => r.status === 'rejected').length;
      lines.push(`  ${what.padEnd(46)} ${(seconds * 1000).toFixed(0).padStart(6)} ms   ${on}/${drivers.length} On, ${failed} failed`);
      return seconds;
    };
    const setupS = await round('round 1 (session setup + Get Chassis Status)');
    const reuseS = await round('round 2 (sessions reused)');
    const delta = heapBytes() - before;
    const sessions = drivers.reduce((n, d) => n + d.sessionsOpened, 0);
    lines.push(`  target ≤ 2000 ms per round: ${Math.max(setupS, reuseS) <= 2 ? 'met' : 'missed'}; sessions opened: ${sessions}`);
    lines.push(
      `  heap delta: +${(delta / 2 ** 20).toFixed(1)} MiB, ${(delta / drivers.length / 1024).toFixed(1)} KiB per driver with its live session` +
        (host.where.includes('worker') ? ' (drivers only)' : ' (drivers plus the twin BMCs\' session-table entries, which share this heap)'),
    );
  } finally {
    await Promise.all(drivers.map((d) => d.close()));
  }
  return lines;
}

console.log('');
console.log(`Polling power status of ${FLEET_SIZE} twin BMCs at once (real loopback UDP, one IpmiDriver each)`);
for (const start of [fleetOnThisThread, fleetInWorker]) {
  const host = await start();
  try {
    for (const text of await pollFleet(host)) console.log(text);
  } finally {
    await host.stop();
  }
}
