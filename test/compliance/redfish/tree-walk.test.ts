// Walks the whole resource tree of every flavour, following every @odata.id (and
// registry file locations), and validates every body against DMTF's JSON schemas.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { REDFISH_FLAVOURS, REDFISH_FLAVOUR_DATA, defaultSharedDir } from '../../../twins/redfish/index.js';
import { makeTwin, type Twin } from '../../twins/redfish/harness.js';
import { RedfishSchemas } from './schema-validator.js';

const SCHEMAS = resolve(defaultSharedDir(), 'redfish/json-schema');
let schemas: RedfishSchemas;

beforeAll(() => {
  if (!existsSync(SCHEMAS)) throw new Error(`${SCHEMAS} is missing — the shared DMTF data must sit at ../shared next to the repository`);
  schemas = new RedfishSchemas(SCHEMAS);
});

/** Every link-like string worth following in a body. */
function links(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) links(v, out);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if ((key === '@odata.id' || key === 'Uri') && typeof v === 'string' && v.startsWith('/redfish/v1') && !v.includes('#')) out.add(v);
      else links(v, out);
    }
  }
}

/** Puts something in every usually-empty collection so its members get checked too. */
async function populate(twin: Twin): Promise<void> {
  const f = twin.bmc.flavour;
  const sys = `/redfish/v1/Systems/${f.ids.system}`;
  const mgr = `/redfish/v1/Managers/${f.ids.manager}`;
  expect((await twin.json('POST', '/redfish/v1/SessionService/Sessions', { auth: false, body: { UserName: 'admin', Password: 'password1' } })).status).toBe(201);
  expect((await twin.json('POST', '/redfish/v1/EventService/Subscriptions', { body: { Destination: 'http://127.0.0.1:9/events', Protocol: 'Redfish', Context: 'walk' } })).status).toBe(201);
  expect((await twin.json('POST', '/redfish/v1/AccountService/Accounts', { body: { UserName: 'viewer', Password: 'viewer-pass', RoleId: 'ReadOnly' } })).status).toBe(201);
  const vmBase = f.virtualMedia.under === 'system' ? `${sys}/VirtualMedia` : `${mgr}/VirtualMedia`;
  const slot = f.virtualMedia.slots[0]!.id;
  const media = f.virtualMedia.actions
    ? await twin.json('POST', `${vmBase}/${slot}/Actions/VirtualMedia.InsertMedia`, { body: { Image: 'http://127.0.0.1:8080/boot.iso' } })
    : await twin.json('PATCH', `${vmBase}/${slot}`, { body: { Image: 'http://127.0.0.1:8080/boot.iso', Inserted: true } });
  expect(media.status).toBeLessThan(300);
  const settings = `${sys}/Bios/${f.bios.settingsSegment}`;
  const attr = f.bios.attributes.find((a) => a.type === 'Enumeration' && !a.readOnly)!;
  const etag = (await twin.call('GET', settings)).headers.get('etag')!;
  const value = attr.type === 'Enumeration' ? attr.values.find((v) => v !== attr.defaultValue) : undefined;
  const licensed = f.bios.license === undefined;
  const bios = await twin.json('PATCH', settings, { body: { Attributes: { [attr.name]: value } }, headers: { 'If-Match': etag } });
  expect(bios.status).toBe(licensed ? (f.patchReply === 'resource' ? 200 : 204) : 403);
  if (f.tasks.managerJobs) expect((await twin.json('POST', `${mgr}/Jobs`, { body: { TargetSettingsURI: settings } })).status).toBe(200);
  if (f.storage.volumes === 'standard') {
    const drives = [0, 1].map((i) => ({ '@odata.id': `${sys}/Storage/${f.ids.storage}/Drives/${f.ids.drive(i)}` }));
    const made = await twin.json('POST', `${sys}/Storage/${f.ids.storage}/Volumes`, { body: { RAIDType: 'RAID1', Links: { Drives: drives } } });
    expect([201, 202]).toContain(made.status);
  }
  if (f.update.license === undefined) {
    expect((await twin.json('POST', '/redfish/v1/UpdateService/Actions/UpdateService.SimpleUpdate', { body: { ImageURI: 'http://127.0.0.1:8080/bios-2.1.0.bin' } })).status).toBe(202);
  }
  // Power on and let POST finish so sensors read and OnReset work applies.
  twin.server.powerAction('on');
  await twin.clock.runFor(5_000);
}

