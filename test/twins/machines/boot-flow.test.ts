/**
 * Model machines against the provisioning protocol (docs/provisioning.md), in
 * model fidelity: a test peer plays boot server and agent API on the
 * in-process network, the virtual clock runs everything, and the same seed
 * gives the same trace.
 *
 * Run: npx vitest run test/twins/machines
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../../sim/index.js';
import { factsFromSpec, MACHINE_TIMING_PROFILES, type MachineEvent } from '../../../twins/index.js';
import { startModelTwin, type ModelTwin } from './support/model-twin.js';

const U1 = 'r1-u01';
const U2 = 'r1-u02';

let twin: ModelTwin | undefined;
afterEach(async () => {
  await twin?.dispose();
  twin = undefined;
});

async function start(faults: readonly FaultSpec[] = [], seed?: string): Promise<ModelTwin> {
  twin = await startModelTwin({ faults, ...(seed === undefined ? {} : { seed }) });
  return twin;
}

const stagesOf = (events: readonly MachineEvent[], machine: string): string[] =>
  events.filter((e) => e.machine === machine && e.type === 'stage').map((e) => (e.type === 'stage' ? e.stage : ''));

/** Provisions U1 and runs it to its agent's first poll. */
async function installed(t: ModelTwin): Promise<void> {
  t.register(U1);
  t.peer.provision(U1);
  t.servers.get(U1)!.server.powerAction('on');
  await t.until(() => t.peer.agentLog.some((r) => r.path === '/api/v1/agent/work'));
}

describe('discovery boot', () => {
  it('posts the facts the spec gives the machine, with the MACs its BMC reports, and powers off', async () => {
    const t = await start();
    const { server, spec } = t.servers.get(U1)!;
    server.powerAction('on');
    await t.until(() => t.peer.discoveries.length === 1);
    await t.untilStage(U1, 'off');

    expect(t.peer.bootLog.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /boot/ipxe',
      `GET /boot/ipxe?mac=${spec.nics[0]!.mac}`,
      'POST /boot/discovery',
    ]);
    const { mac, facts } = t.peer.discoveries[0]!;
    expect(mac).toBe(spec.nics[0]!.mac);
    expect(facts).toEqual(JSON.parse(JSON.stringify(factsFromSpec(spec))));
    expect(facts.system).toEqual({ manufacturer: 'Example', productName: 'Small 1U', serialNumber: spec.identity.systemSerial, uuid: spec.identity.uuid });
    expect(facts.cpu).toEqual({ model: 'Test CPU', sockets: 2, cores: 8, threads: 16 });
    expect(facts.memoryMiB).toBe(16 * 1024);

    // The BMC reports the same MACs over Redfish.
    const members = ((await (await t.redfish(U1, 'GET', '/redfish/v1/Systems/1/EthernetInterfaces')).json()) as { Members: Array<{ '@odata.id': string }> }).Members;
    const bmcMacs = await Promise.all(members.map(async (m) => ((await (await t.redfish(U1, 'GET', m['@odata.id'])).json()) as { MACAddress: string }).MACAddress.toLowerCase()));
    expect(bmcMacs.sort()).toEqual(facts.nics.map((n: { mac: string }) => n.mac).sort());

    expect(server.power).toBe('Off');
    expect(stagesOf(t.events, U1)).toEqual(['post', 'network-boot', 'discovering', 'off']);
    expect(t.events.filter((e) => e.type === 'console').map((e) => (e.type === 'console' ? e.line : ''))).toEqual([
      `drill: discovery boot for ${spec.nics[0]!.mac}`,
      'drill: discovered as an unknown machine; powering off',
    ]);
  });

  it('halts with "no bootable device" when the boot server is not there and the disk is empty', async () => {
    const t = await start([{ target: 'addr:127.64.255.254:8080', kind: 'reset' }]);
    t.servers.get(U2)!.server.powerAction('on');
    await t.untilStage(U2, 'halted');
    const last = t.events.at(-1)!;
    expect(last).toMatchObject({ type: 'stage', stage: 'halted', detail: 'no bootable device' });
    expect(last.type === 'stage' && last.error).toMatch(/Failed to fetch http:\/\/127\.64\.255\.254:8080\/boot\/ipxe: .*reset.*; no disk holds an OS/);
  });

  it('reports an iPXE script error with its line, then tries the disk', async () => {
    const t = await start();
    t.register(U1);
    t.peer.nodes.get(U1)!.mode = { kind: 'script', text: '#!ipxe\necho about to fail\nimgfetch http://x/y\nboot\n' };
    t.servers.get(U1)!.server.powerAction('on');
    await t.untilStage(U1, 'halted');
    const failed = t.events.find((e) => e.type === 'stage' && e.error !== undefined && e.stage === 'network-boot');
    expect(failed).toMatchObject({ detail: 'network boot failed' });
    expect(failed?.type === 'stage' && failed.error).toMatch(/iPXE script from http:\/\/127\.64\.255\.254:8080\/boot\/ipxe\?mac=.*: line 3: unknown command "imgfetch"/);
    expect(stagesOf(t.events, U1)).toEqual(['post', 'network-boot', 'network-boot', 'halted']);
  });
});

