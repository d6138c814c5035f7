/**
 * SimulatedServer: power, boot override, identify, sensors and the event log of
 * one server as its BMC sees it, on the virtual clock.
 *
 * Run: npx vitest run test/twins/server
 */
import { describe, expect, it } from 'vitest';
import { FaultInjector, FaultPlan, SeededRandom, VirtualClock } from '../../../sim/index.js';
import { TwinError, TwinStateError } from '../../../twins/errors.js';
import { POWER_TIMING_PROFILES, type ServerEvent } from '../../../twins/server/index.js';
import { IDENTITY, makeServer } from './support/server-fixture.js';

const fast = POWER_TIMING_PROFILES.fast;

describe('SimulatedServer power', () => {
  it('powers on through POST, with a POST time drawn within the range', async () => {
    const { server, clock } = makeServer();
    expect(server.power).toBe('Off');
    const start = clock.now();
    expect(server.powerAction('on')).toBe('done');
    expect(server.power).toBe('PoweringOn');
    expect(server.isPowered()).toBe(true);
    await clock.runUntil(() => server.power === 'On');
    expect(clock.now() - start).toBeGreaterThanOrEqual(fast.postMs.minMs);
    expect(clock.now() - start).toBeLessThanOrEqual(fast.postMs.maxMs);
  });

  it('draws the same POST time for the same seed, and another for another seed', async () => {
    const postTime = async (seed: number): Promise<number> => {
      const { server, clock } = makeServer({ seed, timings: { ...fast, postMs: { minMs: 1_000, maxMs: 60_000 } } });
      const start = clock.now();
      server.powerAction('on');
      await clock.runUntil(() => server.power === 'On');
      return clock.now() - start;
    };
    expect(await postTime(1)).toBe(await postTime(1));
    expect(new Set([await postTime(1), await postTime(2), await postTime(3)]).size).toBeGreaterThan(1);
  });

  it('soft-off takes the OS shutdown time; hard off is immediate', async () => {
    const { server, clock } = makeServer({ initialPower: 'On' });
    expect(server.powerAction('soft-off')).toBe('done');
    expect(server.power).toBe('PoweringOff');
    await clock.runUntil(() => server.power === 'Off');
    server.powerAction('on');
    server.powerAction('off');
    expect(server.power).toBe('Off');
    expect(server.eventLog.map((e) => e.kind)).toEqual(['soft-off', 'power-on', 'power-off']);
  });

  it('power cycle: off at once, on again after the off interval, through POST', async () => {
    const { server, clock } = makeServer({ initialPower: 'On' });
    const seen: string[] = [];
    server.onEvent((e) => e.type === 'power' && seen.push(e.to));
    server.powerAction('cycle');
    expect(server.power).toBe('Off');
    await clock.runFor(fast.cycleOffMs);
    expect(server.power).toBe('PoweringOn');
    await clock.runUntilIdle();
    expect(seen).toEqual(['Off', 'PoweringOn', 'On']);
    expect(server.eventLog.map((e) => e.kind)).toEqual(['power-cycle', 'power-on']);
  });

  it('hard reset re-runs POST; cycle and reset of a server that is off are refused', () => {
    const { server } = makeServer({ initialPower: 'On' });
    server.powerAction('hard-reset');
    expect(server.power).toBe('PoweringOn');
    server.powerAction('off');
    expect(() => server.powerAction('cycle')).toThrow(TwinStateError);
    expect(() => server.powerAction('hard-reset')).toThrow(/Failed to hard-reset node:r1-s1: it is powered off — power it on instead/);
  });

  it('powering on what is on, or off what is off, is a no-op and logs nothing', () => {
    const { server } = makeServer();
    expect(server.powerAction('off')).toBe('no-op');
    expect(server.powerAction('soft-off')).toBe('no-op');
    server.powerAction('on');
    expect(server.powerAction('on')).toBe('no-op');
    expect(server.eventLog.map((e) => e.kind)).toEqual(['power-on']);
  });

  it('power-on-ignored and post-hang faults strike the server by name', async () => {
    const clock = new VirtualClock();
    const plan = FaultPlan.parse({ faults: [
      { target: 'node:r1-s1', kind: 'power-on-ignored', atMs: 0 },
      { target: 'node:r1-s1', kind: 'post-hang', atMs: 0 },
    ] });
    const faults = new FaultInjector({ plan, clock, random: new SeededRandom(1) });
    const { server } = makeServer({ clock, faults });
    expect(server.powerAction('on')).toBe('done');
    expect(server.power).toBe('Off'); // accepted, did not take
    server.powerAction('on');
    await clock.runFor(60_000);
    expect(server.power).toBe('PoweringOn'); // hung in POST
    server.powerAction('hard-reset');
    await clock.runUntilIdle();
    expect(server.power).toBe('On');
  });
});

describe('SimulatedServer boot override', () => {
  it('a once override is consumed by the next boot; a persistent one stays', async () => {
    const { server, clock } = makeServer();
    server.setBootOverride({ device: 'Pxe', mode: 'Uefi', persistence: 'Once' });
    server.powerAction('on');
    expect(server.lastBoot).toMatchObject({ device: 'Pxe', mode: 'Uefi' });
    expect(server.bootOverride.device).toBe('None');
    await clock.runUntilIdle();
    server.setBootOverride({ device: 'Hdd', mode: 'Legacy', persistence: 'Persistent' });
    server.powerAction('hard-reset');
    server.powerAction('hard-reset');
    expect(server.lastBoot).toMatchObject({ device: 'Hdd', mode: 'Legacy' });
    expect(server.bootOverride).toEqual({ device: 'Hdd', mode: 'Legacy', persistence: 'Persistent' });
  });
});