describe.each(REDFISH_FLAVOURS)('the %s resource tree', (name) => {
  it('validates every resource reachable from the service root against the DMTF schemas', async () => {
    const twin = makeTwin(name);
    await populate(twin);
    const seen = new Set<string>();
    const queue = ['/redfish/v1/', '/redfish/v1/odata', '/redfish/v1/$metadata', '/redfish'];
    const problems: string[] = [];
    const types = new Set<string>();
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      if (path.endsWith('/SSE')) continue; // an event stream, not a resource
      const response = await twin.call('GET', path);
      const text = await response.text();
      if (response.status !== 200) {
        problems.push(`${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
        continue;
      }
      expect(response.headers.get('odata-version'), path).toBe('4.0');
      if (path.endsWith('$metadata')) {
        expect(text).toContain('<edmx:Edmx');
        continue;
      }
      const body = JSON.parse(text) as Record<string, unknown>;
      const out = new Set<string>();
      links(body, out);
      for (const link of out) if (!seen.has(link)) queue.push(link);
      if (path === '/redfish' || path === '/redfish/v1/odata') continue;
      const type = body['@odata.type'];
      if (typeof type !== 'string') {
        problems.push(`${path}: no @odata.type`);
        continue;
      }
      types.add(type);
      const id = body['@odata.id'];
      if (id !== undefined && id !== path) problems.push(`${path}: @odata.id is ${String(id)}`);
      const validate = schemas.forType(type);
      if (!validate) {
        problems.push(`${path}: no published schema for ${type}`);
        continue;
      }
      for (const line of schemas.check(validate, body)) problems.push(`${path} (${type}): ${line}`);
    }
    twin.dispose();
    expect(problems, problems.join('\n')).toEqual([]);
    // The walk really covered the tree: systems, BIOS and its registry, storage, sensors, sessions, tasks.
    const f = REDFISH_FLAVOUR_DATA[name];
    for (const t of ['#ComputerSystem.v1_27_0.ComputerSystem', '#Bios.v1_2_3.Bios', '#AttributeRegistry.v1_4_0.AttributeRegistry', '#Sensor.v1_12_0.Sensor', '#Session.v1_8_0.Session', '#MessageRegistry.v1_7_0.MessageRegistry', '#VirtualMedia.v1_6_5.VirtualMedia', '#EventDestination.v1_16_0.EventDestination', '#Drive.v1_22_0.Drive']) {
      expect(types, `${name} never served ${t}`).toContain(t);
    }
    if (f.storage.volumes === 'standard') expect(types).toContain('#Volume.v1_10_2.Volume');
    if (f.tasks.managerJobs) expect(types).toContain('#Job.v1_3_0.Job');
    expect(seen.size).toBeGreaterThan(40);
  });

  it('answers errors in the Redfish error format (redfish-error schema)', async () => {
    const twin = makeTwin(name);
    const f = REDFISH_FLAVOUR_DATA[name];
    const validate = schemas.get('http://redfish.dmtf.org/schemas/v1/redfish-error.v1_0_2.json')!;
    const message = schemas.forType('#Message.v1_3_0.Message')!;
    const cases = [
      await twin.call('GET', '/redfish/v1/Systems/nope'),
      await twin.call('GET', '/redfish/v1/Systems', { auth: false }),
      await twin.call('DELETE', '/redfish/v1/Systems'),
      await twin.call('PATCH', `/redfish/v1/Systems/${f.ids.system}`, { body: { PowerState: 'On', Bogus: 1 } }),
      await twin.call('POST', `/redfish/v1/Systems/${f.ids.system}/Actions/ComputerSystem.Reset`, { body: { ResetType: 'Explode' } }),
    ];
    for (const response of cases) {
      const body = (await response.json()) as { error: { '@Message.ExtendedInfo': unknown[] } };
      expect(schemas.check(validate, body)).toEqual([]);
      for (const m of body.error['@Message.ExtendedInfo']) expect(schemas.check(message, m)).toEqual([]);
    }
    twin.dispose();
  });
});

it('stubs only schemas DMTF publishes elsewhere (Swordfish, JSON Schema meta-schemas)', () => {
  expect(schemas.stubbed.every((uri) => /swordfish|json-schema\.org/.test(uri)), schemas.stubbed.join('\n')).toBe(true);
  expect(fileURLToPath(import.meta.url)).toContain('compliance');
});
