// Ironic's Redfish client (sushy, Debian python3-sushy) against every flavour over HTTPS.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REDFISH_FLAVOURS, REDFISH_FLAVOUR_DATA } from '../../../twins/redfish/index.js';
import { describeWithHost, type HostRequirement } from '../../support/host-tools.js';
import { startWireTwin, type WireTwin } from './wire-twin.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./sushy_client.py', import.meta.url));

const sushy: HostRequirement = {
  name: 'python3-sushy',
  problem: () => {
    try {
      execFileSync('/usr/bin/python3', ['-c', 'import sushy'], { stdio: 'ignore' });
      return undefined;
    } catch {
      return '/usr/bin/python3 cannot import sushy (Debian: apt-get install python3-sushy)';
    }
  },
};

async function drive(url: string, caFile: string, system: string, steps: string[]): Promise<Record<string, any>[]> {
  const { stdout } = await run('/usr/bin/python3', [SCRIPT, url, caFile, 'admin', 'password1', system, ...steps], {
    timeout: 40_000,
    // requests prefers these over the session's `verify` (sushy sets that): point them at the twin CA too.
    env: { ...process.env, REQUESTS_CA_BUNDLE: caFile, CURL_CA_BUNDLE: caFile },
  });
  return stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
}

describeWithHost('sushy drives the simulated BMC of every flavour', [sushy], () => {
  let twin: WireTwin;
  let caFile: string;
  beforeAll(async () => {
    twin = await startWireTwin(REDFISH_FLAVOURS);
    caFile = join(mkdtempSync(join(tmpdir(), 'drill-sushy-')), 'ca.pem');
    writeFileSync(caFile, twin.host.ca.certPem);
  });
  afterAll(async () => twin?.dispose());

  it.concurrent.each(REDFISH_FLAVOURS.map((f, i) => [f, i] as const))('%s: power on/off, boot override, BIOS read', async (flavour, index) => {
    const f = REDFISH_FLAVOUR_DATA[flavour];
    const url = twin.host.endpoints[index]!.url;
    const steps = ['info', 'power-on', 'boot-pxe', 'bios', 'power-off'];
    const [info, on, boot, bios, off] = await drive(url, caFile, f.ids.system, steps);
    expect(info!.uuid).toBe(twin.servers[index]!.identity.systemGuid);
    expect(on!.power_state).toMatch(/on/i);
    expect(twin.servers[index]!.power).toBe('Off'); // powered off again by the last step
    expect(boot!.target).toMatch(/pxe/i);
    expect(boot!.enabled).toMatch(/once/i);
    expect(boot!.mode).toMatch(/uefi/i);
    expect(Object.keys(bios!.attributes)).toEqual(f.bios.attributes.map((a) => a.name));
    expect(bios!.registry).toBe(f.bios.registryId);
    expect(off!.power_state).toMatch(/off/i);
    // Only iLO refuses a power change right after another (field note 17).
    expect(off!.retries > 0).toBe(f.power.busyAfterResetMs > 0);
  });
});
