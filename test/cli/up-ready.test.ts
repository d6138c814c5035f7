// `drill up` on a spec with a boot server: every server from powered off to ready
// state over real sockets (Redfish/IPMI, network boot over HTTP, the agent API over HTTPS).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillAgainst } from '../support/drill-client.js';
import { twoServerSpec } from '../support/small-spec.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

describe('drill up to ready state', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drill-up-ready-'));
  let child: ChildProcess;
  let output = '';

  beforeAll(async () => {
    // Rack index 208 keeps these addresses (127.1.208.x, boot at 127.64.208.254) clear of other suites'.
    writeFileSync(join(dir, 'spec.yaml'), twoServerSpec({ name: 'up-ready', seed: '0x7e5a', rack: 't8', rackIndex: 208, bootPort: 18208 }));
    child = spawn(process.execPath, [CLI, 'up', '--spec', join(dir, 'spec.yaml'), '--listen', '127.0.0.1:0', '--state-dir', join(dir, 'state')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Install and boot take modelled time (tens of seconds); bounded so a hang fails instead of waiting forever.
    const deadline = Date.now() + 240_000;
    while (!output.includes('all 2 nodes in ready state')) {
      if (Date.now() > deadline || child.exitCode !== null || output.includes('ERROR')) throw new Error(`drill up did not reach ready state:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 260_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      const exit = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exit;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves network boot on the spec boot server and installs both servers, the IPMI-only one included', () => {
    expect(output).toContain('boot server (iPXE per MAC, install plans, the node agent): http://127.64.208.254:18208/boot/ipxe');
    expect(output).toMatch(/t8-u01\s+installing/);
    expect(output).toMatch(/t8-u02\s+discovering/);
    expect(output).toMatch(/t8-u02\s+installing/);
    expect(output).toMatch(/t8-u0[12]\s+running: debian 12 as t8-u0[12]/);
  });

  const drill = (args: string[]) => drillAgainst(join(dir, 'state'), output, args);

  it('decommissions a node: answered at once, then --wait follows the wipe step by step until it is wiped', async () => {
    const started = await drill(['nodes', 'decommission', 't8-u02', '--reason', 'retired']);
    expect([started.code, started.stderr]).toEqual([0, '']);
    expect(started.stdout).toContain('t8-u02: decommissioning, wipe started; it ends with node.lifecycle → wiped, or node.decommission-failed');

    const followed = await drill(['nodes', 'decommission', 't8-u01', '--reason', 'retired', '--wait', '--timeout', '180']);
    expect(followed.stderr).toBe('');
    expect(followed.stdout.trimEnd().split('\n')).toEqual([
      't8-u01: ready → decommissioning',
      't8-u01: network-booted into the wipe image (power restart)',
      't8-u01: the wipe image reported',
      't8-u01: boot override cleared',
      't8-u01: decommissioning → wiped',
      't8-u01: wiped, disks erased (paused; `drill nodes reprovision t8-u01` builds it up again)',
    ]);
    expect(followed.code).toBe(0);
  }, 200_000);

  it('refuses a --timeout that is not a number of seconds before asking anything', async () => {
    const refused = await drill(['nodes', 'decommission', 't8-u01', '--reason', 'again', '--wait', '--timeout', 'soon']);
    expect([refused.code, refused.stderr]).toEqual([2, 'drill: --timeout: "soon" is not a positive number of seconds\n']);
  });

  it('reports each node as it reaches ready state', () => {
    expect(output).toMatch(/t8-u01 {2}READY \([12]\/2\)/);
    expect(output).toMatch(/t8-u02 {2}READY \([12]\/2\)/);
    expect(output).not.toContain('twin-pass');
  });
});
