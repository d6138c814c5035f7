// The visualizer in a real browser (Debian's Chromium, headless) against
// `drill up`: the twin's BMCs on loopback and the orchestrator serving /ui/.
// Screenshots go to artifacts/visualizer/ (git-ignored) for a person to look at.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, type VisualizerPageGlobals } from '../../bench/visualizer/browser.js';
import { serverIdentity, traceServerEvents } from '../../scenarios/index.js';
import { FaultInjector, FaultPlan, FileTraceSink, SeededRandom, TraceRecorder, VirtualClock } from '../../sim/index.js';
import { parseDatacenterSpec, SimulatedServer } from '../../twins/index.js';
import { FAULT_STYLE } from '../../visualizer/src/faults.js';
import { LAYER_STYLE } from '../../visualizer/src/lifecycle.js';
import { adminToken } from '../support/drill-client.js';
import { commandOnPath, describeWithHost } from '../support/host-tools.js';
import { twoRackSpec } from '../support/small-spec.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const ARTIFACTS = join(ROOT, 'artifacts', 'visualizer');

// Rack indexes 206 and 207 keep these BMCs (127.1.206.x, 127.1.207.x) clear of other suites' addresses.
const SPEC = twoRackSpec({ name: 'vis-test', seed: '0x7e5a', fidelity: 'wire', racks: [{ name: 'va', index: 206 }, { name: 'vb', index: 207 }] });

const colour = (layer: keyof typeof LAYER_STYLE): string => LAYER_STYLE[layer].colour;