describe('install, reboot, disk boot, agent', () => {
  it('installs the OS from the plan, reports done, reboots into it and polls for work with its token', async () => {
    const t = await start();
    await installed(t);
    const { machine, spec, server } = t.servers.get(U1)!;
    expect(t.peer.installReports).toEqual([{ node: U1, body: { status: 'ok' } }]);
    expect(t.peer.bootLog.filter((r) => r.path.includes('/plan')).map((r) => r.authorization)).toEqual([expect.stringMatching(/^Bearer install-r1-u01-/)]);
    expect(t.peer.bootLog.filter((r) => r.path.endsWith('/done')).map((r) => r.authorization)).toEqual([`Bearer agent-${U1}`]);
    expect(stagesOf(t.events, U1)).toEqual(['post', 'network-boot', 'installing', 'installing', 'post', 'booting-disk', 'running']);
    expect(machine.os?.hostname).toBe(U1);
    expect(machine.os?.files.get('/etc/drill/agent-token')).toMatchObject({ content: `agent-${U1}`, mode: '0600' });
    expect(machine.os?.services.get('drill-agent')).toMatchObject({ enabled: true, running: true });
    expect(t.peer.agentLog[0]).toEqual({ method: 'GET', path: '/api/v1/agent/work', authorization: `Bearer agent-${U1}` });
    expect(server.eventLog.map((e) => e.kind)).toContain('hard-reset');
    expect(spec.disks[0]!.name).toBe('sda');
    expect(t.events.some((e) => e.type === 'stage' && e.detail === `${U1}: writing debian 12 to sda`)).toBe(true);

    // A later power cycle boots from disk by the BIOS order: the boot server is not asked again.
    const asked = t.peer.bootLog.length;
    server.powerAction('cycle');
    await t.until(() => t.peer.agentLog.length >= 3 && machine.stage === 'running');
    expect(t.peer.bootLog.length).toBe(asked);
  });

  it('applies a work item, reporting changed; the same item again changes nothing', async () => {
    const t = await start();
    await installed(t);
    const item = {
      nodeRole: 'lab/ntp@r1-u01',
      resources: [
        { kind: 'package', name: 'chrony', state: 'present' },
        { kind: 'file', path: '/etc/chrony/chrony.conf', content: 'server 127.0.0.1 iburst\n', mode: '0644', owner: 'root', group: 'root' },
        { kind: 'service', name: 'chrony', enabled: true, running: true, restartOnChangeOf: ['/etc/chrony/chrony.conf'] },
        { kind: 'user', name: 'ops', sshAuthorizedKeys: ['ssh-ed25519 AAAA ops@lab'] },
        { kind: 'command', run: 'touch /var/lib/drill/ntp-done', creates: '/var/lib/drill/ntp-done' },
        { kind: 'check', run: 'systemctl is-active chrony', description: 'chrony runs' },
      ],
    };
    t.peer.enqueue(U1, { id: 'w-1', ...item });
    await t.until(() => t.peer.results.length === 1);
    t.peer.enqueue(U1, { id: 'w-2', ...item });
    await t.until(() => t.peer.results.length === 2);

    const [first, second] = t.peer.resultsFor(U1);
    expect(first!.body).toEqual({
      exitStatus: 0,
      changed: true,
      output: 'drill: changed package chrony\ndrill: changed file /etc/chrony/chrony.conf\ndrill: changed service chrony\ndrill: changed user ops\ndrill: changed command touch /var/lib/drill/ntp-done\n',
    });
    expect(second!.body).toEqual({ exitStatus: 0, changed: false, output: 'drill: unchanged\n' });
    const os = t.servers.get(U1)!.machine.os!;
    expect(os.packages.has('chrony')).toBe(true);
    expect(os.services.get('chrony')).toEqual({ enabled: true, running: true, starts: 1 });
    expect(os.users.get('ops')?.sshAuthorizedKeys).toEqual(['ssh-ed25519 AAAA ops@lab']);
  });

  it('restarts a service when a file it watches changed in the same item', async () => {
    const t = await start();
    await installed(t);
    const conf = (content: string) => ({ kind: 'file', path: '/etc/app.conf', content, mode: '0644', owner: 'root', group: 'root' });
    const service = { kind: 'service', name: 'app', enabled: true, running: true, restartOnChangeOf: ['/etc/app.conf'] };
    t.peer.enqueue(U1, { id: 'w-1', nodeRole: 'app', resources: [conf('a\n'), service] });
    t.peer.enqueue(U1, { id: 'w-2', nodeRole: 'app', resources: [conf('b\n'), service] });
    await t.until(() => t.peer.results.length === 2);
    expect(t.peer.results[1]!.body.output).toBe('drill: changed file /etc/app.conf\ndrill: changed service app\n');
    expect(t.servers.get(U1)!.machine.os!.services.get('app')?.starts).toBe(2);
  });

  it('reports a malformed work item as failed, naming the field', async () => {
    const t = await start();
    await installed(t);
    t.peer.enqueue(U1, { id: 'w-bad', nodeRole: 'x', resources: [{ kind: 'file', path: 'etc/motd', content: 'hi', mode: '644', owner: 'root', group: 'root' }] });
    await t.until(() => t.peer.results.length === 1);
    expect(t.peer.results[0]!.body.exitStatus).toBe(2);
    expect(t.peer.results[0]!.body.output).toMatch(/resources\[0\]\.path: path must be absolute — write e\.g\. \/etc\/ntp\.conf/);
  });
});

