/**
 * The orchestrator's IpmiDriver against the twin's IpmiBmc in model fidelity:
 * the in-process DatagramSwitch, the VirtualClock and one SeededRandom, so
 * every run of a seed is the same run. Nothing is stubbed: the driver speaks
 * RMCP+ (suite 17, AES) to the BMC, and the assertions look at the
 * SimulatedServer behind it.
 *
 * Replay a failure: the seed is printed per test (`seed=0x…`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  BmcAuthError,
  BmcBadRequestError,
  BmcBusyError,
  BmcUnreachableError,
  type SensorReading as DriverSensorReading,
} from '../../../orchestrator/index.js';
import { identityFor, startModelIpmiTwin, type ModelIpmiTwin, type ModelIpmiTwinOptions } from '../../../scenarios/index.js';
import { MemoryTraceSink, type FaultPlanData } from '../../../sim/index.js';
import type { SensorReading as TwinSensorReading } from '../../../twins/index.js';

const SEED = 0x1b31;
const POST_MAX_MS = 2_000; // the `fast` timing profile

let twin: ModelIpmiTwin | undefined;
let sink: MemoryTraceSink;

async function start(options: Partial<ModelIpmiTwinOptions> = {}): Promise<ModelIpmiTwin> {
  sink = new MemoryTraceSink();
  twin = await startModelIpmiTwin({ seed: SEED, sink, ...options });
  console.log(`IPMI model twin: seed=${twin.seed}${options.faults ? ` faults=${JSON.stringify(options.faults)}` : ''}`);
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

async function failure(work: Promise<unknown>): Promise<unknown> {
  return twin!.settle(work).then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

/** One raw count of each default sensor's SDR linearisation (M × 10^R), in its unit. */
const SDR_RESOLUTION: Readonly<Record<string, number>> = {
  'inlet-temp': 1,
  'cpu1-temp': 1,
  'cpu2-temp': 1,
  fan1: 40,
  fan2: 40,
  'psu1-power': 4,
  'psu1-vin': 2,
  'board-12v': 0.07,
};

const STATUS: Readonly<Record<TwinSensorReading['status'], DriverSensorReading['status']>> = {
  ok: 'ok',
  'non-critical': 'warning',
  critical: 'critical',
  unavailable: 'unavailable',
};

