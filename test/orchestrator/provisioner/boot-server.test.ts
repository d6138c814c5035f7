import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Provisioner, serveProvisioner, SqliteStore, type Clock, type NodeRecord, type RunningProvisioner } from '../../../orchestrator/index.js';
import { CryptoRandom, SystemClock } from '../../../sim/index.js';
import { commandOnPath, describeWithHost } from '../../support/host-tools.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'drill-boot-'));
const system = new SystemClock();
/** The system clock, moved forward by hand to see tokens expire. */
let offsetMs = 0;
const clock: Clock = {
  now: () => system.now() + offsetMs,
  setTimeout: (cb, ms) => system.setTimeout(cb, ms),
  clearTimeout: (h) => system.clearTimeout(h),
  setInterval: (cb, ms) => system.setInterval(cb, ms),
  clearInterval: (h) => system.clearInterval(h),
  sleep: (ms, signal) => system.sleep(ms, signal),
};
let store: SqliteStore;
let provisioner: Provisioner;
let server: RunningProvisioner;

const NIC1 = '52:54:00:00:00:01';
const NIC16 = '52:54:00:00:00:16';

const redfishNode: NodeRecord = {
  name: 'lab-r1-u01',
  reachable: true,
  paused: false,
  attributes: {},
  lifecycle: 'inventoried',
  inventory: {
    source: 'redfish',
    readAtMs: 0,
    hardware: { serialNumber: 'SER01', uuid: '4C4C4544-0001', processors: [], memory: [], drives: [], firmware: [], nics: [{ id: 'NIC.1', macAddress: NIC1 }] },
  },
};
const NIC3 = '52:54:00:00:00:03';
const undiscovered: NodeRecord = {
  ...redfishNode,
  name: 'lab-r1-u03',
  inventory: {
    source: 'redfish',
    readAtMs: 0,
    hardware: {
      processors: [],
      memory: [],
      firmware: [],
      nics: [{ id: 'NIC.1', macAddress: NIC3 }],
      drives: [
        { id: 'd0', serialNumber: 'BIGSSD', capacityBytes: 3_840_000_000_000, mediaType: 'SSD' },
        { id: 'd1', serialNumber: 'HDD', capacityBytes: 100_000_000_000, mediaType: 'HDD' },
        { id: 'd2', serialNumber: 'BOOTSSD', capacityBytes: 240_000_000_000, mediaType: 'SSD' },
      ],
    },
  },
};
const ipmiNode: NodeRecord = { name: 'lab-r1-u16', reachable: true, paused: false, attributes: {}, lifecycle: 'inventoried', inventory: { source: 'ipmi', readAtMs: 0, fru: { productSerial: 'SER16' } } };

function facts(mac: string, serial: string) {
  return {
    system: { manufacturer: 'Dell Inc.', productName: 'PowerEdge R650', serialNumber: serial, uuid: 'no-such-uuid' },
    cpu: { model: 'Xeon', sockets: 2, cores: 32, threads: 64 },
    memoryMiB: 524288,
    nics: [{ name: 'eno1', mac, speedMbps: 25000, link: true }],
    disks: [
      { name: 'sda', sizeBytes: 4_000_000_000_000, model: 'HDD', serial: 'HDD1', rotational: true },
      { name: 'nvme0n1', sizeBytes: 480_103_981_056, model: 'SSD', serial: 'SSD1', rotational: false },
    ],
  };
}