/** Boots the installed U1 once from the network (a one-time PXE override and a reset) while the peer says wipe. */
async function wiping(t: ModelTwin): Promise<number> {
  await installed(t);
  t.peer.wipe(U1);
  const { server } = t.servers.get(U1)!;
  const from = t.events.length;
  server.setBootOverride({ device: 'Pxe', mode: 'Uefi', persistence: 'Once' });
  server.powerAction('hard-reset');
  return from;
}

describe('wipe', () => {
  it('erases every disk, reports them with its one-time token, and powers off; with no OS left the next boot is from the network', async () => {
    const t = await start();
    const { machine, server, spec } = t.servers.get(U1)!;
    const from = await wiping(t);
    expect(machine.disks.map((d) => d.contents)).toEqual(['os', 'blank']);
    await t.until(() => t.peer.wipeReports.length === 1 && machine.stage === 'off');

    expect(t.peer.wipeReports).toEqual([{ node: U1, body: { status: 'ok', disks: spec.disks.map((d) => ({ name: d.name, serial: d.serial, sizeBytes: d.sizeGB * 1e9 })) } }]);
    expect(t.peer.bootLog.filter((r) => r.path === `/boot/wipe/${U1}/done`).map((r) => r.authorization)).toEqual([expect.stringMatching(/^Bearer wipe-r1-u01-/)]);
    expect(machine.os).toBeUndefined();
    expect(machine.disks).toEqual(spec.disks.map((d) => ({ name: d.name, serial: d.serial, sizeBytes: d.sizeGB * 1e9, contents: 'blank' })));
    expect(server.power).toBe('Off');
    const after = t.events.slice(from).filter((e) => e.machine === U1);
    expect(stagesOf(after, U1)).toEqual(['post', 'network-boot', 'wiping', 'wiping', 'off']);
    expect(after.filter((e) => e.type === 'stage' && e.stage === 'wiping').map((e) => (e.type === 'stage' ? e.detail : ''))).toEqual([`${U1}: erasing sda (240 GB)`, `${U1}: erasing sdb (240 GB)`]);

    // Each disk takes its fixed part plus its per-terabyte part of the fast profile.
    const { wipeDiskMs, wipeTerabyteMs } = MACHINE_TIMING_PROFILES.fast;
    const startedAt = after.find((e) => e.type === 'stage' && e.stage === 'wiping')!.atMs;
    const tookMs = after.at(-1)!.atMs - startedAt;
    expect(tookMs).toBeGreaterThanOrEqual(2 * (wipeDiskMs.minMs + 0.24 * wipeTerabyteMs.minMs) - 2);
    expect(tookMs).toBeLessThanOrEqual(2 * (wipeDiskMs.maxMs + 0.24 * wipeTerabyteMs.maxMs) + 1_000);

    // The peer now says discover; with no OS on any disk, the BIOS order tries the network first.
    server.powerAction('on');
    await t.until(() => t.peer.discoveries.length === 1);
  });

  it('wipe-fail: the wipe reports failed and the machine halts; the failing disk and those after it keep what they held', async () => {
    const t = await start([{ target: `node:${U1}`, kind: 'wipe-fail', atMs: 0 }]);
    const { machine } = t.servers.get(U1)!;
    await wiping(t);
    await t.untilStage(U1, 'halted');
    expect(t.peer.wipeReports).toEqual([{ node: U1, body: { status: 'failed', message: 'erasing sda failed (fault fault-0)' } }]);
    expect(t.events.at(-1)).toMatchObject({ stage: 'halted', detail: `wipe of ${U1} failed`, error: 'erasing sda failed (fault fault-0)' });
    expect(machine.disks.map((d) => d.contents)).toEqual(['os', 'blank']);
    expect(machine.os?.hostname).toBe(U1);
  });
});

