// curl against the HTTPS adapter: TLS from the twin CA, basic auth, sessions, power.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { commandOnPath, describeWithHost } from '../../support/host-tools.js';
import { startWireTwin, type WireTwin } from './wire-twin.js';

const run = promisify(execFile);

async function curl(args: string[]): Promise<{ status: number; headers: string; body: string }> {
  const { stdout } = await run('curl', ['-sS', '--max-time', '10', '-D', '-', ...args]);
  const split = stdout.indexOf('\r\n\r\n');
  const headers = stdout.slice(0, split);
  return { status: Number(/^HTTP\/\S+ (\d+)/.exec(headers)?.[1]), headers, body: stdout.slice(split + 4) };
}

describeWithHost('curl against the simulated Redfish BMC over HTTPS', [commandOnPath('curl')], () => {
  let twin: WireTwin;
  let base: string;
  let caFile: string;

  beforeAll(async () => {
    twin = await startWireTwin(['dmtf']);
    base = twin.host.endpoints[0]!.url;
    caFile = join(mkdtempSync(join(tmpdir(), 'drill-redfish-')), 'ca.pem');
    writeFileSync(caFile, twin.host.ca.certPem);
  });
  afterAll(async () => twin?.dispose());

  it('verifies the certificate against the twin CA, and -k skips verification', async () => {
    const verified = await curl(['--cacert', caFile, `${base}/redfish/v1/`]);
    expect(verified.status).toBe(200);
    expect(JSON.parse(verified.body)['@odata.type']).toBe('#ServiceRoot.v1_20_0.ServiceRoot');
    expect((await curl(['-k', `${base}/redfish/v1/`])).status).toBe(200);
    await expect(run('curl', ['-sS', '--max-time', '10', `${base}/redfish/v1/`])).rejects.toThrow();
  });

  it('needs credentials for Systems (401 with WWW-Authenticate), accepts basic auth', async () => {
    const anonymous = await curl(['-k', `${base}/redfish/v1/Systems`]);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers).toMatch(/www-authenticate: Basic/i);
    const systems = await curl(['-k', '-u', 'admin:password1', `${base}/redfish/v1/Systems`]);
    expect(systems.status).toBe(200);
    expect(JSON.parse(systems.body).Members).toEqual([{ '@odata.id': '/redfish/v1/Systems/1' }]);
    expect(systems.headers).toMatch(/odata-version: 4.0/i);
    expect(systems.headers).toMatch(/etag: "/i);
  });

  it('logs in, powers on with the session token, and logs out', async () => {
    const login = await curl(['-k', '-H', 'Content-Type: application/json', '-d', '{"UserName":"admin","Password":"password1"}', `${base}/redfish/v1/SessionService/Sessions`]);
    expect(login.status).toBe(201);
    const token = /x-auth-token: (\S+)/i.exec(login.headers)?.[1];
    const location = /location: (\S+)/i.exec(login.headers)?.[1];
    expect(token).toBeDefined();
    const reset = await curl(['-k', '-H', `X-Auth-Token: ${token}`, '-H', 'Content-Type: application/json', '-d', '{"ResetType":"On"}', `${base}/redfish/v1/Systems/1/Actions/ComputerSystem.Reset`]);
    expect(reset.status).toBe(204);
    const system = await curl(['-k', '-H', `X-Auth-Token: ${token}`, `${base}/redfish/v1/Systems/1`]);
    expect(['PoweringOn', 'On']).toContain(JSON.parse(system.body).PowerState);
    expect((await curl(['-k', '-X', 'DELETE', '-H', `X-Auth-Token: ${token}`, `${base}${location}`])).status).toBe(204);
    expect((await curl(['-k', '-H', `X-Auth-Token: ${token}`, `${base}/redfish/v1/Systems/1`])).status).toBe(401);
  });
});
