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

// Rack index 201 keeps these BMCs (127.1.201.x) clear of other suites' addresses.
const SPEC = twoServerSpec({ name: 'serve-test', seed: '0x7e57', rack: 't1', rackIndex: 201 });

describeWithHost('drill twin serve, driven by curl and ipmitool', [commandOnPath('curl'), commandOnPath('ipmitool')], () => {
  const dir = mkdtempSync(join(tmpdir(), 'drill-twin-serve-'));
  let child: ChildProcess;
  let output = '';

  beforeAll(async () => {
    writeFileSync(join(dir, 'spec.yaml'), SPEC);
    child = spawn(process.execPath, [CLI, 'twin', 'serve', join(dir, 'spec.yaml'), '--state-dir', join(dir, 'state')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 20_000;
    while (!output.includes('serving until interrupted')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`twin did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(async () => {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints where each BMC answers and where the password comes from, never the password', () => {
    expect(output).toMatch(/t1-u01\s+dmtf\s+https:\/\/127\.1\.201\.1\s+127\.1\.201\.1:623\s+admin\s+\(inline in the spec\)/);
    expect(output).toMatch(/t1-u02\s+ipmi-only\s+-\s+127\.1\.201\.2:623/);
    expect(output).not.toContain('twin-pass');
  });

  it('answers Redfish over HTTPS that verifies against the twin CA, and powers on', async () => {
    const ca = join(dir, 'state', 'twin-ca.crt');
    const curl = (...args: string[]) => run('curl', ['-sS', '--cacert', ca, '-u', 'admin:twin-pass', ...args]);
    const systems = JSON.parse((await curl('https://127.1.201.1/redfish/v1/Systems')).stdout) as { Members: Array<{ '@odata.id': string }> };
    const system = systems.Members[0]!['@odata.id'];
    const reset = await curl('-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', '-H', 'content-type: application/json', '-d', '{"ResetType":"On"}', `https://127.1.201.1${system}/Actions/ComputerSystem.Reset`);
    expect(['200', '202', '204']).toContain(reset.stdout);
    const after = JSON.parse((await curl(`https://127.1.201.1${system}`)).stdout) as { PowerState: string };
    expect(['PoweringOn', 'On']).toContain(after.PowerState);
    expect(output).toMatch(/t1-u01\s+power Off → PoweringOn/);
  });

  it('answers IPMI on the same state: the Redfish power-on shows in ipmitool, and IPMI-only gear works too', async () => {
    const ipmitool = (host: string, ...args: string[]) => run('ipmitool', ['-I', 'lanplus', '-C', '17', '-H', host, '-U', 'admin', '-P', 'twin-pass', ...args]);
    expect((await ipmitool('127.1.201.1', 'chassis', 'power', 'status')).stdout.trim()).toBe('Chassis Power is on');
    await ipmitool('127.1.201.2', 'chassis', 'power', 'on');
    expect((await ipmitool('127.1.201.2', 'chassis', 'power', 'status')).stdout.trim()).toBe('Chassis Power is on');
    await expect(run('ipmitool', ['-I', 'lanplus', '-C', '17', '-H', '127.1.201.2', '-U', 'admin', '-P', 'wrong', 'chassis', 'power', 'status'])).rejects.toThrow();
  });
});

it('drill twin serve refuses a spec with problems, listing them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'drill-twin-bad-'));
  try {
    writeFileSync(join(dir, 'bad.yaml'), SPEC.replace('flavour: dmtf', 'flavour: dell-idrac8'));
    const failure = await run(process.execPath, [CLI, 'twin', 'serve', join(dir, 'bad.yaml')]).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/flavour: "dell-idrac8" is not a BMC flavour/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
