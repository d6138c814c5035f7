/**
 * The same join as model.test.ts over real loopback UDP and the system clock
 * (wire fidelity): a short smoke that the bytes the driver and the twin agree
 * on in process also cross a kernel socket. POST is shortened to keep it quick.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityFor, startWireIpmiTwin, type WireIpmiTwin } from '../../../scenarios/index.js';
import type { IpmiDriver } from '../../../orchestrator/index.js';

const TIMINGS = { postMs: { minMs: 100, maxMs: 200 }, softOffMs: { minMs: 50, maxMs: 100 }, cycleOffMs: 50 };

/** Polls `condition` every 20 ms of real time, for at most `timeoutMs`. */
async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition still false after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('IpmiDriver ↔ twin IpmiBmc over loopback UDP (wire fidelity)', () => {
  let twin: WireIpmiTwin;
  let driver: IpmiDriver;

  beforeAll(async () => {
    twin = await startWireIpmiTwin({ seed: 0x1b32, host: '127.0.0.1', timings: TIMINGS, identity: identityFor(3) });
    driver = twin.driver({ timeoutMs: 2_000, retries: 3 });
  });

  afterAll(async () => {
    await twin?.dispose();
  });

  it('probes the BMC on a real socket', async () => {
    expect(await driver.probe()).toMatchObject({ protocol: 'ipmi', manufacturer: 'Dell', firmwareVersion: '4.40', uuid: identityFor(3).bmcGuid });
    expect((await driver.fru()).productSerial).toBe(identityFor(3).serialNumber);
  });

  it('powers on, reads the status through POST, powers off', async () => {
    expect(await driver.powerState()).toBe('Off');
    await driver.power('On');
    expect(await driver.powerState()).toBe('On');
    await eventually(() => twin.server.power === 'On');
    await driver.power('ForceOff');
    expect(twin.server.power).toBe('Off');
    expect(await driver.powerState()).toBe('Off');
    expect(driver.sessionsOpened).toBe(1);
  });

  it('reads the sensors', async () => {
    await driver.power('On');
    await eventually(() => twin.server.power === 'On');
    const sensors = await driver.sensors();
    expect(sensors.map((s) => [s.name, s.unit])).toEqual(twin.server.readSensors().map((r) => [r.spec.name, { temperature: 'degrees C', fan: 'RPM', power: 'Watts', voltage: 'Volts' }[r.spec.kind]]));
    // Powered: every sensor reads (fans may still be spinning up, so not every status is ok yet).
    for (const s of sensors) {
      expect(s.status, s.name).not.toBe('unavailable');
      expect(s.value, s.name).toBeGreaterThanOrEqual(0);
    }
    expect(sensors.find((s) => s.name === 'PSU1 Vin')?.value).toBeGreaterThan(200);
  });
});
