/**
 * The orchestrator's RedfishDriver against the twin's RedfishBmc in model
 * fidelity, for every vendor flavour: the in-process network, the VirtualClock
 * (the driver's timeouts, back-offs and task polls run on it too) and one
 * SeededRandom, so every run of a seed is the same run. Nothing is stubbed: the
 * driver follows the flavour's links and annotations, and the assertions look
 * at the SimulatedServer behind the BMC.
 *
 * Replay a failure: the seed is printed per test (`seed=0x…`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  BmcAuthError,
  BmcUnreachableError,
  MessageTransport,
  NotSupportedError,
  RedfishDriver,
  type BiosValue,
} from '../../../orchestrator/index.js';
import { REDFISH_ADMIN, redfishIdentityFor, startModelRedfishTwin, type ModelRedfishTwin, type ModelRedfishTwinOptions } from '../../../scenarios/index.js';
import { MemoryTraceSink, SeededRandom, type FaultPlanData } from '../../../sim/index.js';
import { DEFAULT_HARDWARE, raidCapacityBytes, REDFISH_FLAVOUR_DATA, REDFISH_FLAVOURS, type AttributeDef, type RedfishFlavourName } from '../../../twins/index.js';

const SEED = 0x5ed7;
const POST_MAX_MS = 2_000; // the `fast` timing profile
const SOFT_OFF_MAX_MS = 1_000;
const BMC = 'bmc:r1-s1';
const BASIC = `Basic ${Buffer.from(`${REDFISH_ADMIN.user}:${REDFISH_ADMIN.password}`).toString('base64')}`;
const SESSIONS = '/redfish/v1/SessionService/Sessions';

/** The vendor profile the driver should pick from what each flavour says about itself. */
const PROFILE: Readonly<Record<RedfishFlavourName, string>> = {
  dmtf: 'generic',
  'dell-idrac9': 'dell-idrac',
  'hpe-ilo5': 'hpe-ilo',
  supermicro: 'supermicro',
  'lenovo-xcc': 'lenovo-xcc',
  openbmc: 'generic',
};

let twin: ModelRedfishTwin | undefined;
let sink: MemoryTraceSink;

async function start(flavour: RedfishFlavourName, options: Partial<ModelRedfishTwinOptions> = {}): Promise<ModelRedfishTwin> {
  await twin?.dispose();
  sink = new MemoryTraceSink();
  twin = await startModelRedfishTwin({ seed: SEED, flavour, sink, ...options });
  console.log(`Redfish model twin ${flavour}: seed=${twin.seed}${options.faults ? ` faults=${JSON.stringify(options.faults)}` : ''}${options.modifiers ? ` modifiers=${options.modifiers.join(',')}` : ''}`);
  return twin;
}

afterEach(async () => {
  await twin?.dispose();
  twin = undefined;
});

/** Trace events of one type, parsed. */
function traced(type: string): Array<Record<string, unknown>> {
  return sink.lines.map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> }).filter((e) => e.type === type).map((e) => e.data);
}

/** Requests the driver sent, as `METHOD path`. */
function requests(): string[] {
  return traced('http.request').map((e) => `${String(e.method)} ${new URL(String(e.url)).pathname}`);
}

