// Power, boot override, BIOS, volumes, virtual media, tasks and events per flavour, in model
// fidelity: requests go through InProcessHttpNetwork on a VirtualClock, deterministically.
import { afterEach, describe, expect, it } from 'vitest';
import { FaultInjector, FaultPlan, InProcessHttpNetwork, SeededRandom, VirtualClock, type FaultSpec } from '../../../sim/index.js';
import { modifierFaults, RedfishBmc, REDFISH_FLAVOUR_DATA, REDFISH_FLAVOURS, type RedfishBmcOptions, type RedfishFlavourName } from '../../../twins/redfish/index.js';
import { SimulatedServer } from '../../../twins/server/index.js';
import { ADMIN, BASIC, identity } from './harness.js';

interface ModelTwin {
  clock: VirtualClock;
  server: SimulatedServer;
  bmc: RedfishBmc;
  network: InProcessHttpNetwork;
  req(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  dispose(): void;
}

let current: ModelTwin | undefined;
afterEach(() => {
  current?.dispose();
  current = undefined;
});

function modelTwin(flavour: RedfishFlavourName, options: { seed?: number; faults?: FaultSpec[]; extra?: Partial<RedfishBmcOptions> } = {}): ModelTwin {
  const clock = new VirtualClock();
  const random = new SeededRandom(options.seed ?? 1);
  const faults = options.faults ? new FaultInjector({ plan: FaultPlan.parse({ faults: options.faults }), clock, random: random.fork('faults') }) : undefined;
  const network = InProcessHttpNetwork.attach({ clock, random: random.fork('net'), ...(faults ? { faults } : {}) });
  const server = new SimulatedServer({ name: 'node:r1-s1', identity: identity(), clock, random: random.fork('server') });
  const bmc = new RedfishBmc({ server, flavour, clock, random: random.fork('bmc'), credentials: ADMIN, ...(faults ? { faults } : {}), ...options.extra });
  const listener = bmc.listen(network, '127.1.0.1:443');
  const twin: ModelTwin = {
    clock,
    server,
    bmc,
    network,
    async req(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { Authorization: BASIC, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers } };
      if (body !== undefined) init.body = JSON.stringify(body);
      const response = await fetch(`https://127.1.0.1${path}`, init);
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers };
    },
    dispose() {
      void listener.dispose();
      network.dispose();
      bmc.dispose();
      server.dispose();
    },
  };
  current = twin;
  return twin;
}

const paths = (f: RedfishFlavourName) => {
  const d = REDFISH_FLAVOUR_DATA[f];
  const sys = `/redfish/v1/Systems/${d.ids.system}`;
  return { d, sys, reset: `${sys}/Actions/ComputerSystem.Reset`, settings: `${sys}/Bios/${d.bios.settingsSegment}`, storage: `${sys}/Storage/${d.ids.storage}`, mgr: `/redfish/v1/Managers/${d.ids.manager}` };
};

