/**
 * Simulated Redfish BMC benchmark: memory per simulated server at 10,000 servers in
 * one process, and GET /redfish/v1/Systems/{id} requests per second over real HTTPS
 * keep-alive from a load tool on loopback (Debian's `wrk` when installed, else a
 * Node keep-alive client in a worker). Prints figures; asserts nothing.
 *
 *   npm run build && node --expose-gc dist/bench/twin-redfish/main.js [--servers N] [--seconds S]
 */
import { execFile } from 'node:child_process';
import { request, Agent } from 'node:https';
import { promisify } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { SeededRandom, SystemClock, VirtualClock } from '../../sim/index.js';
import { loadRedfishSharedData, RedfishBmc, REDFISH_FLAVOURS, serveRedfishHttps, SimulatedServer, type ServerIdentity } from '../../twins/index.js';

const run = promisify(execFile);
const AUTH = `Basic ${Buffer.from('admin:password1').toString('base64')}`;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function identity(n: number): ServerIdentity {
  const hex = n.toString(16).padStart(12, '0');
  return {
    manufacturer: 'Contoso', manufacturerId: 412, productName: 'RX-1000', productId: 1,
    serialNumber: `SN${n}`, boardSerialNumber: `BRD${n}`, chassisSerialNumber: `CH${n}`, partNumber: 'PN-1000', boardPartNumber: 'BPN-1000',
    firmwareVersion: '1.0.0', systemGuid: `00000000-0000-4000-8000-${hex}`, bmcGuid: `00000000-0000-4000-9000-${hex}`,
  };
}

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed;
}

async function memory(count: number): Promise<void> {
  const gcNote = (globalThis as { gc?: () => void }).gc ? 'after GC' : 'NO --expose-gc: figures include garbage';
  loadRedfishSharedData(); // shared by every BMC, loaded once: not per-server cost
  const clock = new VirtualClock();
  const random = new SeededRandom(1);
  const base = heapUsed();
  const servers: SimulatedServer[] = [];
  for (let i = 0; i < count; i++) servers.push(new SimulatedServer({ name: `node:s${i}`, identity: identity(i + 1), clock, random: random.fork(`s${i}`) }));
  const withServers = heapUsed();
  const bmcs: RedfishBmc[] = [];
  for (let i = 0; i < count; i++) {
    bmcs.push(new RedfishBmc({ server: servers[i]!, flavour: REDFISH_FLAVOURS[i % REDFISH_FLAVOURS.length]!, clock, random: random.fork(`b${i}`), credentials: { user: 'admin', password: 'password1' } }));
  }
  const withBmcs = heapUsed();
  // Touch every BMC once (a GET of its system and a login), as a fleet inventory pass would.
  for (const bmc of bmcs) {
    const sys = `/redfish/v1/Systems/${bmc.flavour.ids.system}`;
    await bmc.handle({ method: 'GET', path: sys, query: '', header: (n) => (n === 'authorization' ? AUTH : undefined), body: '' });
    await bmc.handle({ method: 'POST', path: '/redfish/v1/SessionService/Sessions', query: '', header: (n) => (n === 'content-type' ? 'application/json' : undefined), body: '{"UserName":"admin","Password":"password1"}' });
  }
  const touched = heapUsed();
  const kb = (bytes: number): string => (bytes / count / 1024).toFixed(1);
  console.log(`memory at ${count} servers (${gcNote}; heap limit ${(getHeapStatistics().heap_size_limit / 2 ** 20).toFixed(0)} MiB):`);
  console.log(`  SimulatedServer alone            ${kb(withServers - base).padStart(7)} KB/server`);
  console.log(`  + Redfish BMC (idle)             ${kb(withBmcs - withServers).padStart(7)} KB/server`);
  console.log(`  + after one GET and one session  ${kb(touched - withBmcs).padStart(7)} KB/server`);
  console.log(`  total per simulated server       ${kb(touched - base).padStart(7)} KB/server   (target ≤ 50 KB)`);
  for (const b of bmcs) b.dispose();
  for (const s of servers) s.dispose();
}

async function throughput(seconds: number): Promise<void> {
  const clock = new SystemClock();
  const random = new SeededRandom(2);
  const server = new SimulatedServer({ name: 'node:bench', identity: identity(1), clock, random: random.fork('server'), initialPower: 'On' });
  const bmc = new RedfishBmc({ server, flavour: 'dell-idrac9', clock, random: random.fork('bmc'), credentials: { user: 'admin', password: 'password1' } });
  const host = await serveRedfishHttps({ endpoints: [{ bmc, host: '127.0.0.1', port: 0 }], clock, random: random.fork('wire') });
  const url = `${host.endpoints[0]!.url}/redfish/v1/Systems/System.Embedded.1`;
  try {
    let line: string;
    try {
      const { stdout } = await run('wrk', ['-t1', '-c32', `-d${seconds}s`, '-H', `Authorization: ${AUTH}`, url], { timeout: (seconds + 20) * 1000 });
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1];
      const latency = /Latency\s+(\S+)/.exec(stdout)?.[1];
      const errors = /Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? '0';
      line = `wrk -t1 -c32 -d${seconds}s: ${rps} req/s (mean latency ${latency}, non-2xx ${errors})`;
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') throw error;
      const rps = await new Promise<number>((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: { url, seconds, connections: 32 } });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      line = `node keep-alive client (wrk not installed), 32 connections, ${seconds}s: ${rps.toFixed(0)} req/s`;
    }
    console.log(`GET /redfish/v1/Systems/{id} over HTTPS keep-alive, server on one Node thread:\n  ${line}   (target ≥ 5,000 req/s)`);
  } finally {
    await host.dispose();
    bmc.dispose();
    server.dispose();
  }
}

/** The fallback load tool: keep-alive HTTPS GETs from a worker thread. */
async function loadWorker(data: { url: string; seconds: number; connections: number }): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: data.connections, rejectUnauthorized: false });
  let done = 0;
  const end = Date.now() + data.seconds * 1000;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(data.url, { agent, headers: { Authorization: AUTH } }, (res) => {
        res.resume();
        res.on('end', () => {
          done++;
          resolve();
        });
      });
      req.on('error', reject);
      req.end();
    });
  await Promise.all(
    Array.from({ length: data.connections }, async () => {
      while (Date.now() < end) await one();
    }),
  );
  parentPort?.postMessage(done / data.seconds);
}

if (isMainThread) {
  console.log('drill twin-redfish benchmark');
  await memory(arg('servers', 10_000));
  await throughput(arg('seconds', 5));
} else {
  await loadWorker(workerData as { url: string; seconds: number; connections: number });
}
