/**
 * Sensor alerts: a `sensor-excursion` fault forces a reading for its window; the
 * server logs and announces each threshold crossing, out and back.
 *
 * Run: npx vitest run test/twins/server/sensor-alerts.test.ts
 */
import { describe, expect, it } from 'vitest';
import { FaultInjector, FaultPlan, SeededRandom, VirtualClock, type FaultPlanData } from '../../../sim/index.js';
import type { ServerEvent } from '../../../twins/server/index.js';
import { makeServer } from './support/server-fixture.js';

function withFaults(plan: FaultPlanData) {
  const clock = new VirtualClock();
  const faults = new FaultInjector({ plan: FaultPlan.parse(plan), clock, random: new SeededRandom(3).fork('faults') });
  return makeServer({ clock, faults, initialPower: 'On' });
}

describe('SimulatedServer sensor alerts', () => {
  it('logs and announces a CPU running hot for the fault window, then its return to normal', async () => {
    const { server, clock } = withFaults({
      faults: [{ target: 'node:r1-s1', kind: 'sensor-excursion', window: { fromMs: 10_000, toMs: 70_000 }, params: { sensor: 'cpu1-temp', value: 97 } }],
    });
    const events: ServerEvent[] = [];
    server.onEvent((e) => events.push(e));
    await clock.runFor(20_000);
    expect(server.readSensor('cpu1-temp')).toMatchObject({ value: 97, status: 'critical' });
    await clock.runFor(60_000);
    expect(server.readSensor('cpu1-temp')?.status).toBe('ok');
    const crossings = events.filter((e) => e.type === 'sensor').map((e) => (e.type === 'sensor' ? e.crossing : undefined));
    expect(crossings).toEqual([
      { sensor: 'cpu1-temp', from: 'ok', to: 'critical', value: 97, side: 'upper' },
      { sensor: 'cpu1-temp', from: 'critical', to: 'ok', value: expect.any(Number), side: 'upper' },
    ]);
    expect(server.eventLog.filter((e) => e.kind === 'sensor-threshold').map((e) => e.crossing?.to)).toEqual(['critical', 'ok']);
  });

  it('tells a stalling fan (lower thresholds) from an overheating one', async () => {
    const { server, clock } = withFaults({ faults: [{ target: 'node:*', kind: 'sensor-excursion', atMs: 5_000, params: { sensor: 'fan1', value: 900 } }] });
    await clock.runFor(6_000);
    expect(server.eventLog.at(-1)?.crossing).toEqual({ sensor: 'fan1', from: 'ok', to: 'non-critical', value: 900, side: 'lower' });
  });

  it('refuses an excursion that names no sensor of the server, naming the fix', async () => {
    const { clock } = withFaults({ faults: [{ id: 'hot', target: 'node:r1-s1', kind: 'sensor-excursion', atMs: 1_000, params: { sensor: 'gpu9-temp', value: 99 } }] });
    await expect(clock.runFor(2_000)).rejects.toThrow(/faults\.hot\.params: .* does not name a sensor of node:r1-s1 and a reading — write params: \{ sensor: inlet-temp, value: 97 \}/);
  });
});
