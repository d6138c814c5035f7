/** The driver's config is checked at the door: every problem named with its field and fix, no socket opened. */
import { describe, expect, it } from 'vitest';
import { BmcBadRequestError, IpmiDriver, type IpmiDriverConfig } from '../../../../orchestrator/index.js';
import { DatagramSwitch, SeededRandom, VirtualClock } from '../../../../sim/index.js';

function base(): IpmiDriverConfig {
  const clock = new VirtualClock();
  const random = new SeededRandom(1);
  return { host: '10.0.0.12', username: 'admin', password: 'pw', transport: new DatagramSwitch({ clock, random }), clock, random };
}

describe('IpmiDriver config', () => {
  it('accepts the required fields and has the IPMI capabilities', () => {
    const driver = new IpmiDriver(base());
    expect(driver.protocol).toBe('ipmi');
    expect([...driver.capabilities].sort()).toEqual(['boot-override', 'event-log', 'inventory', 'power', 'sensors']);
    expect(driver.bmc).toBe('10.0.0.12:623');
  });

  it('names every bad field with its fix, at once', () => {
    const bad = { ...base(), host: '', port: 70_000, username: 'x'.repeat(17), password: 'p'.repeat(21), privilege: 'root', timeoutMs: 0, retries: -1, clock: {} } as unknown as IpmiDriverConfig;
    let error: unknown;
    try {
      new IpmiDriver(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BmcBadRequestError);
    const message = String(error);
    for (const field of ['host:', 'port:', 'username:', 'password:', 'privilege:', 'clock:', 'timeoutMs:', 'retries:']) expect(message).toContain(field);
    expect(message).toMatch(/port: must be an integer from 1 to 65535 — IPMI over LAN uses 623/);
  });
});
