// SessionService: X-Auth-Token sessions, per-flavour limits, idle timeout on the clock, logout, faults.
import { afterEach, describe, expect, it } from 'vitest';
import { REDFISH_FLAVOUR_DATA } from '../../../twins/redfish/index.js';
import { ADMIN, makeTwin, type Twin } from './harness.js';

let twin: Twin;
afterEach(() => twin?.dispose());

const SESSIONS = '/redfish/v1/SessionService/Sessions';
const login = (t: Twin, password: string = ADMIN.password) => t.json('POST', SESSIONS, { auth: false, body: { UserName: ADMIN.user, Password: password } });

describe('sessions', () => {
  it('logs in (201, X-Auth-Token, Location), uses the token, and logs out with DELETE', async () => {
    twin = makeTwin('dmtf');
    const created = await login(twin);
    expect(created.status).toBe(201);
    const token = created.headers.get('x-auth-token')!;
    const location = created.headers.get('location')!;
    expect(created.body).toMatchObject({ '@odata.id': location, UserName: 'admin' });
    const auth = { auth: false, headers: { 'X-Auth-Token': token } };
    expect((await twin.json('GET', '/redfish/v1/Systems', auth)).status).toBe(200);
    expect((await twin.json('GET', SESSIONS, auth)).body['Members@odata.count']).toBe(1);
    expect((await twin.json('DELETE', location, auth)).status).toBe(204);
    expect((await twin.json('GET', '/redfish/v1/Systems', auth)).status).toBe(401);
  });

  it('refuses a wrong password with 401 and a missing one with 400', async () => {
    twin = makeTwin('dmtf');
    expect((await login(twin, 'wrong')).status).toBe(401);
    const missing = await twin.json('POST', SESSIONS, { auth: false, body: { UserName: 'admin' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('Base.1.22.CreateFailedMissingReqProperties');
  });

  it.each(['dell-idrac9', 'lenovo-xcc', 'supermicro'] as const)('%s: answers 503 SessionLimitExceeded past its limit until a session ends', async (flavour) => {
    twin = makeTwin(flavour);
    const limit = REDFISH_FLAVOUR_DATA[flavour].sessions.limit;
    const made = [];
    for (let i = 0; i < limit; i++) made.push(await login(twin));
    expect(made.every((r) => r.status === 201)).toBe(true);
    const over = await login(twin);
    expect(over.status).toBe(503);
    expect(over.body.error.code).toBe('Base.1.22.SessionLimitExceeded');
    await twin.json('DELETE', made[0]!.headers.get('location')!);
    expect((await login(twin)).status).toBe(201);
  });

  it('expires an idle session after SessionTimeout on the clock; activity keeps it alive', async () => {
    twin = makeTwin('dmtf');
    expect((await twin.json('PATCH', '/redfish/v1/SessionService', { body: { SessionTimeout: 60 } })).body.SessionTimeout).toBe(60);
    expect((await twin.json('PATCH', '/redfish/v1/SessionService', { body: { SessionTimeout: 5 } })).body.error.code).toBe('Base.1.22.PropertyValueOutOfRange');
    const token = (await login(twin)).headers.get('x-auth-token')!;
    const get = () => twin.json('GET', '/redfish/v1/Systems', { auth: false, headers: { 'X-Auth-Token': token } });
    for (let i = 0; i < 3; i++) {
      await twin.clock.runFor(50_000);
      expect((await get()).status).toBe(200);
    }
    await twin.clock.runFor(61_000);
    expect((await get()).status).toBe(401);
    expect((await twin.json('GET', SESSIONS)).body['Members@odata.count']).toBe(0);
  });

  it('a Manager reset logs everyone out', async () => {
    twin = makeTwin('openbmc');
    const token = (await login(twin)).headers.get('x-auth-token')!;
    expect((await twin.json('POST', '/redfish/v1/Managers/bmc/Actions/Manager.Reset', { body: { ResetType: 'GracefulRestart' } })).status).toBe(204);
    expect((await twin.json('GET', '/redfish/v1/Systems', { auth: false, headers: { 'X-Auth-Token': token } })).status).toBe(401);
  });

  it('session-exhaustion and wrong-credentials faults aimed at bmc:<name> strike logins', async () => {
    twin = makeTwin('dmtf', {
      faults: [
        { target: 'bmc:r1-s1', kind: 'session-exhaustion', window: { fromMs: 0, toMs: 10_000 } },
        { target: 'bmc:r1-s1', kind: 'wrong-credentials', window: { fromMs: 10_000, toMs: 20_000 } },
      ],
    });
    expect((await login(twin)).status).toBe(503);
    await twin.clock.runFor(10_000);
    expect((await login(twin)).status).toBe(401);
    expect((await twin.json('GET', '/redfish/v1/Systems')).status).toBe(401);
    await twin.clock.runFor(10_000);
    expect((await login(twin)).status).toBe(201);
  });
});