describe('IpmiDriver ↔ twin IpmiBmc, model fidelity', () => {
  it('probes the BMC: who it says it is is who the server is', async () => {
    const t = await start({ identity: identityFor(42) });
    const identity = await t.settle(t.driver().probe());
    const expected = identityFor(42);
    const [major, minor] = expected.firmwareVersion.split('.');
    expect(identity).toEqual({
      protocol: 'ipmi',
      manufacturer: 'Dell', // IANA 674
      model: `product 0x${expected.productId.toString(16).toUpperCase().padStart(4, '0')} (device 0x20)`,
      firmwareVersion: `${major}.${minor!.padStart(2, '0')}`,
      uuid: expected.bmcGuid,
    });
  });

  it('negotiates cipher suite 17 and keeps one session for many calls', async () => {
    const t = await start();
    const driver = t.driver();
    for (let i = 0; i < 5; i++) expect(await t.settle(driver.powerState())).toBe('Off');
    expect(traced('ipmi.session.active')).toEqual([{ bmc: 'bmc:r1-s1', suite: 17, user: 2 }]);
    expect(driver.sessionsOpened).toBe(1);
    expect(t.bmc.responder.activeSessions()).toBe(1);
  });

  it('falls back to suite 3 when the BMC offers only that', async () => {
    const t = await start({ cipherSuites: [3] });
    expect(await t.settle(t.driver().powerState())).toBe('Off');
    expect(traced('ipmi.session.active').map((e) => e.suite)).toEqual([3]);
  });

  it('powers on: On at once (POST), the server On after POST on the virtual clock', async () => {
    const t = await start();
    const driver = t.driver();
    await t.settle(driver.power('On'));
    expect(t.server.power).toBe('PoweringOn');
    expect(await t.settle(driver.powerState())).toBe('On'); // IPMI has no "powering on": the chassis has power
    const startedMs = t.clock.now();
    await t.clock.runUntil(() => t.server.power === 'On', { timeoutMs: POST_MAX_MS + 1 });
    expect(t.clock.now() - startedMs).toBeLessThanOrEqual(POST_MAX_MS);
    expect(await t.settle(driver.powerState())).toBe('On');
    await t.settle(driver.power('On')); // already on: a no-op, not an error
    expect(t.server.power).toBe('On');
  });

  it('powers off, cycles, hard-resets and shuts down gracefully', async () => {
    const t = await start({ initialPower: 'On' });
    const driver = t.driver();
    const boots = (): number => traced('server.booted').length;

    await t.settle(driver.power('ForceOff'));
    expect(t.server.power).toBe('Off');
    expect(await t.settle(driver.powerState())).toBe('Off');
    await t.settle(driver.power('ForceOff')); // off what is off: the goal is met

    // A cycle of a server that is off is refused (D5h), as the spec recommends.
    const refused = await failure(driver.power('PowerCycle'));
    expect(refused).toBeInstanceOf(BmcBadRequestError);
    expect(String(refused)).toMatch(/completion code 0xD5/i);

    await t.settle(driver.power('On'));
    await t.clock.runUntil(() => t.server.power === 'On', { timeoutMs: POST_MAX_MS + 1 });

    await t.settle(driver.power('PowerCycle'));
    expect(t.server.power).toBe('Off');
    await t.clock.runUntil(() => t.server.power === 'On', { timeoutMs: 200 + POST_MAX_MS + 1 });
    expect(boots()).toBe(2);

    await t.settle(driver.power('ForceRestart'));
    expect(t.server.power).toBe('PoweringOn'); // straight back into POST, power never dropped
    expect(boots()).toBe(3);
    await t.clock.runUntil(() => t.server.power === 'On', { timeoutMs: POST_MAX_MS + 1 });

    await t.settle(driver.power('GracefulShutdown'));
    expect(t.server.power).toBe('PoweringOff');
    expect(await t.settle(driver.powerState())).toBe('On'); // the OS is still shutting down
    await t.clock.runUntil(() => t.server.power === 'Off', { timeoutMs: 1_001 });
    expect(await t.settle(driver.powerState())).toBe('Off');

    expect(t.server.eventLog.map((e) => e.kind)).toEqual(['power-off', 'power-on', 'power-cycle', 'power-on', 'hard-reset', 'soft-off']);
  });

  it('sets a one-time UEFI PXE boot: the next boot is from PXE, then the override is gone', async () => {
    const t = await start({ initialPower: 'On' });
    const driver = t.driver();
    await t.settle(driver.setBootOverride({ device: 'Pxe', persistent: false, mode: 'UEFI' }));
    expect(t.server.bootOverride).toEqual({ device: 'Pxe', persistence: 'Once', mode: 'Uefi' });

    await t.settle(driver.power('PowerCycle'));
    await t.clock.runUntil(() => t.server.power === 'On', { timeoutMs: 200 + POST_MAX_MS + 1 });
    expect(t.server.lastBoot).toMatchObject({ device: 'Pxe', mode: 'Uefi' });
    expect(t.server.bootOverride.device).toBe('None'); // consumed

    await t.settle(driver.power('ForceRestart'));
    expect(t.server.lastBoot).toMatchObject({ device: 'None' }); // back to the normal boot order
  });

  it('sets a persistent legacy disk boot that survives reboots', async () => {
    const t = await start({ initialPower: 'On' });
    const driver = t.driver();
    await t.settle(driver.setBootOverride({ device: 'Hdd', persistent: true, mode: 'Legacy' }));
    for (let i = 0; i < 2; i++) {
      await t.settle(driver.power('ForceRestart'));
      expect(t.server.lastBoot).toMatchObject({ device: 'Hdd', mode: 'Legacy' });
    }
    expect(t.server.bootOverride).toEqual({ device: 'Hdd', persistence: 'Persistent', mode: 'Legacy' });
  });

  it('clears a persistent override: the next boots follow the normal boot order', async () => {
    const t = await start({ initialPower: 'On' });
    const driver = t.driver();
    await t.settle(driver.setBootOverride({ device: 'Pxe', persistent: true, mode: 'UEFI' }));
    await t.settle(driver.clearBootOverride());
    expect(t.server.bootOverride.device).toBe('None');
    await t.settle(driver.power('ForceRestart'));
    expect(t.server.lastBoot).toMatchObject({ device: 'None' });
  });

  it('reads the FRU: the serials and product data of the server identity', async () => {
    const identity = identityFor(7);
    const t = await start({ identity });
    expect(await t.settle(t.driver().fru())).toEqual({
      chassisSerial: identity.chassisSerialNumber,
      boardManufacturer: identity.manufacturer,
      boardProduct: identity.productName,
      boardSerial: identity.boardSerialNumber,
      productManufacturer: identity.manufacturer,
      productName: identity.productName,
      productPartNumber: identity.partNumber,
      productSerial: identity.serialNumber,
    });
  });

  it("reads the sensors: names, units and values of the server's own readings, on and off", async () => {
    const t = await start({ initialPower: 'On' });
    const driver = t.driver();
    const compare = async (): Promise<void> => {
      const read = await t.settle(driver.sensors());
      const truth = t.server.readSensors(); // the virtual clock has not moved since the driver read them
      expect(read.map((r) => r.name)).toEqual(truth.map((r) => r.spec.name));
      for (const [i, reading] of read.entries()) {
        const spec = truth[i]!.spec;
        expect(reading.kind, spec.name).toBe(spec.kind);
        expect(reading.unit, spec.name).toBe({ temperature: 'degrees C', fan: 'RPM', power: 'Watts', voltage: 'Volts' }[spec.kind]);
        expect(reading.status, spec.name).toBe(STATUS[truth[i]!.status]);
        const value = truth[i]!.value;
        if (value === undefined) {
          expect(reading.value, spec.name).toBeUndefined();
        } else {
          // Within half a raw count of the sensor's SDR linearisation.
          expect(Math.abs(reading.value! - value), `${spec.name}: ${reading.value} vs ${value}`).toBeLessThanOrEqual(SDR_RESOLUTION[spec.id]! / 2 + 1e-9);
        }
      }
    };
    await t.clock.runFor(120_000); // let the readings settle near their powered values
    await compare();
    const cpu = (await t.settle(driver.sensors())).find((r) => r.name === 'CPU1 Temp');
    expect(cpu?.value).toBeGreaterThan(40);
    expect(cpu?.value).toBeLessThan(65);

    await t.settle(driver.power('ForceOff'));
    await t.clock.runFor(60_000);
    await compare();
    const off = await t.settle(driver.sensors());
    expect(off.filter((r) => r.status === 'unavailable').map((r) => r.name)).toEqual(['CPU1 Temp', 'CPU2 Temp', 'Fan1', 'Fan2', '12V']);
  });

  it('reads the power events back from the SEL', async () => {
    const t = await start();
    const driver = t.driver();
    await t.settle(driver.power('On'));
    await t.clock.runUntil(() => t.server.power === 'On', { timeoutMs: POST_MAX_MS + 1 });
    await t.settle(driver.power('PowerCycle'));
    await t.clock.runUntil(() => t.server.power === 'On', { timeoutMs: 200 + POST_MAX_MS + 1 });
    await t.settle(driver.power('ForceRestart'));
    await t.settle(driver.power('ForceOff'));
    const sel = await t.settle(driver.eventLog());
    expect(sel.map((e) => e.id)).toEqual(t.server.eventLog.map((e) => e.id));
    expect(sel.map((e) => e.timestampMs)).toEqual(t.server.eventLog.map((e) => Math.floor(e.atMs / 1000) * 1000));
    expect(sel.map((e) => e.message)).toEqual([
      'Initiated by power up (asserted)',
      'Power cycle (asserted)',
      'Initiated by power up (asserted)',
      'Initiated by hard reset (asserted)',
      'Power off / down (asserted)',
    ]);
    expect(sel.map((e) => e.sensor)).toEqual([
      'System Boot Initiated #0x51',
      'Power Unit #0x50',
      'System Boot Initiated #0x51',
      'System Boot Initiated #0x51',
      'Power Unit #0x50',
    ]);
  });
});

