/**
 * The native IPMI driver against pyghmi's BMC server (Debian
 * `python3-pyghmi`), started by this suite on 127.0.0.1 from pyghmi_bmc.py.
 * pyghmi answers every Open Session with cipher suite 3 whatever was
 * proposed, lists only suite 3, and ignores unknown user names.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BmcAuthError, type IpmiDriver, type IpmiDriverConfig } from '../../../orchestrator/index.js';
import { describeWithHost, type HostRequirement } from '../../support/host-tools.js';
import { freeUdpPort, loopbackDriver } from './ipmi-sim.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./pyghmi_bmc.py', import.meta.url));

const pyghmi: HostRequirement = {
  name: 'python3-pyghmi',
  problem: () => {
    try {
      accessSync('/usr/lib/python3/dist-packages/pyghmi/ipmi/bmc.py');
      accessSync(PYTHON);
      return undefined;
    } catch {
      return 'python3-pyghmi is not installed for /usr/bin/python3';
    }
  },
};

describeWithHost('IPMI driver against pyghmi', [pyghmi], () => {
  let child: ChildProcess;
  let port: number;
  let output = '';
  const drivers: IpmiDriver[] = [];
  const driver = (overrides: Partial<IpmiDriverConfig> = {}): IpmiDriver => loopbackDriver({ port, username: 'admin', password: 'py-secret', ...overrides }, drivers);

  beforeAll(async () => {
    port = await freeUdpPort();
    child = spawn(PYTHON, [SCRIPT, String(port), 'admin', 'py-secret'], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready')) resolve();
      });
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`pyghmi BMC exited (${code}): ${output}`)));
    });
  });

  /** pyghmi's log line may reach us after its UDP answer does. */
  const logged = async (pattern: RegExp): Promise<string> => {
    for (let i = 0; i < 50 && !pattern.test(output); i++) await new Promise((r) => setTimeout(r, 20));
    return output;
  };

  afterAll(async () => {
    await Promise.all(drivers.map((d) => d.close()));
    child?.kill('SIGKILL');
  });

  it('probes through a suite-3 session (pyghmi has no Get Device GUID)', async () => {
    const identity = await driver().probe();
    expect(identity.protocol).toBe('ipmi');
    expect(identity.uuid).toBeUndefined();
  });

  it('reads and changes power state', async () => {
    const d = driver();
    expect(await d.powerState()).toBe('Off');
    await d.power('On');
    expect(await d.powerState()).toBe('On');
    await d.power('ForceOff');
    expect(await d.powerState()).toBe('Off');
    await d.power('PowerCycle');
    expect(await logged(/power cycle/)).toMatch(/power on\npower off\npower cycle/);
  });

  it('sets a PXE boot override', async () => {
    await driver().setBootOverride({ device: 'Pxe', persistent: false, mode: 'UEFI' });
    expect(await logged(/boot network/)).toMatch(/boot network/);
  });

  it('reports a wrong password as BmcAuthError', async () => {
    await expect(driver({ password: 'wrong' }).powerState()).rejects.toBeInstanceOf(BmcAuthError);
  });
});