describe('faults', () => {
  it('install-fail: the install reports failed and the machine halts', async () => {
    const t = await start([{ target: `node:${U1}`, kind: 'install-fail' }]);
    t.register(U1);
    t.peer.provision(U1);
    t.servers.get(U1)!.server.powerAction('on');
    await t.untilStage(U1, 'halted');
    expect(t.peer.installReports).toEqual([{ node: U1, body: { status: 'failed', message: expect.stringMatching(/^writing sda failed \(fault fault-0\)$/) } }]);
    expect(t.servers.get(U1)!.machine.os).toBeUndefined();
  });

  it('package-fail: that package fails as apt does (exit 100) and stays uninstalled; others install', async () => {
    const t = await start([{ target: `node:${U1}`, kind: 'package-fail', params: { package: 'nginx' } }]);
    await installed(t);
    t.peer.enqueue(U1, { id: 'w-1', nodeRole: 'web', resources: [{ kind: 'package', name: 'curl-extra', state: 'present' }, { kind: 'package', name: 'nginx', state: 'present' }, { kind: 'package', name: 'never', state: 'present' }] });
    await t.until(() => t.peer.results.length === 1);
    const { body } = t.peer.results[0]!;
    expect(body.exitStatus).toBe(100);
    expect(body.changed).toBe(true);
    expect(body.output).toContain('drill: changed package curl-extra\n');
    expect(body.output).toContain('E: Sub-process /usr/bin/dpkg returned an error code (1)\n');
    const os = t.servers.get(U1)!.machine.os!;
    expect([os.packages.has('curl-extra'), os.packages.has('nginx'), os.packages.has('never')]).toEqual([true, false, false]);
  });

  it('agent-crash: the agent stops polling until the OS boots again', async () => {
    const t = await start([{ target: `node:${U1}`, kind: 'agent-crash', atMs: 200_000 }]);
    await installed(t);
    await t.until(() => t.events.some((e) => e.type === 'agent' && e.activity.kind === 'crashed'));
    const polls = t.peer.agentLog.length;
    await t.clock.runFor(600_000);
    expect(t.peer.agentLog.length).toBe(polls);
    expect(t.servers.get(U1)!.machine.os!.services.get('drill-agent')?.running).toBe(false);
    t.servers.get(U1)!.server.powerAction('hard-reset');
    await t.until(() => t.peer.agentLog.length > polls);
  });

  it('backs off 1 s → 60 s with jitter while the API answers 503, and exits on 401', async () => {
    const t = await start();
    await installed(t);
    t.peer.agentApiStatus = 503;
    const backoffs = (): number[] => t.events.flatMap((e) => (e.type === 'agent' && e.activity.kind === 'backoff' ? [e.activity.delayMs] : []));
    await t.until(() => backoffs().length >= 9);
    const delays = backoffs();
    delays.forEach((d, i) => {
      const step = Math.min(60_000, 1_000 * 2 ** i);
      expect(d).toBeGreaterThanOrEqual(step / 2);
      expect(d).toBeLessThanOrEqual(step);
    });
    expect(new Set(delays.map((d, i) => d / Math.min(60_000, 1_000 * 2 ** i))).size).toBeGreaterThan(1);
    t.peer.agentApiStatus = undefined;
    t.peer.revoke(U1);
    await t.until(() => t.events.some((e) => e.type === 'agent' && e.activity.kind === 'exited'));
    const polls = t.peer.agentLog.length;
    await t.clock.runFor(600_000);
    expect(t.peer.agentLog.length).toBe(polls);
  });
});