describe('IpmiDriver ↔ twin IpmiBmc: credentials, sessions and faults', () => {
  it('reports a wrong password as BmcAuthError, caught at RAKP 2 before any command', async () => {
    const t = await start();
    const error = await failure(t.driver({ password: 'not-the-password' }).powerState());
    expect(error).toBeInstanceOf(BmcAuthError);
    expect(String(error)).toMatch(/RAKP2 key exchange code does not match this password/);
    expect(traced('ipmi.session.active')).toEqual([]);
    expect(t.bmc.responder.activeSessions()).toBe(0);
  });

  it('reports an unknown user, and the wrong-credentials fault, as BmcAuthError', async () => {
    const t = await start({ faults: { faults: [{ target: 'bmc:r1-s1', kind: 'wrong-credentials', window: { fromMs: 0, toMs: 1_000 } }] } });
    expect(await failure(t.driver().powerState())).toBeInstanceOf(BmcAuthError);
    expect(await failure(t.driver({ username: 'ghost' }).powerState())).toBeInstanceOf(BmcAuthError);
    await t.clock.runFor(1_000);
    expect(await t.settle(t.driver().powerState())).toBe('Off'); // the fault window is over
  });

  it('refuses an operator session for a user-level account, and powers with an operator one', async () => {
    const t = await start({
      users: [
        { name: 'admin', password: 'drill-ipmi', privilege: 'administrator' },
        { name: 'viewer', password: 'viewer-pw', privilege: 'user' },
      ],
    });
    const viewer = t.driver({ username: 'viewer', password: 'viewer-pw', privilege: 'user' });
    expect(await t.settle(viewer.powerState())).toBe('Off');
    const denied = await failure(viewer.power('On'));
    expect(denied).toBeInstanceOf(BmcBadRequestError);
    expect(String(denied)).toMatch(/insufficient privilege/);
    expect(t.server.power).toBe('Off');
    expect(await failure(t.driver({ username: 'viewer', password: 'viewer-pw', privilege: 'operator' }).powerState())).toBeInstanceOf(BmcAuthError);
  });

  it('reports session exhaustion (the fault) as BmcBusyError, and gets a session once it ends', async () => {
    const plan: FaultPlanData = { faults: [{ id: 'no-sessions', target: 'bmc:*', kind: 'session-exhaustion', window: { fromMs: 0, toMs: 30_000 } }] };
    const t = await start({ faults: plan });
    const driver = t.driver();
    const error = await failure(driver.powerState());
    expect(error).toBeInstanceOf(BmcBusyError);
    expect((error as BmcBusyError).retryable).toBe(true);
    expect(String(error)).toMatch(/insufficient resources/);
    expect(traced('fault.strike').map((e) => e.id)).toContain('no-sessions');
    // Busy is not fatal: the same driver asked again after the window gets its session.
    await t.clock.runFor(30_000);
    expect(await t.settle(driver.powerState())).toBe('Off');
    expect(driver.sessionsOpened).toBe(1);
  });

  it('reports a full session table as BmcBusyError until a driver closes its session', async () => {
    const t = await start({ maxSessions: 2 });
    const [a, b, c] = [t.driver(), t.driver(), t.driver()];
    await t.settle(Promise.all([a.powerState(), b.powerState()]));
    expect(t.bmc.responder.activeSessions()).toBe(2);
    expect(await failure(c.powerState())).toBeInstanceOf(BmcBusyError);
    await t.settle(a.close()); // Close Session frees the slot at once
    expect(await t.settle(c.powerState())).toBe('Off');
    expect(t.bmc.responder.activeSessions()).toBe(2);
  });

  it('rides out randomly dropped datagrams with retransmissions', async () => {
    const plan: FaultPlanData = { faults: [{ id: 'lossy', target: 'bmc:*', kind: 'drop', probability: 0.2 }] };
    const t = await start({ faults: plan, initialPower: 'On' });
    const driver = t.driver({ timeoutMs: 5_000, retries: 5 });
    expect((await t.settle(driver.probe())).manufacturer).toBe('Dell');
    for (let i = 0; i < 20; i++) expect(await t.settle(driver.powerState())).toBe('On');
    expect((await t.settle(driver.sensors())).map((r) => r.name)).toHaveLength(8);
    await t.settle(driver.power('ForceOff'));
    expect(t.server.power).toBe('Off');
    const dropped = traced('udp.dropped').length;
    expect(dropped).toBeGreaterThan(5);
    console.log(`${dropped} of ${traced('udp.send').length} datagrams dropped; every call succeeded`);
  });

  it('gives up with BmcUnreachableError when the BMC is cut off longer than the retries last, and recovers after', async () => {
    const plan: FaultPlanData = { faults: [{ id: 'cut-off', target: 'bmc:*', kind: 'drop', window: { fromMs: 10_000, toMs: 40_000 } }] };
    const t = await start({ faults: plan });
    const driver = t.driver({ timeoutMs: 2_000, retries: 3 });
    expect(await t.settle(driver.powerState())).toBe('Off'); // a session before the cut
    await t.clock.runFor(10_000);
    const startedMs = t.clock.now();
    const error = await failure(driver.powerState());
    expect(error).toBeInstanceOf(BmcUnreachableError);
    expect((error as BmcUnreachableError).retryable).toBe(true);
    // The session exchange gives up, then one attempt at a new session does: two deadlines.
    expect(t.clock.now() - startedMs).toBeLessThanOrEqual(2 * 2_000);
    await t.clock.runFor(40_000 - t.faults.elapsedMs());
    expect(await t.settle(driver.powerState())).toBe('Off');
  });

  it('gives the same trace for the same seed, byte for byte', async () => {
    const plan: FaultPlanData = {
      faults: [
        { target: 'bmc:*', kind: 'drop', probability: 0.1 },
        { target: 'bmc:*', kind: 'latency', latencyMs: 3, jitterMs: 2 },
      ],
    };
    const run = async (seed: number): Promise<{ digest: string; lines: string[] }> => {
      const lines = new MemoryTraceSink();
      const t = await startModelIpmiTwin({ seed, sink: lines, faults: plan });
      const driver = t.driver();
      await t.settle(driver.probe());
      await t.settle(driver.setBootOverride({ device: 'Pxe', persistent: false, mode: 'UEFI' }));
      await t.settle(driver.power('On'));
      await t.clock.runUntil(() => t.server.power === 'On', { timeoutMs: 10_000 });
      await t.settle(Promise.all([driver.sensors(), driver.fru(), driver.eventLog()]));
      await t.settle(driver.power('GracefulShutdown'));
      await t.dispose();
      return { digest: t.trace.finish(), lines: lines.lines };
    };
    const a = await run(SEED);
    const b = await run(SEED);
    expect(b.lines.length).toBe(a.lines.length);
    expect(b.lines).toEqual(a.lines);
    expect(b.digest).toBe(a.digest);
    expect(a.lines.some((l) => l.includes('"udp.dropped"'))).toBe(true);
    const other = await run(SEED + 1);
    expect(other.digest).not.toBe(a.digest);
    console.log(`seed=${SEED}: ${a.lines.length} trace events, sha256 ${a.digest.slice(0, 16)}…`);
  });
});
