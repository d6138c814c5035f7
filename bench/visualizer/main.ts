/**
 * Visualizer benchmark: the 10,000-server site in headless Chromium while
 * the twin observer streams power changes of real simulated servers.
 * Prints frames per second, event-to-pixel latency (the event's timestamp vs
 * the frame that painted it) and the time to the first full render; asserts
 * nothing. Bounded: about a minute.
 *
 *   npm run bench:visualizer     (or: node dist/bench/visualizer/main.js --quick)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOrchestrator, visualizerFiles } from '../../cli/index.js';
import { startTwinObserver, TwinObserverFeed } from '../../scenarios/index.js';
import { DisposableStack, SeededRandom, SystemClock } from '../../sim/index.js';
import { parseDatacenterSpec, SimulatedServer, type ServerIdentity } from '../../twins/index.js';
import { launchChromium, type VisualizerPageGlobals } from './browser.js';

const quick = process.argv.includes('--quick');
const CHANGES_PER_SECOND = 200;
const WARMUP_MS = 3_000;
const MEASURE_MS = quick ? 5_000 : 20_000;
const SPEC = fileURLToPath(new URL('../../../scenarios/datacenters/site-10k.yaml', import.meta.url));

const IDENTITY: ServerIdentity = {
  manufacturer: 'Bench',
  manufacturerId: 0,
  productName: 'Compute 1U',
  productId: 0,
  serialNumber: 'bench',
  boardSerialNumber: 'bench',
  chassisSerialNumber: 'bench',
  partNumber: 'bench',
  boardPartNumber: 'bench',
  firmwareVersion: '1.0',
  systemGuid: '00000000-0000-4000-8000-000000000000',
  bmcGuid: '00000000-0000-4000-8000-000000000001',
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

async function main(): Promise<void> {
  const datacenter = parseDatacenterSpec(readFileSync(SPEC, 'utf8'), { source: SPEC, env: process.env });
  const clock = new SystemClock();
  const random = new SeededRandom(datacenter.seed);
  const stack = new DisposableStack();
  const stateDir = mkdtempSync(join(tmpdir(), 'drill-bench-visualizer-'));
  try {
    const feed = new TwinObserverFeed({ datacenter });
    const servers = datacenter.servers.map((spec) => {
      const server = stack.use(new SimulatedServer({ name: spec.name, identity: IDENTITY, clock, random: random.fork(spec.name) }));
      stack.use(server.onEvent((event) => feed.record(spec.name, event)));
      return server;
    });
    const observer = await startTwinObserver({ feed, host: '127.0.0.1', port: 0 });
    stack.use({ dispose: () => observer.close() });
    const ui = visualizerFiles();
    if (ui.problem) throw new Error(ui.problem);
    const orchestrator = await startOrchestrator({ listen: '127.0.0.1:0', stateDir, staticMounts: ui.mounts }, 'bench', () => undefined);
    stack.use({ dispose: () => orchestrator.stop() });

    const browser = await launchChromium();
    stack.use({ dispose: () => browser.close() });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, ignoreHTTPSErrors: true });
    const loadStarted = performance.now();
    await page.goto(`${orchestrator.url}/ui/#twin=${observer.url}`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
    const readyMs = performance.now() - loadStarted;
    const firstRenderMs = await page.evaluate(() => ((globalThis as VisualizerPageGlobals).drillVisualizer!.stats().firstPaintAtMs ?? NaN) - performance.timeOrigin);
    const drawn = await page.evaluate(() => (globalThis as VisualizerPageGlobals).drillVisualizer!.serverCount);

    // 200 power changes a second, round the site: each powers a server on (or off, the second time round).
    // Catching up with the wall clock on each tick, so timer drift does not lower the rate.
    const drivingFrom = performance.now();
    let changes = 0;
    const driver = setInterval(() => {
      const due = Math.floor(((performance.now() - drivingFrom) / 1000) * CHANGES_PER_SECOND);
      for (; changes < due; changes++) {
        const server = servers[changes % servers.length]!;
        server.powerAction(server.power === 'Off' ? 'on' : 'off');
      }
    }, 10);
    try {
      await page.waitForTimeout(WARMUP_MS);
      const eventsBefore = feed.latestSeq;
      const before = await page.evaluate(() => ({ ...(globalThis as VisualizerPageGlobals).drillVisualizer!.stats(), latencies: (globalThis as VisualizerPageGlobals).drillVisualizer!.stats().latenciesMs.length, at: performance.now() }));
      const changesBefore = changes;
      await page.waitForTimeout(MEASURE_MS);
      const after = await page.evaluate((skip) => ({ ...(globalThis as VisualizerPageGlobals).drillVisualizer!.stats(), window: (globalThis as VisualizerPageGlobals).drillVisualizer!.stats().latenciesMs.slice(skip), at: performance.now() }), before.latencies);
      const seconds = (after.at - before.at) / 1000;
      const rows: [string, string, string][] = [
        ['servers drawn', drawn.toLocaleString('en'), '10,000'],
        ['first full render (navigation → painted)', `${firstRenderMs.toFixed(0)} ms`, ''],
        ['page ready (goto → all loaded)', `${readyMs.toFixed(0)} ms`, ''],
        ['state changes driven', `${((changes - changesBefore) / seconds).toFixed(0)} /s`, `${CHANGES_PER_SECOND} /s`],
        ['server events streamed', `${((feed.latestSeq - eventsBefore) / seconds).toFixed(0)} /s`, ''],
        ['frames per second', `${((after.frames - before.frames) / seconds).toFixed(1)}`, '≥ 30'],
        ['repaints per second', `${((after.paints - before.paints) / seconds).toFixed(1)}`, ''],
        ['event → pixel latency, median', `${median(after.window).toFixed(1)} ms`, '≤ 100 ms'],
        ['event → pixel latency, p95', `${percentile(after.window, 0.95).toFixed(1)} ms`, ''],
        ['latency samples', String(after.window.length), ''],
      ];
      console.log(`visualizer benchmark: ${datacenter.name}, ${(MEASURE_MS / 1000).toFixed(0)} s measured after ${WARMUP_MS / 1000} s warm-up, headless Chromium 1600×1000`);
      const width = Math.max(...rows.map((r) => r[0].length));
      for (const [name, value, target] of rows) console.log(`  ${name.padEnd(width)}  ${value.padStart(12)}  ${target ? `target ${target}` : ''}`);
    } finally {
      clearInterval(driver);
    }
  } finally {
    await stack.dispose();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

await main();
