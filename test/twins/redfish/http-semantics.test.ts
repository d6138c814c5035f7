// HTTP semantics of the simulated Redfish BMC: auth, status codes, headers, PATCH validation, queries.
import { afterEach, describe, expect, it } from 'vitest';
import { BASIC, makeTwin, type Twin } from './harness.js';

let twin: Twin;
afterEach(() => twin?.dispose());

const SYS = '/redfish/v1/Systems/1';

describe('authentication and privileges', () => {
  it('answers 401 with WWW-Authenticate without or with wrong credentials, 200 with them', async () => {
    twin = makeTwin('dmtf');
    const none = await twin.json('GET', SYS, { auth: false });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(none.body.error.code).toBe('Base.1.22.NoValidSession');
    const wrong = await twin.json('GET', SYS, { auth: false, headers: { Authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` } });
    expect(wrong.status).toBe(401);
    expect((await twin.json('GET', SYS)).status).toBe(200);
  });

  it('serves the service root, /redfish, $metadata and the OData document without credentials', async () => {
    twin = makeTwin('dmtf');
    expect((await twin.json('GET', '/redfish', { auth: false })).body).toEqual({ v1: '/redfish/v1/' });
    expect((await twin.json('GET', '/redfish/v1', { auth: false })).status).toBe(200);
    const metadata = await twin.call('GET', '/redfish/v1/$metadata', { auth: false });
    expect(metadata.headers.get('content-type')).toBe('application/xml');
    expect(await metadata.text()).toContain('<edmx:Include Namespace="ComputerSystem.v1_27_0"/>');
    const odata = await twin.json('GET', '/redfish/v1/odata', { auth: false });
    expect(odata.body.value.map((v: { url: string }) => v.url)).toContain('/redfish/v1/Systems');
  });

  it('answers 403 InsufficientPrivilege to a read-only account that writes, and lets it read', async () => {
    twin = makeTwin('dmtf', { extra: { accounts: [{ user: 'viewer', password: 'viewer-pass', role: 'ReadOnly' }] } });
    const viewer = { Authorization: `Basic ${Buffer.from('viewer:viewer-pass').toString('base64')}` };
    expect((await twin.json('GET', SYS, { headers: viewer })).status).toBe(200);
    const patch = await twin.json('PATCH', SYS, { headers: viewer, body: { AssetTag: 'x' } });
    expect(patch.status).toBe(403);
    expect(patch.body.error.code).toBe('Base.1.22.InsufficientPrivilege');
    expect((await twin.json('POST', `${SYS}/Actions/ComputerSystem.Reset`, { headers: viewer, body: { ResetType: 'On' } })).status).toBe(403);
    expect(twin.server.power).toBe('Off');
  });
});

describe('status codes and headers', () => {
  it('answers 404 for unknown ids and paths with a Base message', async () => {
    twin = makeTwin('dell-idrac9');
    for (const path of ['/redfish/v1/Systems/1', '/redfish/v1/Systems/System.Embedded.1/Processors/CPU.Socket.9', '/redfish/v1/Nope', '/redfish/v1/TaskService/Tasks/42']) {
      const r = await twin.json('GET', path);
      expect(r.status, path).toBe(404);
      expect(r.body.error.code).toMatch(/^Base\.1\.22\.(ResourceMissingAtURI|ResourceNotFound)$/);
    }
  });

  it('answers 405 with Allow for a method the resource does not take', async () => {
    twin = makeTwin('dmtf');
    const del = await twin.json('DELETE', '/redfish/v1/Systems');
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, HEAD');
    expect(del.body.error.code).toBe('Base.1.22.OperationNotAllowed');
    const get = await twin.json('GET', `${SYS}/Actions/ComputerSystem.Reset`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await twin.call('GET', SYS)).headers.get('allow')).toBe('GET, HEAD, PATCH');
  });

  it('sends OData-Version and a strong ETag, honours If-None-Match and If-Match', async () => {
    twin = makeTwin('dmtf');
    const first = await twin.call('GET', SYS);
    const etag = first.headers.get('etag')!;
    expect(first.headers.get('odata-version')).toBe('4.0');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await twin.call('GET', SYS, { headers: { 'If-None-Match': etag } })).status).toBe(304);
    expect((await twin.json('PATCH', SYS, { body: { AssetTag: 'rack-1' }, headers: { 'If-Match': '"stale"' } })).status).toBe(412);
    const ok = await twin.json('PATCH', SYS, { body: { AssetTag: 'rack-1' }, headers: { 'If-Match': etag } });
    expect(ok.status).toBe(200);
    expect(ok.body.AssetTag).toBe('rack-1');
    const after = await twin.call('GET', SYS);
    expect(after.headers.get('etag')).not.toBe(etag);
    // A weak form of a strong ETag does not match (field note 40).
    expect((await twin.json('PATCH', SYS, { body: { AssetTag: 'x' }, headers: { 'If-Match': `W/${after.headers.get('etag')}` } })).status).toBe(412);
  });

  it('answers HEAD with the headers and no body', async () => {
    twin = makeTwin('dmtf');
    const head = await twin.call('HEAD', SYS);
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBeTruthy();
    expect(await head.text()).toBe('');
  });

  it('accepts a trailing slash', async () => {
    twin = makeTwin('openbmc');
    expect((await twin.json('GET', '/redfish/v1/Systems/system/')).body.Id).toBe('system');
  });
});

describe('PATCH validation', () => {
  it('reports every bad property at once with the right Base message and applies nothing', async () => {
    twin = makeTwin('dmtf');
    const r = await twin.json('PATCH', SYS, { body: { PowerState: 'On', Bogus: 1, AssetTag: 'ok', Boot: { BootSourceOverrideTarget: 'Floppy', Nope: 1 } } });
    expect(r.status).toBe(400);
    const ids = r.body.error['@Message.ExtendedInfo'].map((m: { MessageId: string }) => m.MessageId);
    expect(ids).toEqual(['Base.1.22.PropertyNotWritable', 'Base.1.22.PropertyUnknown', 'Base.1.22.PropertyUnknown', 'Base.1.22.PropertyValueNotInList']);
    expect(r.body.error['@Message.ExtendedInfo'][0].RelatedProperties).toEqual(['#/PowerState']);
    expect((await twin.json('GET', SYS)).body.AssetTag).toBe('');
  });

  it('refuses malformed JSON (400) and non-JSON bodies (415)', async () => {
    twin = makeTwin('dmtf');
    expect((await twin.json('PATCH', SYS, { body: '{"AssetTag":' })).body.error.code).toBe('Base.1.22.MalformedJSON');
    expect((await twin.json('PATCH', SYS, { body: 'AssetTag=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
  });

  it('validates action parameters', async () => {
    twin = makeTwin('hpe-ilo5');
    const reset = `${SYS}/Actions/ComputerSystem.Reset`;
    expect((await twin.json('POST', reset, { body: {} })).body.error.code).toBe('Base.1.22.ActionParameterMissing');
    expect((await twin.json('POST', reset, { body: { ResetType: 'PowerCycle' } })).body.error.code).toBe('Base.1.22.ActionParameterValueNotInList');
    expect((await twin.json('POST', reset, { body: { ResetType: 'On', Force: true } })).body.error.code).toBe('Base.1.22.ActionParameterUnknown');
  });
});

describe('the message adapter', () => {
  it('answers an HTTP message as plain data exactly as the Fetch handler answers the same request', async () => {
    twin = makeTwin('hpe-ilo5');
    const cases: Array<[string, string, unknown?]> = [
      ['GET', `${SYS}/Memory?$expand=.`],
      ['GET', '/redfish/v1/Nope'],
      ['PATCH', SYS, { AssetTag: 'rack-7' }],
      ['POST', '/redfish/v1/SessionService/Sessions', { UserName: 'admin', Password: 'wrong' }],
    ];
    for (const [method, path, body] of cases) {
      const viaFetch = await twin.call(method, path, body === undefined ? {} : { body });
      const headers: Record<string, string> = { authorization: BASIC, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
      const viaMessage = await twin.bmc.message({ method, url: `https://127.1.0.1${path}`, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      expect(viaMessage, `${method} ${path}`).toEqual({ status: viaFetch.status, headers: Object.fromEntries(viaFetch.headers), body: await viaFetch.text() });
    }
  });

  it('refuses an event stream, which has no end to read a whole message up to', async () => {
    twin = makeTwin('dmtf');
    await expect(twin.bmc.message({ method: 'GET', url: 'https://127.1.0.1/redfish/v1/EventService/SSE', headers: { authorization: BASIC } })).rejects.toMatchObject({ code: 'STREAM_NOT_A_MESSAGE' });
  });
});

describe('queries', () => {
  it('pages collections with $top/$skip, refuses $expand/$select with 501 where the flavour has none, ignores unknown plain parameters', async () => {
    twin = makeTwin('dmtf');
    const page = await twin.json('GET', `${SYS}/Memory?$top=3&$skip=2`);
    expect(page.body.Members.map((m: { '@odata.id': string }) => m['@odata.id'].split('/').at(-1))).toEqual(['DIMM3', 'DIMM4', 'DIMM5']);
    const expand = await twin.json('GET', `${SYS}?$expand=*`);
    expect(expand.status).toBe(501);
    expect(expand.body.error.code).toBe('Base.1.22.QueryParameterUnsupported');
    expect((await twin.json('GET', `${SYS}?$select=PowerState`)).status).toBe(501);
    expect((await twin.json('GET', `${SYS}?foo=bar`)).status).toBe(200);
  });

  it("expands a collection's members inline as their own GETs answer them, where the flavour's root says it can", async () => {
    twin = makeTwin('dell-idrac9');
    const sys = '/redfish/v1/Systems/System.Embedded.1';
    const root = await twin.json('GET', '/redfish/v1/');
    expect(root.body.ProtocolFeaturesSupported.ExpandQuery).toEqual({ ExpandAll: true, Levels: true, Links: true, NoLinks: true, MaxLevels: 1 });
    const plain = await twin.json('GET', `${sys}/Memory`);
    const expanded = await twin.json('GET', `${sys}/Memory?$expand=.($levels=1)`);
    expect(expanded.status).toBe(200);
    const one = async (path: string) => (await twin.json('GET', path)).body;
    expect(expanded.body.Members).toEqual(await Promise.all(plain.body.Members.map((m: { '@odata.id': string }) => one(m['@odata.id']))));
    expect(expanded.headers.get('etag')).not.toBe(plain.headers.get('etag'));
    // `~` expands only under Links: a collection has none, so nothing changes.
    expect((await twin.json('GET', `${sys}/Memory?$expand=~`)).body.Members).toEqual(plain.body.Members);
    const tooDeep = await twin.json('GET', `${sys}/Memory?$expand=.($levels=2)`);
    expect([tooDeep.status, tooDeep.body.error.code]).toEqual([400, 'Base.1.22.QueryParameterOutOfRange']);
    expect((await twin.json('GET', `${sys}/Memory?$expand=!`)).body.error.code).toBe('Base.1.22.QueryParameterValueFormatError');
    // iDRAC does not expand the ComputerSystem itself.
    expect((await twin.json('GET', `${sys}?$expand=.`)).body.error.code).toBe('Base.1.22.QueryNotSupportedOnResource');
  });

  it('expands for a caller with no login only what needs none: the rest stays a link, as a real service keeps it', async () => {
    twin = makeTwin('dell-idrac9');
    const anonymous = await twin.json('GET', '/redfish/v1/?$expand=.', { auth: false });
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.Systems).toEqual({ '@odata.id': '/redfish/v1/Systems' });
    const loggedIn = await twin.json('GET', '/redfish/v1/?$expand=.');
    expect(loggedIn.body.Systems.Members).toEqual([{ '@odata.id': '/redfish/v1/Systems/System.Embedded.1' }]);
  });

  it('expands like iLO 5: * as ., forms it lacks served unexpanded', async () => {
    twin = makeTwin('hpe-ilo5');
    const plain = await twin.json('GET', `${SYS}/Processors`);
    const star = await twin.json('GET', `${SYS}/Processors?$expand=*`);
    expect(star.body.Members.map((m: { Id: string }) => m.Id)).toEqual(['1', '2']);
    expect((await twin.json('GET', `${SYS}?$expand=.`)).body.Processors.Members).toHaveLength(2);
    expect((await twin.json('GET', `${SYS}/Processors?$expand=~`)).body).toEqual(plain.body);
  });
});
