import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AGENT_TOKEN_PREFIX,
  AgentHub,
  agentRunners,
  BadInputError,
  DNS_CLIENT_ROLE,
  HOSTNAME_ROLE,
  mintToken,
  NETWORK_ROLE,
  NTP_ROLE,
  PROXY_ROLE,
  READY_STATE_ROLES,
  renderShell,
  RoleCatalog,
  SqliteStore,
  SSH_KEYS_ROLE,
  type AgentRole,
} from '../../../orchestrator/index.js';
import { SeededRandom, VirtualClock } from '../../../sim/index.js';
import { commandOnPath, describeWithHost } from '../../support/host-tools.js';
import { tempRoot, type TempRoot } from '../agent/support/temp-root.js';

let t: TempRoot;

/** The role's work item, run twice in the temporary root: what each run printed. */
function apply(role: AgentRole, inputs: Record<string, unknown>): [string, string] {
  const shell = renderShell(role.resources(inputs, 'r1-s3'), `lab/${role.spec.name}@r1-s3`);
  const first = t.run(shell);
  const second = t.run(shell);
  expect(first.status, first.output).toBe(0);
  expect(second.status, second.output).toBe(0);
  return [first.output, second.output];
}

const read = (path: string): string => readFileSync(t.path(path), 'utf8');

describeWithHost('ready-state roles, their work items run with sh in a temporary root', [commandOnPath('sh')], () => {
  beforeEach(() => {
    t = tempRoot({ ifup: 'touch "$F/up-$1"', ifdown: 'rm "$F/up-$1"', ifquery: 'test -e "$F/up-$2"' });
  });
  afterEach(() => t.dispose());

  it('hostname: the attribute, else the node name', () => {
    expect(apply(HOSTNAME_ROLE, {})).toEqual(['drill: changed hostname r1-s3\n', 'drill: unchanged\n']);
    apply(HOSTNAME_ROLE, { hostname: 'db1.lab.example.com' });
    expect(read('etc/hostname')).toBe('db1.lab.example.com\n');
  });

  it('ssh-keys: exactly the listed keys', () => {
    mkdirSync(t.path('root'));
    const [first, second] = apply(SSH_KEYS_ROLE, { 'ssh.users': [{ name: 'root', keys: ['ssh-ed25519 AAAAC3Nz ops@laptop'] }] });
    expect([first, second]).toEqual(['drill: changed user root\n', 'drill: unchanged\n']);
    expect(read('root/.ssh/authorized_keys')).toBe('ssh-ed25519 AAAAC3Nz ops@laptop\n');
  });

  it('ntp: chrony installed, configured with the servers, running, restarted when they change', () => {
    const [first, second] = apply(NTP_ROLE, { 'ntp.servers': ['10.0.0.1', '10.0.0.2'] });
    expect(first).toBe('drill: changed package chrony\ndrill: changed file /etc/chrony/chrony.conf\ndrill: changed service chrony\n');
    expect(second).toBe('drill: unchanged\n');
    expect(read('etc/chrony/chrony.conf')).toContain('server 10.0.0.1 iburst\nserver 10.0.0.2 iburst\n');
    apply(NTP_ROLE, { 'ntp.servers': ['10.0.0.3'] });
    expect(t.calls()).toContain('systemctl restart chrony');
  });

  it('dns-client: resolv.conf, or a systemd-resolved drop-in', () => {
    apply(DNS_CLIENT_ROLE, { 'dns.nameservers': ['10.0.0.53'], 'dns.search': ['lab.example.com'] });
    expect(read('etc/resolv.conf')).toBe('# Managed by drill: changes here are overwritten.\nnameserver 10.0.0.53\nsearch lab.example.com\n');
    apply(DNS_CLIENT_ROLE, { 'dns.nameservers': ['10.0.0.53', 'fd00::53'], 'dns.resolver': 'systemd-resolved' });
    expect(read('etc/systemd/resolved.conf.d/drill.conf')).toContain('[Resolve]\nDNS=10.0.0.53 fd00::53\n');
  });

  it('proxy: apt and Docker, Docker reloaded once per proxy setting', () => {
    const inputs = { 'proxy.http': 'http://proxy.lab:3128', 'proxy.noProxy': ['localhost', '10.0.0.0/8'] };
    const [first, second] = apply(PROXY_ROLE, inputs);
    expect(first).toMatch(/changed file \/etc\/apt\/apt.conf.d\/95drill-proxy\n.*changed file \/etc\/systemd\/system\/docker.service.d\/http-proxy.conf\n.*changed command \/var\/lib\/drill\/stamps\/docker-proxy-/s);
    expect(second).toBe('drill: unchanged\n');
    expect(read('etc/apt/apt.conf.d/95drill-proxy')).toContain('Acquire::https::Proxy "http://proxy.lab:3128";\n');
    expect(read('etc/systemd/system/docker.service.d/http-proxy.conf')).toContain('Environment="HTTP_PROXY=http://proxy.lab:3128" "HTTPS_PROXY=http://proxy.lab:3128" "NO_PROXY=localhost,10.0.0.0/8"\n');
    expect(t.calls().filter((c) => c === 'systemctl daemon-reload')).toHaveLength(1);
    apply(PROXY_ROLE, { ...inputs, 'proxy.http': 'http://other:3128' });
    expect(t.calls().filter((c) => c === 'systemctl daemon-reload')).toHaveLength(2);
  });

  it('network: a bond and a VLAN on it as ifupdown stanzas, each brought up once', () => {
    mkdirSync(t.path('etc/network'), { recursive: true });
    writeFileSync(t.path('etc/network/interfaces'), 'source /etc/network/interfaces.d/*\n');
    const inputs = {
      'network.bonds': [{ name: 'bond0', interfaces: ['eno1', 'eno2'], mode: '802.3ad', mtu: 9000 }],
      'network.vlans': [{ id: 100, device: 'bond0', address: '10.0.100.5/24', gateway: '10.0.100.1' }],
    };
    const [, second] = apply(NETWORK_ROLE, inputs);
    expect(second).toBe('drill: unchanged\n');
    expect(read('etc/network/interfaces.d/drill-bond0')).toContain('auto bond0\niface bond0 inet manual\n    bond-slaves eno1 eno2\n    bond-mode 802.3ad\n');
    expect(read('etc/network/interfaces.d/drill-bond0')).toContain('iface eno1 inet manual\n    bond-master bond0\n');
    expect(read('etc/network/interfaces.d/drill-bond0.100')).toContain('iface bond0.100 inet static\n    vlan-raw-device bond0\n    address 10.0.100.5/24\n    gateway 10.0.100.1\n');
    expect(t.calls().filter((c) => c.startsWith('ifup') || c.startsWith('ifdown'))).toEqual(['ifup bond0', 'ifup bond0.100']);
    apply(NETWORK_ROLE, { ...inputs, 'network.vlans': [{ id: 100, device: 'bond0', address: '10.0.100.6/24' }] });
    expect(t.calls().filter((c) => c.startsWith('ifup') || c.startsWith('ifdown')).slice(2)).toEqual(['ifdown bond0.100', 'ifup bond0.100']);
    expect(t.calls()).toEqual(expect.arrayContaining(['apt-get install -y -q --no-install-recommends ifenslave', 'apt-get install -y -q --no-install-recommends vlan']));
  });
});