async function failure(t: ModelRedfishTwin, work: Promise<unknown>): Promise<unknown> {
  return t.settle(work).then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

/** A request to the BMC with basic auth, outside any driver (what an operator's curl would see). */
async function raw(t: ModelRedfishTwin, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await t.settle(
    fetch(`${t.endpoint}${path}`, {
      method,
      headers: { Authorization: BASIC, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers };
}

async function bmcSessionCount(t: ModelRedfishTwin): Promise<number> {
  return (await raw(t, 'GET', SESSIONS)).body['Members@odata.count'] as number;
}

async function until(t: ModelRedfishTwin, condition: () => boolean, timeoutMs: number): Promise<void> {
  await t.clock.runUntil(condition, { timeoutMs });
}

/** A BIOS attribute every flavour has (virtualization), and a value it is not set to. */
function biosChange(flavour: RedfishFlavourName): { name: string; from: BiosValue; to: BiosValue } {
  const def = REDFISH_FLAVOUR_DATA[flavour].bios.attributes.find((a) => /virtuali[sz]ation/i.test(a.name)) as Extract<AttributeDef, { type: 'Enumeration' }>;
  return { name: def.name, from: def.defaultValue, to: def.values.find((v) => v !== def.defaultValue)! };
}

/** Powers the server on through the driver and waits for POST to end. */
async function powerOnAndBoot(t: ModelRedfishTwin, driver: RedfishDriver): Promise<void> {
  await t.settle(driver.power('On'));
  await until(t, () => t.server.power === 'On', POST_MAX_MS + 1);
}

/** A reboot through the driver that has POSTed to the end. */
async function rebootAndWait(t: ModelRedfishTwin, driver: RedfishDriver): Promise<void> {
  const boots = t.server.eventLog.length;
  await t.settle(driver.power('ForceRestart'));
  await until(t, () => t.server.eventLog.length > boots && t.server.power === 'On', 30_000);
}

describe.each(REDFISH_FLAVOURS)('RedfishDriver ↔ twin RedfishBmc (%s), model fidelity', (flavour) => {
  const data = REDFISH_FLAVOUR_DATA[flavour];

  it('probes: manufacturer, model, firmware and UUID are the server identity and the flavour', async () => {
    const identity = redfishIdentityFor(flavour, 42);
    const t = await start(flavour, { identity });
    const driver = t.driver();
    const probed = await t.settle(driver.probe());
    expect(probed).toMatchObject({
      protocol: 'redfish',
      manufacturer: identity.manufacturer,
      model: identity.productName,
      firmwareVersion: data.vendor.managerFirmware,
      uuid: identity.systemGuid,
      profile: PROFILE[flavour],
      managerModel: data.vendor.managerModel,
      systemPath: `/redfish/v1/Systems/${data.ids.system}`,
    });
    // iDRAC keeps the service tag in SKU and the board serial in SerialNumber (field note 9).
    if (data.vendor.serviceTagInSku) expect(probed).toMatchObject({ serialNumber: identity.boardSerialNumber, serviceTag: identity.serialNumber });
    else expect(probed.serialNumber).toBe(identity.serialNumber);
    expect([...driver.capabilities].sort()).toEqual(['bios', 'boot-override', 'event-subscription', 'inventory', 'power', 'raid', 'virtual-media']);
  });

  it('reads the inventory: the CPUs, memory, drives and NIC MACs the BMC was given', async () => {
    const hardware = {
      cpu: { model: 'AMD EPYC 7543 32-Core Processor', sockets: 2, coresPerSocket: 32, threadsPerCore: 2, speedMHz: 2_800 },
      memory: { dimms: 16, dimmGiB: 64, type: 'DDR4' as const, speedMTs: 3_200 },
      disks: [
        { type: 'nvme' as const, sizeGB: 3_840, model: 'MZQL23T8HCLS', serial: 'S64HNE0R100001' },
        { type: 'nvme' as const, sizeGB: 3_840, model: 'MZQL23T8HCLS', serial: 'S64HNE0R100002' },
        { type: 'hdd' as const, sizeGB: 8_000, model: 'ST8000NM000A', serial: 'ZA1000X1' },
      ],
      nics: [
        { name: 'eno1', speedGbps: 25, mac: '0c:42:a1:00:10:01' },
        { name: 'eno2', speedGbps: 25, mac: '0c:42:a1:00:10:02' },
        { name: 'ens3f0', speedGbps: 100, mac: 'b8:ce:f6:00:20:01' },
      ],
    };
    const identity = redfishIdentityFor(flavour, 5);
    const t = await start(flavour, { hardware, identity });
    const inventory = await t.settle(t.driver().inventory());
    expect(inventory.processors).toHaveLength(2);
    for (const p of inventory.processors) expect(p).toMatchObject({ model: hardware.cpu.model, cores: 32, threads: 64, maxSpeedMHz: 2_800, manufacturer: 'Advanced Micro Devices, Inc.' });
    expect(inventory.memory).toHaveLength(16);
    for (const m of inventory.memory) expect(m).toMatchObject({ capacityMiB: 64 * 1024, type: 'DDR4', speedMHz: 3_200 });
    expect(inventory.drives.map((d) => [d.serialNumber, d.model, d.capacityBytes, d.protocol, d.mediaType])).toEqual([
      ['S64HNE0R100001', 'MZQL23T8HCLS', 3_840_000_000_000, 'NVMe', 'SSD'],
      ['S64HNE0R100002', 'MZQL23T8HCLS', 3_840_000_000_000, 'NVMe', 'SSD'],
      ['ZA1000X1', 'ST8000NM000A', 8_000_000_000_000, 'SATA', 'HDD'],
    ]);
    expect(inventory.nics.map((n) => [n.macAddress, n.speedMbps])).toEqual(hardware.nics.map((n) => [n.mac, n.speedGbps * 1000]));
    expect(inventory).toMatchObject({ manufacturer: identity.manufacturer, model: identity.productName, uuid: identity.systemGuid, biosVersion: data.vendor.biosVersion });
    expect(inventory.firmware.map((f) => f.version).sort()).toEqual([data.vendor.biosVersion, data.vendor.managerFirmware].sort());
  });

  it(`reads a collection's members ${data.expand ? 'inline, in one request per collection ($expand)' : 'one request each (no $expand)'}`, async () => {
    const t = await start(flavour);
    const inventory = await t.settle(t.driver().inventory());
    expect(inventory.memory).toHaveLength(DEFAULT_HARDWARE.memory.dimms);
    const dimmReads = requests().filter((r) => r.startsWith(`GET /redfish/v1/Systems/${data.ids.system}/Memory/`));
    expect(dimmReads).toHaveLength(data.expand ? 0 : DEFAULT_HARDWARE.memory.dimms);
  });

  it('powers on through POST on the virtual clock, restarts and cycles with the ResetTypes the flavour allows, shuts down and forces off', async () => {
    const t = await start(flavour);
    const driver = t.driver();
    expect(await t.settle(driver.powerState())).toBe('Off');
    await t.settle(driver.power('On'));
    expect(t.server.power).toBe('PoweringOn');
    expect(await t.settle(driver.powerState())).toBe('PoweringOn');
    const postStartMs = t.clock.now();
    await until(t, () => t.server.power === 'On', POST_MAX_MS + 1);
    expect(t.clock.now() - postStartMs).toBeLessThanOrEqual(POST_MAX_MS);
    expect(await t.settle(driver.powerState())).toBe('On');
    await t.settle(driver.power('On')); // already on: a no-op, not an error

    // ForceRestart where allowed; the flavour lists it everywhere.
    await t.settle(driver.power('ForceRestart'));
    await until(t, () => t.server.power === 'On', 30_000);
    // PowerCycle where allowed, else the driver stands in ForceRestart (iLO, Supermicro, XCC list no PowerCycle).
    await t.settle(driver.power('PowerCycle'));
    await until(t, () => t.server.power === 'On', 30_000);
    const cycleKind = data.power.resetTypes.includes('PowerCycle') ? 'power-cycle' : 'hard-reset';

    await t.settle(driver.power('GracefulShutdown'));
    expect(['PoweringOff', 'Off']).toContain(await t.settle(driver.powerState()));
    await until(t, () => t.server.power === 'Off', SOFT_OFF_MAX_MS + 1);
    expect(await t.settle(driver.powerState())).toBe('Off');
    await t.settle(driver.power('GracefulShutdown')); // off already: a no-op

    await powerOnAndBoot(t, driver);
    await t.settle(driver.power('ForceOff'));
    expect(t.server.power).toBe('Off');
    await t.settle(driver.power('ForceOff'));
    // Restarting a machine that is off powers it on.
    await t.settle(driver.power('ForceRestart'));
    expect(t.server.power).toBe('PoweringOn');

    expect(t.server.eventLog.map((e) => e.kind)).toEqual(['power-on', 'hard-reset', cycleKind, ...(cycleKind === 'power-cycle' ? ['power-on'] : []), 'soft-off', 'power-on', 'power-off', 'power-on']);
  });

  it('sets a one-time UEFI PXE boot: the next boot is from PXE and the override is consumed', async () => {
    const t = await start(flavour, { initialPower: 'On' });
    const driver = t.driver();
    await t.settle(driver.setBootOverride({ device: 'Pxe', persistent: false, mode: 'UEFI' }));
    expect(t.server.bootOverride).toEqual({ device: 'Pxe', persistence: 'Once', mode: 'Uefi' });
    expect(await t.settle(driver.bootOverride())).toMatchObject({ enabled: 'Once', device: 'Pxe', rawTarget: 'Pxe', mode: 'UEFI' });

    await rebootAndWait(t, driver);
    expect(t.server.lastBoot).toMatchObject({ device: 'Pxe', mode: 'Uefi' });
    expect(t.server.bootOverride.device).toBe('None'); // consumed
    expect(await t.settle(driver.bootOverride())).toMatchObject({ enabled: 'Disabled', device: undefined });

    await rebootAndWait(t, driver);
    expect(t.server.lastBoot).toMatchObject({ device: 'None' }); // back to the normal boot order
  });

  it('clears a one-time PXE override before it is used: the next boot follows the normal boot order', async () => {
    const t = await start(flavour, { initialPower: 'On' });
    const driver = t.driver();
    await t.settle(driver.setBootOverride({ device: 'Pxe', persistent: false, mode: 'UEFI' }));
    await t.settle(driver.clearBootOverride());
    expect(t.server.bootOverride).toMatchObject({ device: 'None', mode: 'Uefi' });
    expect(await t.settle(driver.bootOverride())).toMatchObject({ enabled: 'Disabled', device: undefined });
    await rebootAndWait(t, driver);
    expect(t.server.lastBoot).toMatchObject({ device: 'None' });
  });

  it(`sets a persistent legacy disk boot ${data.boot.enabled.includes('Continuous') ? 'that survives reboots' : '— refused as NotSupported (no Continuous)'}`, async () => {
    const t = await start(flavour, { initialPower: 'On' });
    const driver = t.driver();
    const persistent = driver.setBootOverride({ device: 'Hdd', persistent: true, mode: 'Legacy' });
    if (!data.boot.enabled.includes('Continuous')) {
      // XCC: BootSourceOverrideEnabled allows only Once/Disabled (field note 23); nothing is sent.
      const error = await failure(t, persistent);
      expect(error).toBeInstanceOf(NotSupportedError);
      expect(String(error)).toMatch(/no persistent override/);
      expect(t.server.bootOverride.device).toBe('None');
      expect(requests().filter((r) => r.startsWith('PATCH'))).toEqual([]);
      // The fallback the caller is told to use: a one-time override before every boot.
      await t.settle(driver.setBootOverride({ device: 'Hdd', persistent: false, mode: 'Legacy' }));
      await rebootAndWait(t, driver);
      expect(t.server.lastBoot).toMatchObject({ device: 'Hdd', mode: 'Legacy' });
      return;
    }
    await t.settle(persistent);
    for (let i = 0; i < 2; i++) {
      await rebootAndWait(t, driver);
      expect(t.server.lastBoot).toMatchObject({ device: 'Hdd', mode: 'Legacy' });
    }
    expect(t.server.bootOverride).toEqual({ device: 'Hdd', persistence: 'Persistent', mode: 'Legacy' });
    expect(await t.settle(driver.bootOverride())).toMatchObject({ enabled: 'Continuous', device: 'Hdd', mode: 'Legacy' });
  });

  it(`reads the BIOS, stages a change (${data.bios.apply === 'job' ? 'config job' : `${data.bios.settingsSegment} object, applied at reset`}) and finds it applied after the reset`, async () => {
    const change = biosChange(flavour);
    const license = data.bios.license;
    if (license !== undefined) {
      // Supermicro: BIOS writes need the out-of-band licence; without it the driver says NotSupported.
      const unlicensed = await start(flavour, { initialPower: 'On' });
      const d = unlicensed.driver();
      expect((await unlicensed.settle(d.bios())).current[change.name]).toBe(change.from);
      const error = await failure(unlicensed, d.setBiosPending({ [change.name]: change.to }));
      expect(error).toBeInstanceOf(NotSupportedError);
      expect(String(error)).toMatch(/licen[cs]e/i);
      expect((await unlicensed.settle(d.bios())).pending).toEqual({});
    }
    const t = await start(flavour, { initialPower: 'On', ...(license === undefined ? {} : { licenses: [license] }) });
    const driver = t.driver();
    const before = await t.settle(driver.bios());
    expect(Object.keys(before.current).sort()).toEqual(data.bios.attributes.map((a) => a.name).sort());
    expect(before.current[change.name]).toBe(change.from);
    expect(before.pending).toEqual({});
    expect(before.applyTimes).toContain('OnReset');

    const staged = await t.settle(driver.setBiosPending({ [change.name]: change.to }));
    expect(staged.resetRequired).toBe(true);
    if (data.bios.apply === 'job') {
      // iDRAC: the PATCH with @Redfish.SettingsApplyTime creates the config job (field note 7, peer 12).
      expect(staged.apply).toMatchObject({ kind: 'job', jobUri: expect.stringMatching(new RegExp(`^/redfish/v1/Managers/${data.ids.manager.replace(/\./g, '\\.')}/Jobs/JID_\\d+$`)) });
    } else {
      expect(staged.apply).toEqual({ kind: 'on-reset' });
    }
    const pending = await t.settle(driver.bios());
    expect(pending.pending).toEqual({ [change.name]: change.to });
    expect(pending.current[change.name]).toBe(change.from); // nothing applied before the reset
    const patched = requests().filter((r) => r.startsWith('PATCH'));
    expect(patched).toEqual([`PATCH /redfish/v1/Systems/${data.ids.system}/Bios/${data.bios.settingsSegment}`]);

    await rebootAndWait(t, driver);
    const after = await t.settle(driver.bios());
    expect(after.current[change.name]).toBe(change.to);
    expect(after.pending).toEqual({});
    if (staged.apply.kind === 'job' && staged.apply.jobUri !== undefined) {
      expect((await raw(t, 'GET', staged.apply.jobUri)).body).toMatchObject({ JobState: 'Completed', PercentComplete: 100 });
    }
  });

  it(data.storage.volumes === 'standard' ? 'creates, lists and deletes a RAID1 volume with the capacity the controller computes' : 'reports RAID as NotSupported (no standard Volumes)', async () => {
    const t = await start(flavour, { initialPower: 'On' });
    const driver = t.driver();
    const drives = (await t.settle(driver.inventory())).drives;
    expect(drives).toHaveLength(DEFAULT_HARDWARE.disks.length);
    const spec = { raidLevel: 'RAID1' as const, drives: [drives[0]!.id, drives[1]!.id], name: 'os' };
    if (data.storage.volumes === 'none') {
      // iLO 5: SmartArray volumes are OEM-only; nothing standard to list or create.
      expect(await failure(t, driver.createVolume(spec))).toBeInstanceOf(NotSupportedError);
      expect(await failure(t, driver.volumes())).toBeInstanceOf(NotSupportedError);
      return;
    }
    expect(await t.settle(driver.volumes())).toEqual([]);
    const onReset = data.storage.defaultApplyTime === 'OnReset' && !data.storage.applyTimes.includes('Immediate');
    const created = await t.settle(driver.createVolume(spec));
    if (onReset) {
      expect(created.kind).toBe(data.tasks.managerJobs ? 'job' : 'on-reset');
      expect(await t.settle(driver.volumes())).toEqual([]); // waits for the reset
      await rebootAndWait(t, driver);
    } else {
      expect(created).toMatchObject({ kind: 'done', id: expect.stringContaining('/Volumes/') });
    }
    const volumes = await t.settle(driver.volumes());
    expect(volumes).toHaveLength(1);
    const expectedBytes = raidCapacityBytes('RAID1', [DEFAULT_HARDWARE.disks[0]!.sizeGB * 1e9, DEFAULT_HARDWARE.disks[1]!.sizeGB * 1e9]);
    expect(volumes[0]).toMatchObject({ name: 'os', raidLevel: 'RAID1', capacityBytes: expectedBytes, drives: spec.drives });

    const deleted = await t.settle(driver.deleteVolume(volumes[0]!.id));
    if (onReset) {
      expect(deleted.kind).toBe(data.tasks.managerJobs ? 'job' : 'on-reset');
      await rebootAndWait(t, driver);
    } else {
      expect(deleted.kind).toBe('done');
    }
    expect(await t.settle(driver.volumes())).toEqual([]);
  });

  it('inserts and ejects virtual media', async () => {
    const t = await start(flavour);
    const driver = t.driver();
    const image = 'http://127.0.0.1:8080/images/installer.iso';
    const slots = await t.settle(driver.virtualMedia());
    expect(slots.map((s) => s.id.split('/').pop())).toEqual(data.virtualMedia.slots.map((s) => s.id));
    expect(slots.every((s) => !s.inserted)).toBe(true);
    const slot = await t.settle(driver.insertMedia({ imageUrl: image, type: 'CD' }));
    const cdSlot = data.virtualMedia.slots.find((s) => s.mediaTypes.includes('CD'))!;
    expect(slot.split('/').pop()).toBe(cdSlot.id);
    expect((await t.settle(driver.virtualMedia())).find((s) => s.id === slot)).toMatchObject({ inserted: true, image });
    expect(await t.settle(driver.insertMedia({ imageUrl: image, type: 'CD' }))).toBe(slot); // the same image again: a no-op
    await t.settle(driver.ejectMedia(slot));
    expect((await t.settle(driver.virtualMedia())).every((s) => !s.inserted && s.image === undefined)).toBe(true);
    await t.settle(driver.ejectMedia()); // nothing inserted: a no-op
  });

  it('subscribes a loopback listener to events and receives the power events', async () => {
    const t = await start(flavour);
    const received: Array<{ Context?: string; Events: Array<{ MessageId: string; OriginOfCondition: { '@odata.id': string } }> }> = [];
    t.listen('127.0.0.1:9443', async (request) => {
      received.push((await request.json()) as (typeof received)[number]);
      return new Response(null, { status: 204 });
    });
    const driver = t.driver();
    const subscription = await t.settle(driver.subscribe({ destination: 'http://127.0.0.1:9443/events', context: 'drill-test' }));
    expect(subscription.id).toMatch(/^\/redfish\/v1\/EventService\/Subscriptions\/\d+$/);
    await powerOnAndBoot(t, driver);
    await until(t, () => received.flatMap((r) => r.Events).some((e) => /ResourcePoweredOn$/.test(e.MessageId)), 1_000);
    const events = received.flatMap((r) => r.Events);
    expect(received.every((r) => r.Context === 'drill-test')).toBe(true);
    expect(events.map((e) => e.MessageId.replace(/^ResourceEvent\.[\d.]+\./, ''))).toEqual(['ResourcePoweringOn', 'ResourcePoweredOn']);
    expect(events.every((e) => e.OriginOfCondition['@odata.id'] === `/redfish/v1/Systems/${data.ids.system}`)).toBe(true);

    await t.settle(driver.unsubscribe(subscription.id));
    await t.settle(driver.power('ForceOff'));
    await t.clock.runFor(1_000);
    expect(received.flatMap((r) => r.Events)).toHaveLength(2); // no more after unsubscribing
  });
});

describe.each(REDFISH_FLAVOURS)('RedfishDriver ↔ twin RedfishBmc (%s): sessions and faults', (flavour) => {
  const data = REDFISH_FLAVOUR_DATA[flavour];

  it('logs in once, logs in again after the session times out (401), and logs out on close', async () => {
    const t = await start(flavour);
    const driver = t.driver();
    await t.settle(driver.probe());
    for (let i = 0; i < 3; i++) await t.settle(driver.powerState());
    const logins = (): number => requests().filter((r) => r === `POST ${SESSIONS}`).length;
    expect(logins()).toBe(1);
    expect(await bmcSessionCount(t)).toBe(1);

    await t.clock.runFor(data.sessions.defaultTimeoutSeconds * 1_000 + 1); // idle past the BMC's session timeout
    expect(await bmcSessionCount(t)).toBe(0);
    expect(await t.settle(driver.powerState())).toBe('Off');
    expect(logins()).toBe(2);
    expect(traced('http.response').some((r) => r.status === 401)).toBe(true);
    expect(await bmcSessionCount(t)).toBe(1);

    await t.settle(driver.close());
    expect(await bmcSessionCount(t)).toBe(0);
    expect(requests().filter((r) => r.startsWith(`DELETE ${SESSIONS}/`))).toHaveLength(1);
  });

  it(`backs off while the BMC's ${data.sessions.limit} sessions are taken, gets in once one is freed, and frees its own on close`, async () => {
    const t = await start(flavour);
    const taken: Array<{ token: string; location: string }> = [];
    for (let i = 0; i < data.sessions.limit; i++) {
      const r = await raw(t, 'POST', SESSIONS, { UserName: REDFISH_ADMIN.user, Password: REDFISH_ADMIN.password });
      expect(r.status).toBe(201);
      taken.push({ token: r.headers.get('x-auth-token')!, location: r.headers.get('location')! });
    }
    expect((await raw(t, 'POST', SESSIONS, { UserName: REDFISH_ADMIN.user, Password: REDFISH_ADMIN.password })).status).toBe(503);
    const freeAfterMs = 45_000;
    const startedMs = t.clock.now();
    t.clock.setTimeout(() => void fetch(`${t.endpoint}${taken[0]!.location}`, { method: 'DELETE', headers: { 'X-Auth-Token': taken[0]!.token } }), freeAfterMs);
    const driver = t.driver();
    expect(await t.settle(driver.powerState())).toBe('Off');
    expect(t.clock.now() - startedMs).toBeGreaterThanOrEqual(freeAfterMs);
    expect(traced('http.response').filter((r) => r.status === 503).length).toBeGreaterThanOrEqual(2);
    expect(await bmcSessionCount(t)).toBe(data.sessions.limit);
    await t.settle(driver.close());
    expect(await bmcSessionCount(t)).toBe(data.sessions.limit - 1);
  });

  it('rides out the slow and flaky modifiers with retries: every call succeeds', async () => {
    const t = await start(flavour, { modifiers: ['slow', 'flaky'], initialPower: 'On' });
    const driver = t.driver();
    expect((await t.settle(driver.probe())).profile).toBe(PROFILE[flavour]);
    for (let i = 0; i < 10; i++) expect(await t.settle(driver.powerState())).toBe('On');
    expect((await t.settle(driver.inventory())).nics).toHaveLength(DEFAULT_HARDWARE.nics.length);
    expect(Object.keys((await t.settle(driver.bios())).current)).toHaveLength(data.bios.attributes.length);
    await t.settle(driver.setBootOverride({ device: 'Pxe', persistent: false, mode: 'UEFI' }));
    await rebootAndWait(t, driver);
    expect(t.server.lastBoot).toMatchObject({ device: 'Pxe' });
    await t.settle(driver.power('ForceOff'));
    expect(t.server.power).toBe('Off');
    const strikes = traced('fault.strike').map((e) => String(e.id));
    expect(strikes.filter((id) => id.endsWith(':slow')).length).toBeGreaterThan(20);
    console.log(`${flavour}: ${strikes.length} fault strikes (${[...new Set(strikes)].join(', ')}) over ${traced('http.request').length} requests; every call succeeded`);
  });

  it('retries through a window of 503s and still succeeds', async () => {
    const plan: FaultPlanData = { faults: [{ id: 'unavailable', target: BMC, kind: 'error', status: 503, window: { fromMs: 0, toMs: 3_000 } }] };
    const t = await start(flavour, { faults: plan });
    const driver = t.driver();
    expect((await t.settle(driver.probe())).profile).toBe(PROFILE[flavour]);
    await t.settle(driver.power('On'));
    expect(t.server.power).toBe('PoweringOn');
    expect(traced('fault.strike').filter((e) => e.id === 'unavailable').length).toBeGreaterThanOrEqual(1);
    expect(t.clock.now()).toBeGreaterThanOrEqual(3_000);
  });

  it('reports a wrong password as BmcAuthError, and the wrong-credentials fault too', async () => {
    const t = await start(flavour, { faults: { faults: [{ target: BMC, kind: 'wrong-credentials', window: { fromMs: 0, toMs: 1_000 } }] } });
    const wrong = await failure(t, t.driver({ credentials: { username: REDFISH_ADMIN.user, password: 'not-the-password' } }).probe());
    expect(wrong).toBeInstanceOf(BmcAuthError);
    expect((wrong as BmcAuthError).retryable).toBe(false);
    expect(await failure(t, t.driver().probe())).toBeInstanceOf(BmcAuthError);
    await t.clock.runFor(1_000);
    expect((await t.settle(t.driver().probe())).manufacturer).toBe(REDFISH_FLAVOUR_DATA[flavour].vendor.manufacturer);
    expect(await bmcSessionCount(t)).toBe(1);
  });

  it('gives up with BmcUnreachableError when the BMC drops everything for longer than the timeout, and recovers after', async () => {
    const plan: FaultPlanData = { faults: [{ id: 'cut-off', target: BMC, kind: 'drop', window: { fromMs: 10_000, toMs: 200_000 } }] };
    const t = await start(flavour, { faults: plan });
    const driver = t.driver({ timeoutMs: 5_000 });
    expect(await t.settle(driver.powerState())).toBe('Off'); // a session before the cut
    await t.clock.runFor(10_000);
    const startedMs = t.clock.now();
    const error = await failure(t, driver.powerState());
    expect(error).toBeInstanceOf(BmcUnreachableError);
    expect((error as BmcUnreachableError).retryable).toBe(true);
    expect(String(error)).toMatch(/no answer within 5000 ms/);
    expect(t.clock.now() - startedMs).toBeLessThan(190_000);
    // A fresh driver fails the same way during the cut-off.
    expect(await failure(t, t.driver({ timeoutMs: 5_000 }).probe())).toBeInstanceOf(BmcUnreachableError);
    await t.clock.runFor(200_000 - t.faults.elapsedMs());
    expect(await t.settle(driver.powerState())).toBe('Off');
  });

  it('gives the same trace for the same seed, byte for byte', async () => {
    const run = async (seed: number): Promise<{ digest: string; lines: string[] }> => {
      const lines = new MemoryTraceSink();
      const t = await startModelRedfishTwin({ seed, flavour, sink: lines, modifiers: ['slow', 'flaky'] });
      try {
        const driver = t.driver();
        await t.settle(driver.probe());
        await t.settle(driver.setBootOverride({ device: 'Pxe', persistent: false, mode: 'UEFI' }));
        await t.settle(driver.power('On'));
        await t.clock.runUntil(() => t.server.power === 'On', { timeoutMs: 30_000 });
        await t.settle(Promise.all([driver.inventory(), driver.bios(), driver.virtualMedia()]));
        await t.settle(driver.power('GracefulShutdown'));
      } finally {
        await t.dispose();
      }
      return { digest: t.trace.finish(), lines: lines.lines };
    };
    await twin?.dispose();
    twin = undefined;
    const a = await run(SEED);
    const b = await run(SEED);
    expect(b.lines.length).toBe(a.lines.length);
    expect(b.lines).toEqual(a.lines);
    expect(b.digest).toBe(a.digest);
    const other = await run(SEED + 1);
    expect(other.digest).not.toBe(a.digest);
    console.log(`${flavour} seed=${SEED}: ${a.lines.length} trace events, sha256 ${a.digest.slice(0, 16)}…`);
  });
});

describe('RedfishDriver ↔ a BMC that advertises $expand but refuses it', () => {
  it('reads the collections member by member instead, and gets the same inventory', async () => {
    const t = await start('dell-idrac9');
    const expanded = await t.settle(t.driver().inventory());
    // iDRAC answers 400, 404 or 405 to $expand on resources it does not expand (iDRAC9 Redfish API guide).
    t.listen('127.1.1.2:443', (request) =>
      new URL(request.url).searchParams.has('$expand') ? Response.json({ error: { code: 'Base.1.22.QueryNotSupportedOnResource', message: 'Querying is not supported on the requested resource.' } }, { status: 400 }) : t.bmc.fetch(request),
    );
    const before = requests().length;
    const refusing = new RedfishDriver({
      endpoint: 'https://127.1.1.2',
      credentials: { username: REDFISH_ADMIN.user, password: REDFISH_ADMIN.password },
      clock: t.clock,
      random: new SeededRandom(SEED),
      timeoutMs: 10_000,
      transport: new MessageTransport({ send: t.network.send }),
    });
    const plain = await t.settle(refusing.inventory());
    await t.settle(refusing.close());
    expect(plain).toEqual(expanded);
    expect(requests().slice(before).filter((r) => r.startsWith('GET /redfish/v1/Systems/System.Embedded.1/Memory/'))).toHaveLength(DEFAULT_HARDWARE.memory.dimms);
  });
});
