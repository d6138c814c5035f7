// End to end over real sockets: `drill twin serve` (BMCs on loopback) and
// `drill serve` (the orchestrator) as child processes, driven by the CLI.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { commandOnPath, describeWithHost } from '../support/host-tools.js';
import { twoServerSpec } from '../support/small-spec.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const run = promisify(execFile);

// Rack index 202 keeps these BMCs (127.1.202.x) clear of other suites' addresses.
const SPEC = twoServerSpec({ name: 'nodes-e2e', seed: '0x7e58', rack: 't2', rackIndex: 202 });

function start(args: string[], ready: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const poll = (): void => {
      if (output.includes(ready)) return resolve({ child, output: () => output });
      if (Date.now() > deadline || child.exitCode !== null) return reject(new Error(`${args.join(' ')} did not start:\n${output}`));
      setTimeout(poll, 50);
    };
    poll();
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
}

describeWithHost('drill serve + drill nodes, against drill twin serve', [commandOnPath('ipmitool')], () => {
  const dir = mkdtempSync(join(tmpdir(), 'drill-nodes-e2e-'));
  const state = join(dir, 'state');
  let twin: ChildProcess | undefined;
  let orchestrator: ChildProcess | undefined;
  let serveOutput: () => string;
  let env: NodeJS.ProcessEnv;
  const drill = (...args: string[]) => run(process.execPath, [CLI, ...args, '--state-dir', state], { env });

  beforeAll(async () => {
    writeFileSync(join(dir, 'spec.yaml'), SPEC);
    ({ child: twin } = await start(['twin', 'serve', join(dir, 'spec.yaml'), '--state-dir', join(dir, 'twin')], 'serving until interrupted'));
    const served = await start(['serve', '--listen', '127.0.0.1:0', '--state-dir', state, '--bmc-ca', join(dir, 'twin', 'twin-ca.crt')], 'serving until interrupted');
    orchestrator = served.child;
    serveOutput = served.output;
    const token = /admin API token .*: (drill_\S+)/.exec(serveOutput())![1]!;
    env = { ...process.env, DRILL_TOKEN: token, DRILL_BMC_PASSWORD: 'twin-pass' };
  }, 60_000);

  afterAll(async () => {
    await stop(orchestrator);
    await stop(twin);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the bound URL (not port 0) and the admin token', () => {
    expect(serveOutput()).toMatch(/listening on https:\/\/127\.0\.0\.1:\d+/);
    expect(serveOutput()).not.toMatch(/listening on https:\/\/127\.0\.0\.1:0\b/);
  });

  it('enrolls the Redfish BMC as redfish and the IPMI-only one as ipmi, one plain line each', async () => {
    const follower = spawn(process.execPath, [CLI, 'events', '--follow', '--json', '--state-dir', state], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let streamed = '';
    follower.stdout!.on('data', (chunk: Buffer) => (streamed += chunk.toString()));
    try {
      const { stdout } = await drill('nodes', 'enroll', '127.1.202.1', '127.1.202.2', '--user', 'admin');
      expect(stdout).toMatch(/127\.1\.202\.1:443\s+ok\s+redfish\s+Example Small 1U/);
      expect(stdout).toMatch(/127\.1\.202\.2:623\s+ok\s+ipmi\s+Example Small 1U/);
      expect(stdout).toMatch(/2 enrolled, 0 failed/);
      const deadline = Date.now() + 10_000;
      while ((streamed.match(/"node\.inventoried"/g) ?? []).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const types = streamed.trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
      expect(types.filter((t) => t === 'node.enrolled')).toHaveLength(2);
      expect(types.filter((t) => t === 'node.inventoried')).toHaveLength(2);
      expect(streamed).not.toContain('twin-pass');
    } finally {
      follower.kill('SIGINT');
      await new Promise((r) => follower.once('exit', r));
    }
  }, 60_000);

  it('lists the nodes as JSON with their BMC and no password', async () => {
    const { stdout } = await drill('nodes', 'list', '--json');
    const nodes = JSON.parse(stdout) as Array<{ name: string; lifecycle: string; bmc: { protocol: string; credentialsRef: string } }>;
    expect(nodes.map((n) => [n.name, n.lifecycle, n.bmc.protocol])).toEqual([
      ['bmc-127-1-202-1', 'inventoried', 'redfish'],
      ['bmc-127-1-202-2', 'inventoried', 'ipmi'],
    ]);
    expect(stdout).not.toContain('twin-pass');
  });

  it('powers nodes on through their BMCs, as ipmitool then sees', async () => {
    const ipmitool = (host: string) => run('ipmitool', ['-I', 'lanplus', '-C', '17', '-H', host, '-U', 'admin', '-P', 'twin-pass', 'chassis', 'power', 'status']);
    expect((await drill('nodes', 'power', 'bmc-127-1-202-1', 'on')).stdout).toMatch(/power on sent/);
    expect((await drill('nodes', 'power', 'bmc-127-1-202-2', 'on')).stdout).toMatch(/power on sent/);
    expect((await ipmitool('127.1.202.1')).stdout.trim()).toBe('Chassis Power is on');
    expect((await ipmitool('127.1.202.2')).stdout.trim()).toBe('Chassis Power is on');
    expect((await drill('nodes', 'boot', 'bmc-127-1-202-1', 'pxe', '--json')).stdout).toMatch(/"device":"pxe"/);
  }, 60_000);

  it('reports a wrong password per BMC as auth, and errors as one line with a non-zero exit', async () => {
    const failure = await run(process.execPath, [CLI, 'nodes', 'enroll', '127.1.202.1', '--user', 'admin', '--state-dir', state], { env: { ...env, DRILL_BMC_PASSWORD: 'wrong' } }).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stdout: string }).stdout).toMatch(/127\.1\.202\.1\s+failed\s+auth/);
    const missing = await drill('nodes', 'show', 'no-such-node').catch((error: { code: number; stderr: string }) => error);
    expect(missing).toMatchObject({ code: 1 });
    expect((missing as { stderr: string }).stderr.trim().split('\n')).toEqual(['drill: Failed to GET /api/v1/nodes/no-such-node: node no-such-node does not exist — list them with GET /api/v1/nodes']);
  }, 60_000);
});