describe('ready-state role declarations', () => {
  it('form a valid role catalog', () => {
    expect([...new RoleCatalog(READY_STATE_ROLES.map((r) => r.spec)).roles.keys()]).toEqual(['hostname', 'ssh-keys', 'ntp', 'dns-client', 'proxy', 'network']);
  });

  it('refuse bad attributes, naming each one and the fix', () => {
    expect(() => NTP_ROLE.resources({ 'ntp.servers': [] }, 'n')).toThrow(new BadInputError('Failed to render role ntp: ntp.servers: must list at least one server — e.g. ["10.0.0.1"]'));
    expect(() => NETWORK_ROLE.resources({ 'network.bonds': [{ name: 'bond0', interfaces: ['eno1'], mode: 'lacp', address: '10.0.0.300/24' }] }, 'n')).toThrow(
      'Failed to render role network: network.bonds[0].mode: must be one of 802.3ad, active-backup, balance-rr, balance-xor, broadcast, balance-tlb, balance-alb; network.bonds[0].address: must be an IPv4 address with its prefix length — e.g. "10.0.1.5/24"',
    );
    expect(() => PROXY_ROLE.resources({ 'proxy.http': 'http://x" y' }, 'n')).toThrow('proxy.http: must be an http:// or https:// URL without spaces or quotes');
    expect(() => DNS_CLIENT_ROLE.resources({ 'dns.nameservers': ['resolver'] }, 'n')).toThrow('dns.nameservers[0]: must be an IP address');
  });

  it('run through the agent: the role runner dispatches the rendered item to the node', async () => {
    const clock = new VirtualClock();
    const store = new SqliteStore({ path: ':memory:', clock });
    const { sha256, token } = mintToken(new SeededRandom(1), AGENT_TOKEN_PREFIX);
    await store.commit([{ kind: 'node', value: { name: 'r1-s3', reachable: true, paused: false, attributes: {}, provisioning: { boot: { kind: 'local' }, agentTokenSha256: sha256 } }, expectedVersion: undefined }], []);
    const hub = new AgentHub({ store, clock, random: new SeededRandom(2), pollIntervalS: 5, maxHandOuts: 3, authCacheMs: 0 });
    const runner = agentRunners(hub)('ntp')!;
    expect(agentRunners(hub)('etcd')).toBeUndefined();
    const nodeRole = { id: 'lab/ntp@r1-s3', node: 'r1-s3' } as never;
    const run = runner.run({ nodeRole, runId: 'r', inputs: { 'ntp.servers': ['10.0.0.1'] } }, new AbortController().signal);
    const item = (await hub.poll((await hub.authenticate(token))!))!;
    expect(item.resources.map((r) => r.kind)).toEqual(['package', 'file', 'service']);
    hub.complete('r1-s3', item.id, { exitStatus: 0, output: 'drill: unchanged\n', changed: false });
    expect(await run).toEqual({ status: 'ok', outputs: {} });
    expect(await runner.run({ nodeRole, runId: 'r2', inputs: { 'ntp.servers': 'pool' } }, new AbortController().signal)).toMatchObject({ status: 'failed', retryable: false });
    await store.close();
  });
});