describeWithHost('visualizer in Chromium against drill up', [commandOnPath('chromium')], () => {
  const dir = mkdtempSync(join(tmpdir(), 'drill-visualizer-'));
  let child: ChildProcess;
  let output = '';
  let browser: Browser;
  let page: Page;
  let twinCa: string;

  /** The colour painted at the centre of a server, as the page draws it now. */
  const colourOf = (name: string): Promise<string> =>
    page.evaluate((n) => {
      const p = (globalThis as VisualizerPageGlobals).drillVisualizer!;
      const at = p.pointOf(n)!;
      return p.colourAt(at.x, at.y);
    }, name);

  const pointOf = (name: string): Promise<{ x: number; y: number }> => page.evaluate((n) => (globalThis as VisualizerPageGlobals).drillVisualizer!.pointOf(n)!, name);

  const waitForColour = (name: string, expected: string, timeoutMs: number): Promise<unknown> =>
    page.waitForFunction(
      ({ n, c }) => {
        const p = (globalThis as VisualizerPageGlobals).drillVisualizer!;
        const at = p.pointOf(n)!;
        return p.colourAt(at.x, at.y) === c;
      },
      { n: name, c: expected },
      { timeout: timeoutMs, polling: 'raf' },
    );

  /** POST a reset to a server's Redfish BMC, the way any Redfish client would. */
  const redfishReset = async (server: string, resetType: 'On' | 'ForceOff'): Promise<number> => {
    const spec = parseDatacenterSpec(SPEC).servers.find((s) => s.name === server)!;
    const request = (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> =>
      new Promise((resolve, reject) => {
        const req = https.request(
          { host: spec.bmc.address, port: spec.bmc.redfishPort, path, method, ca: twinCa, auth: 'admin:twin-pass', headers: { 'content-type': 'application/json' } },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as unknown) : undefined }));
          },
        );
        req.on('error', reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    const systems = (await request('GET', '/redfish/v1/Systems')).json as { Members: { '@odata.id': string }[] };
    const system = systems.Members[0]!['@odata.id'];
    return (await request('POST', `${system}/Actions/ComputerSystem.Reset`, { ResetType: resetType })).status;
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(dir, 'spec.yaml'), SPEC);
    child = spawn(process.execPath, [CLI, 'up', '--spec', join(dir, 'spec.yaml'), '--listen', '127.0.0.1:0', '--state-dir', join(dir, 'state')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (output.includes('running until interrupted')) resolve();
        else if (child.exitCode !== null) reject(new Error(`drill up exited:\n${output}`));
      };
      child.stdout!.on('data', check);
      child.once('exit', check);
    });
    expect(output).not.toContain('visualizer is not built');
    twinCa = readFileSync(join(dir, 'state', 'twin-ca.crt'), 'utf8');
    const url = /visualizer: (https:\/\/\S+)/.exec(output)![1]!;
    const token = adminToken(output);
    browser = await launchChromium();
    // The orchestrator's certificate comes from its own CA, which this fresh browser profile does not trust.
    page = await browser.newPage({ viewport: { width: 1400, height: 860 }, ignoreHTTPSErrors: true });
    await page.goto(`${url}&token=${token}`);
    await page.waitForSelector('body[data-ready=true]');
    await page.waitForSelector('#conn-orch.live');
  });

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      const exit = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exit;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws every rack and every server of the spec, all off at first', async () => {
    expect(await page.$$eval('svg rect.rack', (racks) => racks.map((r) => r.getAttribute('data-rack')))).toEqual(['va', 'vb']);
    expect(await page.evaluate(() => (globalThis as VisualizerPageGlobals).drillVisualizer!.serverCount)).toBe(5);
    for (const name of ['va-u01', 'va-u02', 'va-u04', 'vb-u01', 'vb-u03']) expect(await colourOf(name)).toBe(colour('off'));
    // U1 at the bottom, the 2U server above it.
    expect((await pointOf('va-u01')).y).toBeGreaterThan((await pointOf('va-u02')).y);
    expect(await page.textContent('#legend-items li[data-layer=off] .count')).toBe('5');
    await page.screenshot({ path: join(ARTIFACTS, 'site.png') });
  });

  it('keeps the API token out of the address bar and shows both streams live', async () => {
    expect(page.url()).not.toContain('token');
    expect(await page.textContent('#conn-twin-state')).toBe('live');
    expect(await page.textContent('#conn-orch-state')).toBe('live');
  });

  it('shows a server powered through its Redfish BMC change colour within a second', async () => {
    expect(await redfishReset('va-u01', 'On')).toBeLessThan(300);
    await waitForColour('va-u01', colour('post'), 1_000);
    // POST takes up to 2 s in the twin's fast profile; then, with an empty disk and no boot
    // server in this spec, the machine halts ("no bootable device"): shown as an error.
    await waitForColour('va-u01', colour('error'), 10_000);
    expect(await redfishReset('va-u01', 'ForceOff')).toBeLessThan(300);
    await waitForColour('va-u01', colour('off'), 1_000);
  });

  it('shows the selected server in the side panel: BMC, inventory, power, lifecycle', async () => {
    const at = await pointOf('va-u02');
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector('#panel h2[data-server="va-u02"]');
    const panel = (await page.textContent('#panel'))!;
    expect(panel).toContain('openbmc');
    expect(panel).toContain('127.1.206.2');
    expect(panel).toContain('Big 2U');
    expect(panel).toContain('U2–U3');
    expect(panel).toMatch(/lifecycle\s*inventoried/);
    expect(panel).toMatch(/power\s*Off/);
    // The inventory the orchestrator read from the BMC: one 4-core CPU, two 8 GiB DIMMs.
    await page.waitForFunction(`document.querySelector('#panel').textContent.includes('2 DIMMs, 16 GiB')`);
    expect(await page.textContent('#panel')).toMatch(/CPUs\s*1× Test CPU, 4 cores/);
    await page.screenshot({ path: join(ARTIFACTS, 'panel.png') });
  });

  it('resumes the streams after a drop and misses nothing', async () => {
    await page.evaluate(() => (globalThis as VisualizerPageGlobals).drillVisualizer!.dropConnections());
    expect(await redfishReset('vb-u03', 'On')).toBeLessThan(300);
    await waitForColour('vb-u03', colour('error'), 10_000);
    await page.waitForSelector('#conn-twin.live');
    expect(await page.textContent('#log')).toContain('vb-u03');
  });

  it('filters by rack and state', async () => {
    await page.fill('#search', 'rack:vb state:error');
    expect(await page.textContent('#search-count')).toBe('1 match');
    await page.fill('#search', 'colour:red');
    expect(await page.textContent('#search-count')).toContain('colour: not a field to filter by');
    await page.fill('#search', '');
  });

  it('replays a trace file to a chosen event', async () => {
    // A trace as the simulation records one: vb-u01 powered on, through POST, then off.
    const clock = new VirtualClock();
    const spec = parseDatacenterSpec(SPEC);
    const serverSpec = spec.servers.find((s) => s.name === 'vb-u01')!;
    const server = new SimulatedServer({ name: serverSpec.name, identity: serverIdentity(spec, serverSpec), clock, random: new SeededRandom(spec.seed) });
    const tracePath = join(dir, 'trace.jsonl');
    const sink = new FileTraceSink(tracePath);
    const trace = new TraceRecorder({ clock, sink });
    const recording = traceServerEvents(server, trace, 'vb-u01');
    server.powerAction('on');
    await clock.runUntilIdle();
    server.powerAction('off');
    await recording.dispose();
    sink.close();
    server.dispose();
    const lines = readFileSync(tracePath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: { to?: string } });
    const poweredOn = lines.findIndex((l) => l.type === 'server.power' && l.data.to === 'On');
    expect(poweredOn).toBeGreaterThan(0);

    await page.setInputFiles('#trace-file', tracePath);
    await page.waitForSelector('body[data-mode=replay]');
    await waitForColour('vb-u01', colour('off'), 1_000);
    await page.click(`#log .line[data-index="${poweredOn}"]`);
    await waitForColour('vb-u01', colour('running'), 1_000);
    expect(await page.getAttribute('#log .line.current', 'data-index')).toBe(String(poweredOn));
    expect(await page.textContent('#position')).toContain(`#${poweredOn} / ${lines.length}`);
    await page.screenshot({ path: join(ARTIFACTS, 'replay.png') });
    await page.fill('#scrub', String(lines.length - 1));
    await waitForColour('vb-u01', colour('off'), 1_000);
    // Play from the start at 64×: it runs through to the last event and stops there.
    await page.fill('#scrub', '0');
    await page.selectOption('#speed', '64');
    await page.click('#play');
    await page.waitForFunction(`document.querySelector('#position').textContent.startsWith('#${lines.length - 1} /') && document.querySelector('#play').textContent === 'play'`);
    await waitForColour('vb-u01', colour('off'), 1_000);
    await page.click('#mode-live');
    await page.waitForSelector('body[data-mode=live]');
  });

  it('marks a fault where it strikes when a trace replays it', async () => {
    // The fault injector records its strikes in the same trace: vb-u03 hangs in POST.
    const clock = new VirtualClock();
    const spec = parseDatacenterSpec(SPEC);
    const serverSpec = spec.servers.find((s) => s.name === 'vb-u03')!;
    const tracePath = join(dir, 'fault-trace.jsonl');
    const sink = new FileTraceSink(tracePath);
    const trace = new TraceRecorder({ clock, sink });
    const faults = new FaultInjector({ plan: FaultPlan.parse({ faults: [{ target: 'node:vb-u03', kind: 'post-hang' }] }), clock, random: new SeededRandom(spec.seed), observer: trace });
    const server = new SimulatedServer({ name: serverSpec.name, identity: serverIdentity(spec, serverSpec), clock, random: new SeededRandom(spec.seed), faults });
    const recording = traceServerEvents(server, trace, 'vb-u03');
    server.powerAction('on');
    await recording.dispose();
    sink.close();
    server.dispose();
    const types = readFileSync(tracePath, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    const strike = types.indexOf('fault.strike');
    expect(strike).toBeGreaterThan(0);

    await page.setInputFiles('#trace-file', tracePath);
    await page.waitForSelector('body[data-mode=replay]');
    await page.fill('#scrub', String(strike));
    await waitForColour('vb-u03', colour('post'), 1_000);
    // The marker sits in the server's top-right corner.
    const corner = await page.evaluate((n) => {
      const p = (globalThis as VisualizerPageGlobals).drillVisualizer!;
      const box = p.boxOf(n)!;
      return p.colourAt(box.x + box.w - 2, box.y + 2);
    }, 'vb-u03');
    expect(corner).toBe(FAULT_STYLE.node.colour);
    await page.click('#mode-live');
    await page.waitForSelector('body[data-mode=live]');
  });
});
