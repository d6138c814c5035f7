/**
 * The same join as model.test.ts over real loopback HTTPS and the system clock
 * (wire fidelity), for every flavour: the twin serves its certificate from the
 * twin CA, and the driver's NodeHttpTransport verifies it against exactly that
 * CA (never insecureSkipVerify). A short smoke that what the driver and the twin
 * agree on in process also crosses a kernel socket and TLS. POST is shortened.
 */
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDFISH_ADMIN, redfishIdentityFor, startWireRedfishTwin, type WireRedfishTwin } from '../../../scenarios/index.js';
import { BmcUnreachableError, type RedfishDriver } from '../../../orchestrator/index.js';
import { SeededRandom, SystemClock } from '../../../sim/index.js';
import { REDFISH_FLAVOUR_DATA, REDFISH_FLAVOURS, TwinCa } from '../../../twins/index.js';

const TIMINGS = { postMs: { minMs: 100, maxMs: 200 }, softOffMs: { minMs: 50, maxMs: 100 }, cycleOffMs: 50 };

/** Polls `condition` every 20 ms of real time, for at most `timeoutMs`. */
async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition still false after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** GET with basic auth over HTTPS, trusting only the twin CA (what `curl --cacert` does). */
function getJson(twin: WireRedfishTwin, path: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(`${twin.endpoint}${path}`, { ca: twin.ca.certPem, auth: `${REDFISH_ADMIN.user}:${REDFISH_ADMIN.password}`, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(REDFISH_FLAVOURS)('RedfishDriver ↔ twin RedfishBmc (%s) over loopback HTTPS (wire fidelity)', (flavour) => {
  const data = REDFISH_FLAVOUR_DATA[flavour];
  const identity = redfishIdentityFor(flavour, REDFISH_FLAVOURS.indexOf(flavour) + 1);
  let twin: WireRedfishTwin;
  let driver: RedfishDriver;

  beforeAll(async () => {
    twin = await startWireRedfishTwin({ seed: 0x5ed8, flavour, identity, timings: TIMINGS, host: '127.0.0.1' });
    driver = twin.driver({ timeoutMs: 5_000, retryBaseDelayMs: 100 });
  });

  afterAll(async () => {
    await twin?.dispose();
  });

  it('probes the BMC, its certificate verified against the twin CA', async () => {
    expect(twin.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await driver.probe()).toMatchObject({
      protocol: 'redfish',
      manufacturer: identity.manufacturer,
      model: identity.productName,
      firmwareVersion: data.vendor.managerFirmware,
      uuid: identity.systemGuid,
    });
  });

  it('refuses the BMC when the CA is not trusted', async () => {
    const otherCa = new TwinCa(new SystemClock(), new SeededRandom(99)).certPem;
    const stranger = twin.driver({ tls: { caCertificates: otherCa }, retryAttempts: 1 });
    const error = await stranger.probe().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BmcUnreachableError);
    expect(String(error)).toMatch(/certificate/i);
  });

  it('powers on, reads PoweringOn then On through POST, and sets a one-time PXE boot', async () => {
    expect(await driver.powerState()).toBe('Off');
    await driver.power('On');
    expect(['PoweringOn', 'On']).toContain(await driver.powerState());
    await eventually(() => twin.server.power === 'On');
    expect(await driver.powerState()).toBe('On');
    await driver.setBootOverride({ device: 'Pxe', persistent: false, mode: 'UEFI' });
    expect(twin.server.bootOverride).toEqual({ device: 'Pxe', persistence: 'Once', mode: 'Uefi' });
    expect(await driver.bootOverride()).toMatchObject({ enabled: 'Once', device: 'Pxe', mode: 'UEFI' });
  });

  it('reads the BIOS attributes', async () => {
    const bios = await driver.bios();
    expect(Object.keys(bios.current).sort()).toEqual(data.bios.attributes.map((a) => a.name).sort());
    expect(bios.pending).toEqual({});
  });

  it('logs out on close: no session left on the BMC', async () => {
    expect((await getJson(twin, '/redfish/v1/SessionService/Sessions')).body['Members@odata.count']).toBe(1);
    await driver.close();
    expect((await getJson(twin, '/redfish/v1/SessionService/Sessions')).body['Members@odata.count']).toBe(0);
  });
});
