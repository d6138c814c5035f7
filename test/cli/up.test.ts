// `drill up`: the twin and the orchestrator in one process, every BMC enrolled.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    const token = /admin API token \(shown this once; export it as DRILL_TOKEN\): (\S+)/.exec(output)![1]!;
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

  it('stops both cleanly on SIGINT', async () => {
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(output).toContain('twin and orchestrator stopped');
  });
});