async function curl(path: string, options: { post?: unknown; raw?: string; token?: string } = {}): Promise<{ status: number; body: string }> {
  const args = ['-sS', '-o', '-', '-w', '\n%{http_code}'];
  if (options.token) args.push('-H', `Authorization: Bearer ${options.token}`);
  if (options.post !== undefined || options.raw !== undefined) args.push('-H', 'Content-Type: application/json', '--data-binary', options.raw ?? JSON.stringify(options.post));
  const { stdout } = await run('curl', [...args, `${server.url}${path}`]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

const tokenOf = (script: string): string => /drill\.token=(\S+)/.exec(script)![1]!;

describeWithHost('boot server over loopback, driven with curl', [commandOnPath('curl')], () => {
  beforeAll(async () => {
    store = new SqliteStore({ path: join(dir, 'drill.db'), clock });
    await store.commit(
      [redfishNode, ipmiNode, undiscovered].map((value) => ({ kind: 'node' as const, value, expectedVersion: undefined })),
      [],
    );
    mkdirSync(join(dir, 'images', 'debian-12'), { recursive: true });
    writeFileSync(join(dir, 'images', 'debian-12', 'vmlinuz'), 'KERNEL');
    writeFileSync(join(dir, 'secret'), 'not an image');
    server = await serveProvisioner({ host: '127.0.0.1', port: 0, handle: (request) => provisioner.handle(request), onInternalError: (error) => { throw error; }, imagesDir: join(dir, 'images') });
    provisioner = new Provisioner({ store, clock, random: new CryptoRandom(), bootUrl: server.url, agentApi: 'https://127.0.0.1:8443', caCertificatePem: 'PEM', installTokenTtlMs: 60_000, wipeTokenTtlMs: 60_000 });
  });

  afterAll(async () => {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('chains a machine without a MAC to its per-MAC script', async () => {
    expect(await curl('/boot/ipxe')).toEqual({ status: 200, body: `#!ipxe\nchain ${server.url}/boot/ipxe?mac=\${net0/mac}\n` });
  });

  it('sends an unknown MAC to discovery and keeps its facts against the MAC', async () => {
    const script = await curl('/boot/ipxe?mac=52:54:00:aa:bb:cc');
    expect(script.body).toBe(
      [
        '#!ipxe',
        'echo drill: discovery boot for 52:54:00:aa:bb:cc',
        `kernel ${server.url}/images/discovery/vmlinuz initrd=initrd.img drill.stage=discover drill.boot=${server.url} drill.mac=52:54:00:aa:bb:cc`,
        `initrd ${server.url}/images/discovery/initrd.img`,
        'boot',
        '',
      ].join('\n'),
    );
    expect(await curl('/boot/discovery', { post: { mac: '52:54:00:aa:bb:cc', facts: facts('52:54:00:aa:bb:cc', 'NOBODY') } })).toEqual({ status: 200, body: '{"node":null}' });
    const kept = (await store.events(0, 100)).find((e) => e.type === 'machine.discovered');
    expect(kept).toMatchObject({ subject: 'mac:52:54:00:aa:bb:cc', data: { facts: { system: { serialNumber: 'NOBODY' } } } });
  });

  it('boots a known node with nothing to do from disk, and discovers it when asked', async () => {
    expect((await curl(`/boot/ipxe?mac=${NIC1}`)).body).toBe('#!ipxe\necho drill: nothing to do for lab-r1-u01: booting from the local disk\nexit\n');
    await provisioner.setBootIntent('lab-r1-u01', { kind: 'discover' });
    expect((await curl(`/boot/ipxe?mac=${NIC1.toUpperCase()}`)).body).toContain(`drill.stage=discover drill.boot=${server.url} drill.mac=${NIC1}`);
    expect(await curl('/boot/discovery', { post: { mac: NIC1, facts: facts(NIC1, 'SER01') } })).toEqual({ status: 200, body: '{"node":"lab-r1-u01"}' });
    const node = (await store.snapshot()).nodes.get('lab-r1-u01')!.value;
    expect(node.provisioning?.facts).toMatchObject({ memoryMiB: 524288 });
    expect((await store.events(0, 100)).filter((e) => e.type === 'node.discovered')).toMatchObject([{ subject: 'lab-r1-u01', data: { mac: NIC1, matchedBy: 'mac' } }]);
  });

  it('matches a node whose BMC listed no MACs by its serial number, then knows its MAC', async () => {
    expect(await curl('/boot/discovery', { post: { mac: NIC16, facts: facts(NIC16, 'SER16') } })).toEqual({ status: 200, body: '{"node":"lab-r1-u16"}' });
    expect((await curl(`/boot/ipxe?mac=${NIC16}`)).body).toContain('nothing to do for lab-r1-u16');
  });

  it('installs with a one-time token, hands out the agent token, and boots from disk once done', async () => {
    await provisioner.setBootIntent('lab-r1-u01', { kind: 'install', os: { name: 'debian', version: '12' } });
    const script = (await curl(`/boot/ipxe?mac=${NIC1}`)).body;
    const token = tokenOf(script);
    expect(script).toBe(
      [
        '#!ipxe',
        'echo drill: installing debian-12 on lab-r1-u01',
        `kernel ${server.url}/images/debian-12/vmlinuz initrd=initrd.img drill.stage=install drill.boot=${server.url} drill.node=lab-r1-u01 drill.token=${token}`,
        `initrd ${server.url}/images/debian-12/initrd.img`,
        'boot',
        '',
      ].join('\n'),
    );
    expect(JSON.stringify(await store.snapshot().then((s) => s.nodes.get('lab-r1-u01')))).not.toContain(token);
    expect((await curl('/boot/install/lab-r1-u01/plan', { token: 'drilli_wrong' })).status).toBe(401);
    const plan = await curl('/boot/install/lab-r1-u01/plan', { token });
    expect(plan.status).toBe(200);
    const body = JSON.parse(plan.body);
    expect(body).toEqual({
      node: 'lab-r1-u01',
      os: { name: 'debian', version: '12' },
      rootDisk: { serial: 'SSD1' },
      hostname: 'lab-r1-u01',
      agent: { api: 'https://127.0.0.1:8443', token: expect.stringMatching(/^drilla_/), script: `${server.url}/boot/agent.sh`, caCertificatePem: 'PEM' },
    });
    const again = await curl('/boot/install/lab-r1-u01/plan', { token });
    expect(again.status).toBe(401);
    expect(JSON.parse(again.body).problem).toBe('install token already used');
    expect((await curl('/boot/install/lab-r1-u01/done', { post: { status: 'ok' }, token })).status).toBe(401);
    expect(await curl('/boot/install/lab-r1-u01/done', { post: { status: 'ok' }, token: body.agent.token })).toEqual({ status: 200, body: '{"node":"lab-r1-u01","boot":"local"}' });
    expect((await curl(`/boot/ipxe?mac=${NIC1}`)).body).toContain('lab-r1-u01 is installed');
    const types = (await store.events(0, 1000)).filter((e) => e.subject === 'lab-r1-u01').map((e) => e.type);
    expect(types.slice(-4)).toEqual(['node.boot-intent', 'node.install-token', 'node.install-plan', 'node.installed']);
  });

  it('wipes with a one-time token: the discovery image with drill.stage=wipe, one report, then discovery on the next boot', async () => {
    await provisioner.setBootIntent('lab-r1-u01', { kind: 'wipe' });
    const script = (await curl(`/boot/ipxe?mac=${NIC1}`)).body;
    const token = tokenOf(script);
    expect(token).toMatch(/^drillw_/);
    expect(script).toBe(
      [
        '#!ipxe',
        'echo drill: wiping every disk of lab-r1-u01',
        `kernel ${server.url}/images/discovery/vmlinuz initrd=initrd.img drill.stage=wipe drill.boot=${server.url} drill.node=lab-r1-u01 drill.token=${token}`,
        `initrd ${server.url}/images/discovery/initrd.img`,
        'boot',
        '',
      ].join('\n'),
    );
    expect(JSON.stringify(await store.snapshot().then((s) => s.nodes.get('lab-r1-u01')))).not.toContain(token);
    const disks = [
      { name: 'sda', serial: 'HDD1', sizeBytes: 4_000_000_000_000 },
      { name: 'nvme0n1', serial: 'SSD1', sizeBytes: 480_103_981_056 },
    ];
    expect((await curl('/boot/wipe/lab-r1-u01/done', { post: { status: 'ok', disks }, token: 'drillw_wrong' })).status).toBe(401);
    expect(await curl('/boot/wipe/lab-r1-u01/done', { post: { status: 'ok', disks }, token })).toEqual({ status: 200, body: '{"node":"lab-r1-u01","boot":"discover"}' });
    const again = await curl('/boot/wipe/lab-r1-u01/done', { post: { status: 'ok', disks }, token });
    expect(again.status).toBe(401);
    expect(JSON.parse(again.body).problem).toBe('wipe token already used');

    // Blank disks: nothing installed, no agent, and the next boot discovers rather than handing over to an empty disk.
    const provisioning = (await store.nodes()).get('lab-r1-u01')!.value.provisioning!;
    expect(provisioning).toMatchObject({ boot: { kind: 'discover' }, wipedAtMs: expect.any(Number) });
    expect([provisioning.installedAtMs, provisioning.agentTokenSha256, provisioning.wipeFailure]).toEqual([undefined, undefined, undefined]);
    expect((await curl(`/boot/ipxe?mac=${NIC1}`)).body).toContain('drill.stage=discover');
    const types = (await store.events(0, 1000)).filter((e) => e.subject === 'lab-r1-u01').map((e) => e.type);
    expect(types.slice(-3)).toEqual(['node.boot-intent', 'node.wipe-token', 'node.wiped']);
  });

  it('keeps the wipe intent and records why when a wipe reports failure, leaves a disk out, or comes too late', async () => {
    await provisioner.setBootIntent('lab-r1-u01', { kind: 'wipe' });
    const failed = await curl('/boot/wipe/lab-r1-u01/done', { post: { status: 'failed', message: 'sda: secure erase failed: I/O error' }, token: tokenOf((await curl(`/boot/ipxe?mac=${NIC1}`)).body) });
    expect(failed).toEqual({ status: 200, body: '{"node":"lab-r1-u01","boot":"wipe"}' });
    const node = async () => (await store.nodes()).get('lab-r1-u01')!.value.provisioning!;
    expect(await node()).toMatchObject({ boot: { kind: 'wipe' }, wipeFailure: 'sda: secure erase failed: I/O error' });

    const partial = { status: 'ok', disks: [{ name: 'sda', serial: 'HDD1', sizeBytes: 4_000_000_000_000 }] };
    expect((await curl('/boot/wipe/lab-r1-u01/done', { post: partial, token: tokenOf((await curl(`/boot/ipxe?mac=${NIC1}`)).body) })).body).toBe('{"node":"lab-r1-u01","boot":"wipe"}');
    expect(await node()).toMatchObject({ boot: { kind: 'wipe' }, wipeFailure: 'the report leaves out disks discovery saw: nvme0n1 (serial SSD1)' });
    expect((await store.events(0, 1000)).filter((e) => e.type === 'node.wipe-failed').map((e) => e.data['message'])).toEqual(['sda: secure erase failed: I/O error', 'the report leaves out disks discovery saw: nvme0n1 (serial SSD1)']);

    const token = tokenOf((await curl(`/boot/ipxe?mac=${NIC1}`)).body);
    offsetMs += 61_000;
    const late = await curl('/boot/wipe/lab-r1-u01/done', { post: { status: 'failed', message: 'x' }, token });
    expect([late.status, JSON.parse(late.body).problem]).toEqual([401, 'wipe token expired']);
  });

  it('installs a node never discovered on the smallest solid-state drive its BMC listed', async () => {
    await provisioner.setBootIntent('lab-r1-u03', { kind: 'install', os: { name: 'debian', version: '12' } });
    const plan = await curl('/boot/install/lab-r1-u03/plan', { token: tokenOf((await curl(`/boot/ipxe?mac=${NIC3}`)).body) });
    expect(JSON.parse(plan.body).rootDisk).toEqual({ serial: 'BOOTSSD' });
  });

  it('refuses an install token once it expired', async () => {
    await provisioner.setBootIntent('lab-r1-u16', { kind: 'install', os: { name: 'debian', version: '12' } });
    const token = tokenOf((await curl(`/boot/ipxe?mac=${NIC16}`)).body);
    offsetMs += 61_000;
    const late = await curl('/boot/install/lab-r1-u16/plan', { token });
    expect(late.status).toBe(401);
    expect(JSON.parse(late.body).problem).toBe('install token expired');
  });

  it('serves boot images from its images folder, and nothing outside it', async () => {
    expect(await curl('/images/debian-12/vmlinuz')).toEqual({ status: 200, body: 'KERNEL' });
    expect((await curl('/images/debian-12/initrd.img')).status).toBe(404);
    expect((await run('curl', ['-sS', '--path-as-is', '-o', '/dev/null', '-w', '%{http_code}', `${server.url}/images/../secret`])).stdout).toBe('404');
    expect((await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `${server.url}/images/..%2Fsecret`])).stdout).toBe('404');
  });

  it('serves the agent script', async () => {
    const agent = await curl('/boot/agent.sh');
    expect(agent.status).toBe(200);
    expect(agent.body.startsWith('#!/bin/sh\n')).toBe(true);
  });

  it('answers bad input with {field, problem, fix}', async () => {
    const noCpu = facts(NIC1, 'x') as Partial<ReturnType<typeof facts>>;
    delete noCpu.cpu;
    expect(JSON.parse((await curl('/boot/discovery', { post: { mac: NIC1, facts: noCpu } })).body)).toMatchObject({ field: 'facts.cpu', problem: expect.any(String), fix: expect.any(String) });
    expect(JSON.parse((await curl('/boot/discovery', { post: { mac: '52-54-00-00-00-01', facts: facts(NIC1, 'x') } })).body)).toMatchObject({
      field: 'mac',
      problem: 'mac must be six lower-case hex pairs separated by colons',
      fix: 'e.g. "52:54:00:12:34:56"',
    });
    expect(await curl('/boot/discovery', { raw: '{"mac":' })).toMatchObject({ status: 400, body: expect.stringContaining('"field":"(body)"') });
    expect(await curl('/boot/ipxe?mac=zz')).toMatchObject({ status: 400, body: expect.stringContaining('"field":"query.mac"') });
    expect((await curl('/boot/nothing')).status).toBe(404);
    expect(JSON.parse((await curl('/boot/install/%E0%A4%A/plan')).body)).toMatchObject({ field: 'path.node' });
    expect(JSON.parse((await curl('/boot/install/lab-r1-u01/done', { post: { status: 'maybe' } })).body)).toMatchObject({ field: 'status' });
    const wipeReport = (body: unknown) => curl('/boot/wipe/lab-r1-u01/done', { post: body });
    expect(await wipeReport({ status: 'ok', disks: [{ name: 'sda', sizeBytes: -1 }] })).toMatchObject({ status: 400, body: expect.stringContaining('"field":"disks[0].sizeBytes"') });
    expect(JSON.parse((await wipeReport({ status: 'ok' })).body)).toMatchObject({ field: 'disks', problem: expect.stringContaining('disks must be a list'), fix: expect.stringContaining('every disk the image erased') });
    expect(JSON.parse((await wipeReport({ status: 'failed' })).body)).toMatchObject({ field: 'message' });
  });
});

it('answers any discovery body with 200 or a 400 naming a field, never a crash (fast-check)', async () => {
  const fuzzStore = new SqliteStore({ path: ':memory:', clock });
  const fuzz = new Provisioner({ store: fuzzStore, clock, random: new CryptoRandom(), bootUrl: 'http://127.0.0.1:1', agentApi: 'https://127.0.0.1:2', caCertificatePem: 'PEM', installTokenTtlMs: 1, wipeTokenTtlMs: 1 });
  const valid = facts(NIC1, 'S');
  const body = fc.oneof(
    fc.jsonValue(),
    fc.record({ mac: fc.oneof(fc.constant(NIC1), fc.string()), facts: fc.oneof(fc.constant(valid), fc.jsonValue()) }),
    fc.record({ mac: fc.constant(NIC1), facts: fc.record({ system: fc.jsonValue(), cpu: fc.constant(valid.cpu), memoryMiB: fc.oneof(fc.integer(), fc.double()), nics: fc.constant(valid.nics), disks: fc.array(fc.jsonValue()) }) }),
  );
  await fc.assert(
    fc.asyncProperty(body, async (value) => {
      const response = await fuzz.handle(new Request('http://127.0.0.1:1/boot/discovery', { method: 'POST', body: JSON.stringify(value) }));
      const answer = (await response.json()) as Record<string, unknown>;
      if (response.status === 200) expect(answer).toHaveProperty('node');
      else {
        expect(response.status).toBe(400);
        expect(answer).toEqual(expect.objectContaining({ field: expect.any(String), problem: expect.any(String), fix: expect.any(String) }));
      }
    }),
    { numRuns: 300 },
  );
  await fuzzStore.close();
});

it('answers any wipe report body with a 400 naming a field, or, well-formed, a 401 for the missing token (fast-check)', async () => {
  const fuzzStore = new SqliteStore({ path: ':memory:', clock });
  await fuzzStore.commit([{ kind: 'node', value: { ...redfishNode, provisioning: { boot: { kind: 'wipe' } } }, expectedVersion: undefined }], []);
  const fuzz = new Provisioner({ store: fuzzStore, clock, random: new CryptoRandom(), bootUrl: 'http://127.0.0.1:1', agentApi: 'https://127.0.0.1:2', caCertificatePem: 'PEM', installTokenTtlMs: 1, wipeTokenTtlMs: 1 });
  const disk = fc.record({ name: fc.oneof(fc.string(), fc.jsonValue()), serial: fc.option(fc.string(), { nil: undefined }), sizeBytes: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.jsonValue()) }, { requiredKeys: ['name', 'sizeBytes'] });
  const body = fc.oneof(
    fc.jsonValue(),
    fc.record({ status: fc.oneof(fc.constantFrom('ok', 'failed'), fc.string()), disks: fc.oneof(fc.array(disk), fc.jsonValue()), message: fc.oneof(fc.string(), fc.jsonValue()) }, { requiredKeys: ['status'] }),
  );
  await fc.assert(
    fc.asyncProperty(body, async (value) => {
      const response = await fuzz.handle(new Request(`http://127.0.0.1:1/boot/wipe/${redfishNode.name}/done`, { method: 'POST', body: JSON.stringify(value) }));
      const answer = (await response.json()) as Record<string, unknown>;
      if (response.status === 401) expect(answer['problem']).toBe('unknown wipe token');
      else {
        expect(response.status).toBe(400);
        expect(answer).toEqual(expect.objectContaining({ field: expect.any(String), problem: expect.any(String), fix: expect.any(String) }));
      }
    }),
    { numRuns: 300 },
  );
  await fuzzStore.close();
});
