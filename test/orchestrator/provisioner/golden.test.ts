/**
 * What the orchestrator generates for machines, as committed files a reviewer
 * can read: iPXE scripts, dnsmasq configurations, the ready-state roles' shell.
 * After an intended change, regenerate them with
 *   UPDATE_GOLDEN=1 npx vitest run test/orchestrator/provisioner/golden.test.ts
 * and review the diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { bootstrapScript, discoverScript, dnsmasqConfig, installScript, localScript, READY_STATE_ROLES, renderShell, wipeScript } from '../../../orchestrator/index.js';

const B = 'http://10.0.0.1:8080';
const hosts = [{ name: 'lab-r1-u01', macs: ['52:54:00:00:00:01'], ipv4: '10.0.0.11' }];
const dhcpRange = { kind: 'range', start: '10.0.0.100', end: '10.0.0.200', netmask: '255.255.255.0', leaseTime: '12h', router: '10.0.0.1' } as const;

const inputs: Record<string, Record<string, unknown>> = {
  hostname: {},
  'ssh-keys': { 'ssh.users': [{ name: 'ops', keys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 ops@laptop'], shell: '/bin/bash' }] },
  ntp: { 'ntp.servers': ['10.0.0.1', '10.0.0.2'] },
  'dns-client': { 'dns.nameservers': ['10.0.0.53'], 'dns.search': ['lab.example.com'] },
  proxy: { 'proxy.http': 'http://proxy.lab:3128', 'proxy.noProxy': ['localhost', '10.0.0.0/8'] },
  network: { 'network.bonds': [{ name: 'bond0', interfaces: ['eno1', 'eno2'], mode: '802.3ad' }], 'network.vlans': [{ id: 100, device: 'bond0', address: '10.0.100.5/24' }] },
};

const golden: Record<string, () => string> = {
  'bootstrap.ipxe': () => bootstrapScript(B),
  'discover.ipxe': () => discoverScript(B, '52:54:00:00:00:01'),
  'install.ipxe': () => installScript(B, { name: 'debian', version: '12' }, 'lab-r1-u01', 'drilli_TOKEN'),
  'local.ipxe': () => localScript('lab-r1-u01 is installed'),
  'wipe.ipxe': () => wipeScript(B, 'lab-r1-u01', 'drillw_TOKEN'),
  'dnsmasq-range.conf': () => dnsmasqConfig({ interface: 'eno1', dhcp: dhcpRange, bootUrl: B, tftpRoot: '/srv/tftp', hosts }),
  'dnsmasq-proxy.conf': () => dnsmasqConfig({ interface: 'eno1', dhcp: { kind: 'proxy', network: '10.0.0.0', netmask: '255.255.255.0' }, bootUrl: B, tftpRoot: '/srv/tftp', hosts }),
  ...Object.fromEntries(READY_STATE_ROLES.map((role) => [`role-${role.spec.name}.sh`, () => roleShell(role.spec.name)])),
};

/** The role's shell; past the first role, without the prelude every item shares (role-hostname.sh shows it). */
function roleShell(name: string): string {
  const role = READY_STATE_ROLES.find((r) => r.spec.name === name)!;
  const shell = renderShell(role.resources(inputs[name]!, 'lab-r1-u01'), `lab/${name}@lab-r1-u01`);
  if (role === READY_STATE_ROLES[0]) return shell;
  const lines = shell.split('\n');
  const start = lines.indexOf('set -eu');
  const end = lines.indexOf('}', lines.indexOf('drill_apt_update() {'));
  return [...lines.slice(0, start), '# (the prelude every work item shares: see role-hostname.sh)', ...lines.slice(end + 1)].join('\n');
}

it.each(Object.keys(golden))('%s is what the orchestrator generates', (name) => {
  const file = fileURLToPath(new URL(`golden/${name}`, import.meta.url));
  const generated = golden[name]!();
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, generated);
  expect(readFileSync(file, 'utf8'), `golden/${name} is stale — run UPDATE_GOLDEN=1 npx vitest run test/orchestrator/provisioner/golden.test.ts`).toBe(generated);
});
