/**
 * Alert events: a sensor crossing its threshold reaches Redfish event
 * subscribers as a SensorEvent registry message, and its return to normal too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DisposableStack, FaultInjector, FaultPlan, InProcessHttpNetwork, SeededRandom, VirtualClock } from '../../../sim/index.js';
import { RedfishBmc, SimulatedServer } from '../../../twins/index.js';
import { ADMIN, BASIC, identity } from './harness.js';

const stack = new DisposableStack();
afterEach(async () => {
  await stack.dispose();
});

describe('Redfish alert events', () => {
  it('posts SensorEvent alerts for a CPU over its critical threshold and back', async () => {
    const clock = new VirtualClock();
    const random = new SeededRandom(11);
    const plan = FaultPlan.parse({ faults: [{ target: 'node:r1-s1', kind: 'sensor-excursion', window: { fromMs: 5_000, toMs: 15_000 }, params: { sensor: 'cpu1-temp', value: 99 } }] });
    const faults = new FaultInjector({ plan, clock, random: random.fork('faults') });
    const network = InProcessHttpNetwork.attach({ clock, random: random.fork('net') });
    stack.defer(() => network.dispose());
    const server = new SimulatedServer({ name: 'node:r1-s1', identity: identity(), clock, random: random.fork('server'), initialPower: 'On', faults });
    stack.defer(() => server.dispose());
    const bmc = new RedfishBmc({ server, flavour: 'dmtf', clock, random: random.fork('bmc'), credentials: ADMIN, faults });
    stack.defer(() => bmc.dispose());
    stack.use(bmc.listen(network, '127.1.0.1:443'));
    const received: Array<{ Events: Array<{ MessageId: string; Message: string; MessageSeverity?: string; OriginOfCondition: { '@odata.id': string } }> }> = [];
    stack.use(
      network.listen('127.0.0.1:9000', async (request) => {
        received.push((await request.json()) as (typeof received)[number]);
        return new Response(null, { status: 204 });
      }),
    );
    const subscribe = fetch('https://127.1.0.1/redfish/v1/EventService/Subscriptions', {
      method: 'POST',
      headers: { Authorization: BASIC, 'content-type': 'application/json' },
      body: JSON.stringify({ Destination: 'http://127.0.0.1:9000/events', Protocol: 'Redfish' }),
    });
    expect((await clock.runUntilSettled(subscribe)).status).toBe(201);
    await clock.runFor(20_000);
    const events = received.flatMap((r) => r.Events);
    const alerts = events.filter((e) => e.MessageId.startsWith('SensorEvent.'));
    expect(alerts.map((e) => e.MessageId)).toEqual(['SensorEvent.1.1.ReadingAboveUpperCriticalThreshold', 'SensorEvent.1.1.SensorReadingNormalRange']);
    expect(alerts[0]!.Message).toBe("Sensor 'CPU1 Temp' reading of 99 (degrees C) is above the 95 upper critical threshold.");
    expect(alerts[0]!.OriginOfCondition['@odata.id']).toMatch(/\/Sensors\/cpu1-temp$/);
  });
});