describe('SimulatedServer identify', () => {
  it('a timed identify goes dark on the clock; indefinite stays; 0 turns it off', async () => {
    const { server, clock } = makeServer();
    server.setIdentify(15_000);
    expect(server.identify).toEqual({ on: true, untilMs: clock.now() + 15_000 });
    await clock.runFor(15_000);
    expect(server.identify.on).toBe(false);
    server.setIdentify('indefinite');
    await clock.runFor(3_600_000);
    expect(server.identify).toEqual({ on: true, untilMs: undefined });
    server.setIdentify(0);
    expect(server.identify.on).toBe(false);
  });
});

describe('SimulatedServer sensors', () => {
  it('drift plausibly while on, and cool down / spin down after power off', async () => {
    const { server, clock } = makeServer();
    server.powerAction('on');
    await clock.runFor(300_000);
    const on = new Map(server.readSensors().map((r) => [r.spec.id, r]));
    expect(on.get('cpu1-temp')!.value).toBeGreaterThan(45);
    expect(on.get('fan1')!.value).toBeGreaterThan(6_000);
    expect([...on.values()].every((r) => r.status === 'ok')).toBe(true);
    const inletSamples = new Set<number>();
    for (let i = 0; i < 10; i++) {
      await clock.runFor(5_000);
      inletSamples.add(server.readSensor('inlet-temp')!.value!);
    }
    expect(inletSamples.size).toBeGreaterThan(1); // it moves
    for (const v of inletSamples) expect(Math.abs(v - 23)).toBeLessThan(2); // but stays plausible
    server.powerAction('off');
    const justOff = server.readSensor('psu1-power')!.value!;
    await clock.runFor(120_000);
    expect(server.readSensor('psu1-power')!.value!).toBeLessThan(justOff);
    expect(server.readSensor('psu1-power')!.value!).toBeLessThan(40);
    expect(server.readSensor('cpu1-temp')).toMatchObject({ value: undefined, status: 'unavailable' });
    server.powerAction('on');
    expect(server.readSensor('cpu1-temp')!.value!).toBeLessThan(35); // cooled while off
  });

  it('gives the same readings at the same times for the same seed', async () => {
    const run = async (): Promise<number[]> => {
      const { server, clock } = makeServer({ seed: 42, initialPower: 'On' });
      await clock.runFor(10_000);
      return server.readSensors().map((r) => r.value ?? -1);
    };
    expect(await run()).toEqual(await run());
  });
});

describe('SimulatedServer event log and events', () => {
  it('timestamps entries from the clock, stays bounded, and records being cleared', () => {
    const { server, clock } = makeServer({ eventLogCapacity: 3 });
    for (let i = 0; i < 3; i++) {
      server.powerAction('on');
      server.powerAction('off');
    }
    expect(server.eventLog).toHaveLength(3);
    expect(server.eventLogInfo().overflowed).toBe(true);
    expect(server.eventLog.at(-1)).toMatchObject({ id: 6, kind: 'power-off', atMs: clock.now() });
    server.clearEventLog();
    expect(server.eventLog.map((e) => e.kind)).toEqual(['log-cleared']);
    expect(server.eventLogInfo()).toMatchObject({ count: 1, overflowed: false, lastEraseMs: clock.now() });
  });

  it('tells subscribers every change, and stops when they unsubscribe', () => {
    const { server } = makeServer();
    const events: ServerEvent[] = [];
    const sub = server.onEvent((e) => events.push(e));
    server.setBootOverride({ device: 'Cd', mode: 'Uefi', persistence: 'Once' });
    server.powerAction('on');
    server.setIdentify(1_000);
    sub.dispose();
    server.powerAction('off');
    // Power on: logged, powered, booted from the override, which a once override then clears.
    expect(events.map((e) => e.type)).toEqual(['boot-override', 'log', 'power', 'booted', 'boot-override', 'identify']);
  });
});

describe('SimulatedServer configuration', () => {
  it('refuses bad identity and timings with the field and the fix', () => {
    expect(() => makeServer({ identity: { ...IDENTITY, systemGuid: 'nope' } })).toThrow(/identity\.systemGuid: "nope" is not a GUID — write 8-4-4-4-12 hex digits/);
    expect(() => makeServer({ identity: { ...IDENTITY, manufacturerId: 2 ** 21 } })).toThrow(TwinError);
    expect(() => makeServer({ timings: { ...fast, postMs: { minMs: 5, maxMs: 1 } } })).toThrow(/timings\.postMs: .* use 0 ≤ minMs ≤ maxMs/);
    expect(() => makeServer({ eventLogCapacity: 0 })).toThrow(/eventLogCapacity: 0 is out of range/);
  });

  it('takes no actions once disposed', () => {
    const { server } = makeServer();
    server.dispose();
    expect(() => server.powerAction('on')).toThrow(/disposed/);
  });
});
