import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { dnsmasqConfig, dnsmasqHosts, ProvisionerError, type NodeRecord } from '../../../orchestrator/index.js';
import { commandOnPath, describeWithHost } from '../../support/host-tools.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'drill-dnsmasq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const node = (name: string, macs: string[], discovered: string[] = []): NodeRecord => ({
  name,
  reachable: true,
  paused: false,
  attributes: {},
  inventory: { source: 'redfish', readAtMs: 0, hardware: { processors: [], memory: [], drives: [], firmware: [], nics: macs.map((macAddress, i) => ({ id: `NIC.${i}`, macAddress })) } },
  ...(discovered.length > 0 ? { provisioning: { boot: { kind: 'local' as const }, macs: discovered } } : {}),
});

const hosts = dnsmasqHosts([node('lab-r1-u02', ['52:54:00:00:00:02', '52:54:00:00:00:12']), node('lab-r1-u01', ['52:54:00:00:00:01'], ['52:54:00:00:00:a1']), node('no-macs', [])]);
const common = { interface: 'eno1', bootUrl: 'http://10.0.0.1:8080', tftpRoot: '/srv/tftp', hosts };

const range = dnsmasqConfig({ ...common, dhcp: { kind: 'range', start: '10.0.0.100', end: '10.0.0.200', netmask: '255.255.255.0', leaseTime: '12h', router: '10.0.0.1', dnsServers: ['10.0.0.53'] } });
const proxy = dnsmasqConfig({ ...common, dhcp: { kind: 'proxy', network: '10.0.0.0', netmask: '255.255.255.0' } });

async function dnsmasqTest(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, text);
  const { stdout, stderr } = await run('/usr/sbin/dnsmasq', ['--test', `--conf-file=${file}`]);
  return `${stdout}${stderr}`;
}

describeWithHost("generated dnsmasq configuration, checked by Debian's dnsmasq --test", [commandOnPath('dnsmasq', '/usr/sbin:/usr/bin:/sbin:/bin')], () => {
  it('passes the syntax check as a DHCP range and as proxy DHCP', async () => {
    expect(await dnsmasqTest('range.conf', range)).toContain('syntax check OK');
    expect(await dnsmasqTest('proxy.conf', proxy)).toContain('syntax check OK');
  });

  it('is a check that can fail', async () => {
    await expect(dnsmasqTest('broken.conf', `${range}dhcp-range=not-an-address\n`)).rejects.toThrow(/bad dhcp-range/);
  });
});

it('chains firmware PXE to iPXE and iPXE to the boot server, with a host entry per known node', () => {
  expect(range).toContain('dhcp-boot=tag:ipxe,http://10.0.0.1:8080/boot/ipxe\n');
  expect(range).toContain('dhcp-boot=tag:!ipxe,tag:efi64,ipxe.efi\n');
  expect(range).toContain('dhcp-option=option:router,10.0.0.1\n');
  expect(proxy).toContain('pxe-service=tag:ipxe,X86-64_EFI,"drill: boot server",http://10.0.0.1:8080/boot/ipxe\n');
  expect(proxy).toContain('dhcp-range=10.0.0.0,proxy,255.255.255.0\n');
  expect(range.split('\n').filter((l) => l.startsWith('dhcp-host='))).toEqual([
    'dhcp-host=52:54:00:00:00:01,52:54:00:00:00:a1,lab-r1-u01',
    'dhcp-host=52:54:00:00:00:02,52:54:00:00:00:12,lab-r1-u02',
  ]);
});

it('refuses input dnsmasq could misread, listing every problem', () => {
  const bad = () => dnsmasqConfig({ ...common, interface: 'eno1,eno2', bootUrl: 'http://x y', dhcp: { kind: 'proxy', network: '10.0.0', netmask: '255.255.255.0' } });
  expect(bad).toThrow(ProvisionerError);
  expect(bad).toThrow(
    [
      'Failed to generate the dnsmasq configuration:',
      '  interface: must be one word without spaces, commas or quotes — e.g. "eno1"',
      '  dhcp.network: must be an IPv4 address — e.g. "10.0.0.1"',
      '  bootUrl: must be one word without spaces, commas or quotes — e.g. "http://10.0.0.1:8080"',
    ].join('\n'),
  );
});
