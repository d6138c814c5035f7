// `drill up`: the twin and the orchestrator in one process, every BMC enrolled.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, drillAgainst } from '../support/drill-client.js';
import { twoServerSpec } from '../support/small-spec.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

describe('drill up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drill-up-'));
  let child: ChildProcess;
  let output = '';

  beforeAll(async () => {
    // Rack index 204 keeps these BMCs (127.1.204.x) clear of other suites' addresses.
    writeFileSync(join(dir, 'spec.yaml'), twoServerSpec({ name: 'up-test', seed: '0x7e59', rack: 't4', rackIndex: 204 }));
    child = spawn(process.execPath, [CLI, 'up', '--spec', join(dir, 'spec.yaml'), '--listen', '127.0.0.1:0', '--state-dir', join(dir, 'state')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!output.includes('running until interrupted')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`drill up did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the twin, starts the orchestrator and enrolls every BMC with its spec credentials', () => {
    expect(output).toMatch(/t4-u01\s+redfish\s+Example Small 1U/);
    expect(output).toMatch(/t4-u02\s+ipmi\s+/);
    expect(output).toContain('2 nodes enrolled and inventoried');
    expect(output).not.toContain('twin-pass');
  });

  it('answers the API with the enrolled nodes, over HTTPS from its own CA', async () => {
    const url = /orchestrator listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
    const token = adminToken(output);
    const ca = readFileSync(join(dir, 'state', 'tls', 'ca.crt'), 'utf8');
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${url}/api/v1/nodes`, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    const nodes = JSON.parse(body) as Array<{ name: string; lifecycle?: string }>;
    expect(nodes.map((n) => n.name).sort()).toEqual(['t4-u01', 't4-u02']);
  });

  const drill = (args: string[]) => drillAgainst(join(dir, 'state'), output, args);

  it('deploys a file with the hardware roles and waits until the BIOS and RAID match it; applying it again binds nothing', async () => {
    const file = join(dir, 'hardware.yaml');
    writeFileSync(
      file,
      `deployment: hardware
attributes:
  bios.profile: { default: { PowerProfile: Balanced } }
  raid.layout: [{ name: os, raidLevel: RAID0, drives: 1, mediaType: SSD }]
bindings:
  - { role: bios-profile, nodes: [t4-u01] }
  - { role: raid-layout, nodes: [t4-u01] }
`,
    );
    const first = await drill(['deploy', file, '--wait', '--timeout', '120']);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('deployment hardware: 2 node-roles bound, 0 already there');
    expect(first.stdout).toMatch(/hardware\/bios-profile@t4-u01\s+active/);
    expect(first.stdout).toContain('deployment hardware converged');
    expect(first.code).toBe(0);
    const again = await drill(['deploy', file, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ deployment: 'hardware', created: [], unchanged: 2, notInPlan: [] });
  });

  it('refuses a bad deployment file with every problem named, and applies none of it', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'deployment: broken\nbindings:\n  - { role: ghost, nodes: [t4-u01] }\n  - { role: bios-profile, nodes: [t4-u99] }\n');
    const bad = await drill(['deploy', file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('2 problems:');
    expect(bad.stderr).toContain('bindings[0].role: role ghost is not defined — use one of bios-profile, dns-client, hostname, network, node-ready, ntp, os-install, proxy, raid-layout, ssh-keys');
    expect(bad.stderr).toContain('bindings[1].nodes[0]: node t4-u99 does not exist');
    writeFileSync(file, 'deployment: broken\nbindings: [\n');
    const syntax = await drill(['deploy', file]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/bad\.yaml:\d+:\d+: .* — fix the YAML syntax there/);
    writeFileSync(file, 'deployment: broken\nbinding: []\n');
    expect((await drill(['deploy', file])).stderr).toContain('binding: unknown field — remove it or check its spelling');
  });

  it('stops both cleanly on SIGINT', async () => {
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(output).toContain('twin and orchestrator stopped');
  });
});