describe('power and boot overrides', () => {
  it('power-off mid-install aborts cleanly: no report, no timers left, nothing more happens', async () => {
    const t = await start();
    t.register(U1);
    t.peer.provision(U1);
    const { server, machine } = t.servers.get(U1)!;
    const baseline = t.clock.pendingTimers;
    server.powerAction('on');
    await t.until(() => t.events.some((e) => e.type === 'stage' && e.detail.includes('writing debian 12')));
    server.powerAction('off');
    expect(machine.stage).toBe('off');
    expect(t.clock.pendingTimers).toBe(baseline);
    const requests = t.peer.bootLog.length;
    const events = t.events.length;
    await t.clock.runFor(3_600_000);
    expect(t.peer.bootLog.length).toBe(requests);
    expect(t.events.length).toBe(events);
    expect(t.peer.installReports).toEqual([]);
    expect(machine.os).toBeUndefined();
  });

  it('a reset mid-install boots the install script again, whose used token the plan refuses: the machine halts saying so', async () => {
    const t = await start();
    t.register(U1);
    t.peer.provision(U1);
    const { server } = t.servers.get(U1)!;
    server.powerAction('on');
    await t.until(() => t.events.some((e) => e.type === 'stage' && e.detail.includes('writing debian 12')));
    server.powerAction('hard-reset');
    await t.untilStage(U1, 'halted');
    expect(t.events.at(-1)).toMatchObject({ stage: 'halted', detail: 'the image from http://127.64.255.254:8080/images/debian-12/vmlinuz stopped' });
    expect(t.events.at(-1)?.type === 'stage' && t.events.at(-1)).toMatchObject({ error: expect.stringContaining('answered 401: {"problem":"install token already used"') });
    expect(t.peer.installReports).toEqual([]);
  });

  it("the BMC's one-time Pxe override (Redfish) network-boots an installed machine once", async () => {
    const t = await start();
    await installed(t);
    const patched = await t.redfish(U1, 'PATCH', '/redfish/v1/Systems/1', { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' } });
    expect(patched.status).toBeLessThan(300);
    const from = t.events.length;
    const asked = t.peer.bootLog.length;
    const reset = await t.redfish(U1, 'POST', '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset', { ResetType: 'ForceRestart' });
    expect(reset.status).toBeLessThan(300);
    await t.until(() => t.events.slice(from).some((e) => e.type === 'stage' && e.stage === 'running'));
    // The peer says `local` (exit): the firmware goes on to the disk.
    expect(stagesOf(t.events.slice(from), U1)).toEqual(['post', 'network-boot', 'booting-disk', 'running']);
    expect(t.peer.bootLog.slice(asked).map((r) => r.path)).toEqual(['/boot/ipxe', `/boot/ipxe?mac=${t.servers.get(U1)!.spec.nics[0]!.mac}`]);
    // Once: the next reset boots straight from disk.
    const again = t.events.length;
    t.servers.get(U1)!.server.powerAction('hard-reset');
    await t.until(() => t.events.slice(again).some((e) => e.type === 'stage' && e.stage === 'running'));
    expect(stagesOf(t.events.slice(again), U1)).toEqual(['post', 'booting-disk', 'running']);
  });

  it('the IPMI-only server network-boots too, and a BiosSetup override halts in setup', async () => {
    const t = await start();
    const { server } = t.servers.get(U2)!;
    server.setBootOverride({ device: 'BiosSetup', mode: 'Uefi', persistence: 'Once' });
    server.powerAction('on');
    await t.untilStage(U2, 'halted');
    expect(t.events.at(-1)).toMatchObject({ machine: U2, stage: 'halted', detail: 'in BIOS setup (boot override BiosSetup)' });
    server.powerAction('hard-reset');
    await t.until(() => t.peer.discoveries.length === 1);
  });

  it('boots the provisioner\'s iPXE ISO from the virtual CD, and reports any other image before falling back', async () => {
    const t = await start();
    const { server } = t.servers.get(U2)!;
    server.setVirtualCd('http://10.9.9.9/images/other.iso');
    server.setBootOverride({ device: 'Cd', mode: 'Uefi', persistence: 'Once' });
    server.powerAction('on');
    // The unknown image fails; the BIOS order then network-boots from the spec's boot server.
    await t.until(() => t.peer.discoveries.length === 1);
    expect(t.events.some((e) => e.type === 'stage' && e.machine === U2 && e.error?.includes('not an image this machine can boot'))).toBe(true);
    server.powerAction('off');
    await t.untilStage(U2, 'off');
    const cdBoots = t.events.length;
    server.setVirtualCd("http://127.64.255.254:8080/images/ipxe/drill.iso");
    server.setBootOverride({ device: 'Cd', mode: 'Uefi', persistence: 'Once' });
    server.powerAction('on');
    await t.until(() => t.peer.discoveries.length === 2);
    expect(t.events.slice(cdBoots).find((e) => e.type === 'stage' && e.stage === 'network-boot')).toMatchObject({ detail: expect.stringContaining('virtual CD: iPXE from') });
  });
});

describe('determinism', () => {
  async function trace(seed: string, faults: readonly FaultSpec[]): Promise<string> {
    const t = await start(faults, seed);
    await installed(t);
    t.peer.agentApiStatus = 503;
    await t.clock.runFor(300_000);
    t.peer.agentApiStatus = undefined;
    t.peer.enqueue(U1, { id: 'w-1', nodeRole: 'r', resources: [{ kind: 'package', name: 'a', state: 'present' }, { kind: 'package', name: 'b', state: 'present' }] });
    await t.until(() => t.peer.results.length === 1);
    const out = JSON.stringify(t.events);
    await t.dispose();
    twin = undefined;
    return out;
  }

  it('the same seed gives the same machine trace; another seed another one', async () => {
    const a = await trace('0x5eed', [{ target: `node:${U1}`, kind: 'package-fail', params: { package: 'b' } }]);
    const b = await trace('0x5eed', [{ target: `node:${U1}`, kind: 'package-fail', params: { package: 'b' } }]);
    const c = await trace('0x5eee', [{ target: `node:${U1}`, kind: 'package-fail', params: { package: 'b' } }]);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});