describe.each(REDFISH_FLAVOURS)('%s in model fidelity', (flavour) => {
  it('powers on through POST (PoweringOn visible), restarts gracefully and forces off', async () => {
    const t = modelTwin(flavour);
    const { reset, sys, d } = paths(flavour);
    expect((await t.req('GET', sys)).body.PowerState).toBe('Off');
    expect([200, 204]).toContain((await t.req('POST', reset, { ResetType: 'On' })).status);
    expect((await t.req('GET', sys)).body.PowerState).toBe('PoweringOn');
    await t.clock.runFor(3_000);
    expect((await t.req('GET', sys)).body.PowerState).toBe('On');
    await t.clock.runFor(d.power.busyAfterResetMs);
    expect((await t.req('POST', reset, { ResetType: 'GracefulRestart' })).status).toBeLessThan(300);
    expect((await t.req('GET', sys)).body.PowerState).toBe('PoweringOff');
    await t.clock.runUntil(() => t.server.power === 'PoweringOn', { timeoutMs: 5_000 });
    await t.clock.runFor(3_000);
    expect((await t.req('GET', sys)).body.PowerState).toBe('On');
    await t.clock.runFor(d.power.busyAfterResetMs);
    expect((await t.req('POST', reset, { ResetType: 'ForceOff' })).status).toBeLessThan(300);
    expect((await t.req('GET', sys)).body.PowerState).toBe('Off');
    const refused = await t.req('POST', reset, { ResetType: 'ForceRestart' });
    expect(refused.status).toBe(d.power.busyAfterResetMs > 0 ? 400 : 409);
  });

  it('sets a one-time PXE override that the next boot consumes', async () => {
    const t = modelTwin(flavour);
    const { sys, reset } = paths(flavour);
    const patched = await t.req('PATCH', sys, { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once', BootSourceOverrideMode: 'UEFI' } });
    expect([200, 204]).toContain(patched.status);
    expect((await t.req('GET', sys)).body.Boot).toMatchObject({ BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once', BootSourceOverrideMode: 'UEFI' });
    await t.req('POST', reset, { ResetType: 'On' });
    expect(t.server.lastBoot?.device).toBe('Pxe');
    expect((await t.req('GET', sys)).body.Boot).toMatchObject({ BootSourceOverrideTarget: 'None', BootSourceOverrideEnabled: 'Disabled' });
  });

  it('holds BIOS changes as pending and applies them only as the flavour says', async () => {
    const t = modelTwin(flavour, { extra: { licenses: ['SFT-DCMS-SINGLE'] } });
    const { d, sys, settings, reset, mgr } = paths(flavour);
    const attr = d.bios.attributes.find((a) => a.type === 'Enumeration' && !a.readOnly)!;
    const next = attr.type === 'Enumeration' ? attr.values.find((v) => v !== attr.defaultValue)! : '';
    const etag = (await t.req('GET', settings)).headers.get('etag')!;
    // Bad input first: every problem named, nothing pending.
    const bad = await t.req('PATCH', settings, { Attributes: { [attr.name]: 'Nonsense', NoSuchAttr: 1 } }, { 'If-Match': etag });
    expect(bad.status).toBe(400);
    expect(bad.body.error['@Message.ExtendedInfo'].map((m: { MessageId: string }) => m.MessageId)).toEqual(['Base.1.22.PropertyValueNotInList', 'Base.1.22.PropertyUnknown']);
    const readOnly = d.bios.attributes.find((a) => a.readOnly);
    if (readOnly) expect((await t.req('PATCH', settings, { Attributes: { [readOnly.name]: 'x' } }, { 'If-Match': etag })).body.error.code).toBe('Base.1.22.PropertyNotWritable');
    if (d.bios.requireIfMatch) {
      expect((await t.req('PATCH', settings, { Attributes: { [attr.name]: next } })).status).toBe(428);
      expect((await t.req('PATCH', settings, { Attributes: { [attr.name]: next } }, { 'If-Match': '"old"' })).status).toBe(412);
    }
    const ok = await t.req('PATCH', settings, { Attributes: { [attr.name]: next } }, { 'If-Match': etag });
    expect([200, 204]).toContain(ok.status);
    expect((await t.req('GET', settings)).body.Attributes[attr.name]).toBe(next);
    expect((await t.req('GET', `${sys}/Bios`)).body.Attributes[attr.name]).toBe(attr.defaultValue);
    await t.req('POST', reset, { ResetType: 'On' });
    await t.clock.runFor(3_000);
    const applied = (await t.req('GET', `${sys}/Bios`)).body.Attributes[attr.name];
    if (d.bios.apply === 'job') {
      // iDRAC: a reset alone does not apply pending BIOS settings; a config job does (field note 12).
      expect(applied).toBe(attr.defaultValue);
      const job = await t.req('POST', `${mgr}/Jobs`, { TargetSettingsURI: settings });
      expect(job.status).toBe(200);
      const location = job.headers.get('location')!;
      expect((await t.req('GET', location)).body.JobState).toBe('Pending');
      await t.req('POST', reset, { ResetType: 'ForceRestart' });
      expect((await t.req('GET', location)).body.JobState).toBe('Running');
      await t.clock.runFor(3_000);
      expect((await t.req('GET', location)).body).toMatchObject({ JobState: 'Completed', PercentComplete: 100 });
      expect((await t.req('GET', `${sys}/Bios`)).body.Attributes[attr.name]).toBe(next);
    } else {
      expect(applied).toBe(next);
    }
  });

  it('creates and deletes RAID volumes with honest capacities (or has no standard Volumes)', async () => {
    const t = modelTwin(flavour);
    const { d, storage, reset } = paths(flavour);
    const drive = (i: number) => ({ '@odata.id': `${storage}/Drives/${d.ids.drive(i)}` });
    if (d.storage.volumes === 'none') {
      expect((await t.req('GET', storage)).body.Volumes).toBeUndefined();
      expect((await t.req('POST', `${storage}/Volumes`, { RAIDType: 'RAID1', Links: { Drives: [drive(0), drive(1)] } })).status).toBe(404);
      return;
    }
    const wrongCount = await t.req('POST', `${storage}/Volumes`, { RAIDType: 'RAID1', Links: { Drives: [drive(0), drive(1), drive(2)] } });
    expect(wrongCount.body.error.code).toBe('Base.1.22.PropertyValueConflict');
    const made = await t.req('POST', `${storage}/Volumes`, { RAIDType: 'RAID5', Links: { Drives: [drive(0), drive(1), drive(2)] }, Name: 'data' });
    if (d.storage.defaultApplyTime === 'Immediate') {
      expect(made.status).toBe(201);
    } else {
      expect(made.status).toBe(202);
      expect((await t.req('GET', `${storage}/Volumes`)).body.Members).toEqual([]);
      await t.req('POST', reset, { ResetType: 'On' });
      await t.clock.runFor(3_000);
    }
    const volumes = (await t.req('GET', `${storage}/Volumes`)).body.Members;
    expect(volumes).toHaveLength(1);
    const volume = (await t.req('GET', volumes[0]['@odata.id'])).body;
    expect(volume).toMatchObject({ RAIDType: 'RAID5', Name: 'data', CapacityBytes: 2 * 960_000_000_000 });
    const inUse = await t.req('POST', `${storage}/Volumes`, { RAIDType: 'RAID0', Links: { Drives: [drive(2)] } });
    expect(inUse.body.error.code).toBe('Base.1.22.ResourceInUse');
    const raid0 = await t.req('POST', `${storage}/Volumes`, { RAIDType: 'RAID0', Links: { Drives: [drive(3)] }, CapacityBytes: 2_000_000_000_000 });
    expect(raid0.body.error.code).toBe('Base.1.22.PropertyValueOutOfRange');
    const deleted = await t.req('DELETE', volumes[0]['@odata.id']);
    if (d.storage.defaultApplyTime === 'Immediate') expect(deleted.status).toBe(204);
    else {
      expect(deleted.status).toBe(202);
      await t.req('POST', reset, { ResetType: 'ForceRestart' });
    }
    expect((await t.req('GET', `${storage}/Volumes`)).body.Members).toEqual([]);
  });

  it('inserts and ejects virtual media the flavour’s way', async () => {
    const t = modelTwin(flavour);
    const { d, sys, mgr } = paths(flavour);
    const base = d.virtualMedia.under === 'system' ? `${sys}/VirtualMedia` : `${mgr}/VirtualMedia`;
    const slot = `${base}/${d.virtualMedia.slots[0]!.id}`;
    if (!d.virtualMedia.actions) {
      expect((await t.req('PATCH', slot, { Image: 'http://127.0.0.1/boot.iso' })).body.error.code).toBe('Base.1.22.PropertyMissing');
      expect([200, 204]).toContain((await t.req('PATCH', slot, { Image: 'http://127.0.0.1/boot.iso', Inserted: true })).status);
      expect((await t.req('GET', slot)).body).toMatchObject({ Inserted: true, Image: 'http://127.0.0.1/boot.iso' });
      expect([200, 204]).toContain((await t.req('PATCH', slot, { Image: null, Inserted: false })).status);
      expect((await t.req('GET', slot)).body.Inserted).toBe(false);
      return;
    }
    const insert = `${slot}/Actions/VirtualMedia.InsertMedia`;
    if (d.virtualMedia.insertRefusesInsertedFlags) {
      expect((await t.req('POST', insert, { Image: 'http://127.0.0.1/boot.iso', Inserted: true })).body.error.code).toBe('Base.1.22.ActionParameterNotSupported');
      expect((await t.req('POST', insert, { Image: 'http://127.0.0.1/boot.iso?x=1' })).status).toBe(400);
    }
    expect((await t.req('POST', insert, { Image: 'http://127.0.0.1/boot.iso' })).status).toBe(204);
    expect((await t.req('POST', insert, { Image: 'http://127.0.0.1/other.iso' })).status).toBe(409);
    expect((await t.req('GET', slot)).body).toMatchObject({ Inserted: true, ConnectedVia: 'URI', ImageName: 'boot.iso' });
    const eject = `${slot}/Actions/VirtualMedia.EjectMedia`;
    if (d.virtualMedia.ejectNeedsJsonBody) {
      const bare = await fetch(`https://127.1.0.1${eject}`, { method: 'POST', headers: { Authorization: BASIC } });
      expect(bare.status).toBe(415);
    }
    expect((await t.req('POST', eject, {})).status).toBe(204);
    expect((await t.req('GET', slot)).body.Inserted).toBe(false);
  });

  it('runs a firmware update as a task with a monitor', async () => {
    const t = modelTwin(flavour, { extra: { licenses: ['SFT-DCMS-SINGLE'] } });
    const { d } = paths(flavour);
    const started = await t.req('POST', '/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate', { ImageURI: 'http://127.0.0.1/fw/bios-9.9.1.bin' });
    expect(started.status).toBe(202);
    const monitor = started.headers.get('location')!;
    if (d.tasks.monitor === 'task-subpath') expect(monitor).toMatch(/\/TaskService\/Tasks\/\d+\/Monitor$/);
    const running = await t.req('GET', monitor);
    if (d.tasks.managerJobs) expect(running.body.JobState).toBe('New');
    else {
      expect(running.status).toBe(202);
      expect(running.body.TaskState).toBe(d.tasks.firstState);
    }
    await t.clock.runFor(d.update.durationMs + 1_000);
    const done = await t.req('GET', monitor);
    expect(done.status).toBe(200);
    const bios = (await t.req('GET', `/redfish/v1/UpdateService/FirmwareInventory/${d.ids.firmwareBios}`)).body;
    expect(bios.Version).toBe('9.9.1');
    const again = await t.req('GET', monitor);
    // Lenovo XCC deletes a finished task when its monitor is read (field note 22).
    expect(again.status).toBe(d.tasks.finishedMonitorGetDeletes ? 404 : 200);
  });
});

describe('flavour-specific behaviour', () => {
  it('supermicro: BIOS writes and updates answer 403 LicenseRequired without the license', async () => {
    const t = modelTwin('supermicro');
    const settings = '/redfish/v1/Systems/1/Bios/Settings';
    const r = await t.req('PATCH', settings, { Attributes: { QuietBoot: false } });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'Base.1.22.LicenseRequired', message: 'A license is required for this operation: SFT-DCMS-SINGLE.' });
    expect((await t.req('POST', '/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate', { ImageURI: 'http://127.0.0.1/fw.bin' })).status).toBe(403);
    expect((await t.req('GET', '/redfish/v1/Systems/1/Bios')).status).toBe(200);
  });

  it('supermicro: UsbCd target; a target change without Enabled reverts to Once and resets the mode', async () => {
    const t = modelTwin('supermicro');
    await t.req('PATCH', '/redfish/v1/Systems/1', { Boot: { BootSourceOverrideTarget: 'Hdd', BootSourceOverrideEnabled: 'Continuous', BootSourceOverrideMode: 'Legacy' } });
    await t.req('PATCH', '/redfish/v1/Systems/1', { Boot: { BootSourceOverrideTarget: 'UsbCd' } });
    expect((await t.req('GET', '/redfish/v1/Systems/1')).body.Boot).toMatchObject({ BootSourceOverrideTarget: 'UsbCd', BootSourceOverrideEnabled: 'Once', BootSourceOverrideMode: 'UEFI' });
    expect(t.server.bootOverride.device).toBe('Cd');
    expect((await t.req('PATCH', '/redfish/v1/Systems/1', { Boot: { BootSourceOverrideTarget: 'Cd' } })).body.error.code).toBe('Base.1.22.PropertyValueNotInList');
  });

  it('lenovo-xcc: refuses a Continuous override (Once/Disabled only)', async () => {
    const t = modelTwin('lenovo-xcc');
    const r = await t.req('PATCH', '/redfish/v1/Systems/1', { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Continuous' } });
    expect(r.body.error.code).toBe('Base.1.22.PropertyValueNotInList');
    expect((await t.req('GET', '/redfish/v1/Systems/1')).body.Boot['BootSourceOverrideEnabled@Redfish.AllowableValues']).toEqual(['Once', 'Disabled']);
  });

  it('dell-idrac9: a BIOS PATCH carrying @Redfish.SettingsApplyTime creates the config job (202 + Location)', async () => {
    const t = modelTwin('dell-idrac9');
    const r = await t.req('PATCH', '/redfish/v1/Systems/System.Embedded.1/Bios/Settings', { Attributes: { LogicalProc: 'Disabled' }, '@Redfish.SettingsApplyTime': { ApplyTime: 'OnReset' } });
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toMatch(/^\/redfish\/v1\/Managers\/iDRAC\.Embedded\.1\/Jobs\/JID_\d{12}$/);
    expect((await t.req('GET', '/redfish/v1/Systems/System.Embedded.1')).body).toMatchObject({ SKU: 'SN000001', SerialNumber: 'BRD000001' });
    await t.req('POST', '/redfish/v1/Systems/System.Embedded.1/Actions/ComputerSystem.Reset', { ResetType: 'On' });
    await t.clock.runFor(3_000);
    expect((await t.req('GET', '/redfish/v1/Systems/System.Embedded.1/Bios')).body.Attributes.LogicalProc).toBe('Disabled');
    expect((await t.req('DELETE', '/redfish/v1/Systems/System.Embedded.1/Storage/RAID.Integrated.1-1/Volumes/0', { '@Redfish.OperationApplyTime': 'OnReset' })).status).toBe(404);
  });

  it('streams power events over SSE and posts them to loopback subscribers; refuses other destinations', async () => {
    const t = modelTwin('openbmc');
    const received: unknown[] = [];
    const sink = t.network.listen('127.0.0.1:9000', async (request) => {
      received.push(await request.json());
      return new Response(null, { status: 204 });
    });
    expect((await t.req('POST', '/redfish/v1/EventService/Subscriptions', { Destination: 'https://example.com/x', Protocol: 'Redfish' })).status).toBe(400);
    expect((await t.req('POST', '/redfish/v1/EventService/Subscriptions', { Destination: 'http://127.0.0.1:9000/events', Protocol: 'Redfish', Context: 'ctx-1' })).status).toBe(201);
    const response = await fetch('https://127.1.0.1/redfish/v1/EventService/SSE', { headers: { Authorization: BASIC } });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    await t.req('POST', '/redfish/v1/Systems/system/Actions/ComputerSystem.Reset', { ResetType: 'On' });
    await t.clock.runFor(3_000);
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('ResourcePoweredOn')) text += decoder.decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain('ResourceEvent.1.4.ResourcePoweringOn');
    await t.clock.runFor(10);
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(received[0]).toMatchObject({ Context: 'ctx-1', Events: [{ MessageId: 'ResourceEvent.1.4.ResourcePoweringOn', OriginOfCondition: { '@odata.id': '/redfish/v1/Systems/system' } }] });
    void sink.dispose();
  });
});

describe('modifiers and determinism', () => {
  it('slow: requests take the modifier latency in virtual time; flaky: some fail, the same ones for the same seed', async () => {
    const outcomes = async (seed: number): Promise<string> => {
      const t = modelTwin('dmtf', { seed, faults: [...modifierFaults('r1-s1', ['slow', 'flaky'])] });
      const seen: string[] = [];
      for (let i = 0; i < 60; i++) {
        const start = t.clock.now();
        const pending = fetch('https://127.1.0.1/redfish/v1/Systems/1', { headers: { Authorization: BASIC }, signal: AbortSignal.timeout(60_000) })
          .then((r) => String(r.status))
          .catch((e: Error) => (e.cause as { code?: string } | undefined)?.code ?? 'dropped');
        const done = { v: undefined as string | undefined };
        void pending.then((v) => (done.v = v));
        await t.clock.runUntil(() => done.v !== undefined, { timeoutMs: 10_000 }).catch(() => undefined);
        seen.push(`${done.v ?? 'dropped'}@${t.clock.now() - start}`);
      }
      t.dispose();
      current = undefined;
      return seen.join(' ');
    };
    const a = await outcomes(5);
    expect(a).toBe(await outcomes(5));
    const entries = a.split(' ').map((e) => e.split('@') as [string, string]);
    expect(entries.filter(([status]) => status === '200').every(([, ms]) => Number(ms) >= 500 && Number(ms) <= 2_500)).toBe(true);
    expect(entries.some(([status]) => status !== '200')).toBe(true);
  });
});
