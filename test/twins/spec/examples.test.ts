/**
 * The example specs under scenarios/datacenters/ load, and say what their
 * headers promise: the lab's mixed vendors and five networks, the pod's 120
 * servers, the generated 10,000-server site, and the credentials rules.
 *
 * Run: npx vitest run test/twins/spec
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BMC_FLAVOURS, loadDatacenterSpec, parseDatacenterSpec, type Datacenter } from '../../../twins/index.js';
import { problemsOf } from './spec-fixtures.js';

const dir = (name: string): string => fileURLToPath(new URL(`../../../scenarios/datacenters/${name}`, import.meta.url));
const PASSWORD_ENV = 'DRILL_TWIN_BMC_PASSWORD';

describe('scenarios/datacenters/lab.yaml', () => {
  let lab: Datacenter;
  beforeAll(async () => {
    lab = await loadDatacenterSpec(dir('lab.yaml'));
  });

  it('has 12 servers in one rack, one of every flavour at least, one ipmi-only without Redfish', () => {
    expect(lab.racks).toHaveLength(1);
    expect(lab.servers).toHaveLength(12);
    expect(new Set(lab.servers.map((s) => s.bmc.flavour))).toEqual(new Set(BMC_FLAVOURS));
    const legacy = lab.servers.filter((s) => s.bmc.flavour === 'ipmi-only');
    expect(legacy).toHaveLength(1);
    expect(legacy[0]!.bmc).toMatchObject({ protocols: ['ipmi'], redfishPort: undefined, ipmiPort: 623 });
    for (const s of lab.servers.filter((s) => s.bmc.flavour !== 'ipmi-only')) expect(s.bmc.protocols).toEqual(['redfish', 'ipmi']);
  });

  it('has all five networks and a top-of-rack switch at the top unit', () => {
    expect(lab.networks.map((n) => n.role).sort()).toEqual(['admin', 'bmc', 'provisioning', 'public', 'storage']);
    expect(lab.networks.find((n) => n.role === 'provisioning')?.bootServer).toEqual({ address: '127.64.255.254', port: 8080 });
    expect(lab.racks[0]!.switches).toEqual([expect.objectContaining({ name: 'lab-r1-tor', role: 'top-of-rack', unit: 42, heightU: 1 })]);
  });

  it('puts the BMC of U u at 127.1.0.u (Redfish 443, IPMI 623) and host interfaces on their networks', () => {
    for (const s of lab.servers) {
      expect(s.bmc.address).toBe(`127.1.0.${s.unit}`);
      expect(s.bmc.ipmiPort).toBe(623);
    }
    const first = lab.servers[0]!;
    expect(first.bmc.redfishPort).toBe(443);
    expect(first.nics.flatMap((n) => n.networks)).toEqual([
      { network: 'provisioning', address: '127.64.0.1' },
      { network: 'admin', address: '127.65.0.1' },
      { network: 'storage', address: '127.66.0.1' },
      { network: 'public', address: '127.67.0.1' },
    ]);
  });

  it('resolves hardware: CPU flags, memory, named disks with serials, MACs in the 02: block', () => {
    const dell = lab.servers[0]!;
    expect(dell.hardware.cpu.flags).toContain('vmx');
    expect(dell.hardware.memory.totalGiB).toBe(512);
    expect(dell.disks.map((d) => d.name)).toEqual(['sda', 'sdb', 'nvme0n1', 'nvme1n1']);
    expect(dell.identity).toMatchObject({ manufacturer: 'Dell Inc.', model: 'PowerEdge R650', ipmi: { manufacturerId: 674, ipmiVersion: '2.0' } });
    expect(dell.identity.systemSerial).toMatch(/^[0-9A-Z]{7}$/);
    const macs = lab.servers.flatMap((s) => [s.bmc.mac, ...s.nics.map((n) => n.mac)]);
    expect(new Set(macs).size).toBe(macs.length);
    for (const mac of macs) expect(mac).toMatch(/^02(:[0-9a-f]{2}){5}$/);
  });

  it('keeps passwords out of JSON and logs', () => {
    const text = JSON.stringify(lab);
    expect(text).not.toContain('calvin');
    expect(text).toContain('[redacted]');
    expect(lab.servers[0]!.bmc.credentials.password.reveal()).toBe('calvin');
    expect(lab.servers[0]!.bmc.credentials.passwordSource).toEqual({ kind: 'inline' });
  });
});

describe('scenarios/datacenters/pod.yaml', () => {
  it('has 3 racks of 40 servers, one vendor per rack, two switches per rack uplinked to both spines', async () => {
    const pod = await loadDatacenterSpec(dir('pod.yaml'));
    expect(pod.racks.map((r) => [r.name, r.servers.length])).toEqual([
      ['pod1-r1', 40],
      ['pod1-r2', 40],
      ['pod1-r3', 40],
    ]);
    expect(pod.racks.map((r) => new Set(r.servers.map((s) => s.bmc.flavour)))).toEqual([new Set(['dell-idrac9']), new Set(['hpe-ilo5']), new Set(['lenovo-xcc'])]);
    expect(pod.racks[2]!.switches.map((s) => [s.name, s.unit, s.uplinks])).toEqual([
      ['pod1-r3-tor1', 42, ['pod1-spine1', 'pod1-spine2']],
      ['pod1-r3-tor2', 41, ['pod1-spine1', 'pod1-spine2']],
    ]);
    expect(pod.servers.find((s) => s.name === 'pod1-r3-u07')!.bmc.address).toBe('127.1.2.7');
  });

  it('takes the BMC password from DRILL_TWIN_BMC_PASSWORD when set, else the twin fallback, and says which', async () => {
    const fromEnv = await loadDatacenterSpec(dir('pod.yaml'), { env: { [PASSWORD_ENV]: 's3cret-from-env' } });
    expect(fromEnv.servers[0]!.bmc.credentials.passwordSource).toEqual({ kind: 'env', variable: PASSWORD_ENV });
    expect(fromEnv.servers[0]!.bmc.credentials.password.reveal()).toBe('s3cret-from-env');
    const fallback = await loadDatacenterSpec(dir('pod.yaml'), { env: {} });
    expect(fallback.servers[0]!.bmc.credentials.passwordSource).toEqual({ kind: 'fallback', variable: PASSWORD_ENV });
  });

  it('refuses the fallback password in hardware fidelity', () => {
    const text = readFileSync(dir('pod.yaml'), 'utf8').replace('fidelity: model', 'fidelity: hardware');
    const problems = problemsOf(() => parseDatacenterSpec(text, { env: {} }));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'defaults.credentials.password', fix: 'in hardware fidelity keep passwordEnv only' }));
  });
});

describe('scenarios/datacenters/site-10k.yaml', () => {
  it('expands to 10,000 servers in 250 racks with unique names, MACs, serials and BMC addresses', async () => {
    const site = await loadDatacenterSpec(dir('site-10k.yaml'));
    expect(site.servers).toHaveLength(10_000);
    expect(site.racks).toHaveLength(250);
    expect(site.racks.map((r) => r.index)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    const unique = (values: string[]): number => new Set(values).size;
    expect(unique(site.servers.map((s) => s.name))).toBe(10_000);
    expect(unique(site.servers.map((s) => s.bmc.address))).toBe(10_000);
    expect(unique(site.servers.map((s) => s.identity.systemSerial))).toBe(10_000);
    const macs = site.servers.flatMap((s) => [s.bmc.mac, ...s.nics.map((n) => n.mac)]);
    expect(unique(macs)).toBe(30_000);
    const last = site.servers.at(-1)!;
    expect(last).toMatchObject({ name: 'e-r050-u40', rack: 'e-r050', rackIndex: 249, unit: 40 });
    expect(last.bmc.address).toBe('127.1.249.40');
    // Every flavour in the mix is drawn; the weights shape the counts.
    const dell = site.servers.filter((s) => s.bmc.flavour === 'dell-idrac9').length;
    expect(dell).toBeGreaterThan(3_000);
    expect(dell).toBeLessThan(4_000);
    expect(new Set(site.servers.map((s) => s.bmc.flavour))).toEqual(new Set(BMC_FLAVOURS));
  });
});
