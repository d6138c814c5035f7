// Regression: iLO refuses a power change for a few seconds after the previous one
// (400 "invalid for current system state" / ResourceInUse, field note 17; the twin's
// hpe-ilo5 flavour for 5 s). The driver retried it, but with the generic back-off
// (1 s base, 4 attempts: as little as 3.5 s in all), so a restart soon after a
// power-on failed with BmcBusyError. The hpe-ilo profile now floors the back-off at
// 2 s (at least 7 s of retries). Found by test/scenarios/redfish/model.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { startModelRedfishTwin, type ModelRedfishTwin } from '../../scenarios/index.js';

let twin: ModelRedfishTwin | undefined;
afterEach(async () => {
  await twin?.dispose();
  twin = undefined;
});

describe('regression: power actions back to back on iLO', () => {
  it('outlasts the busy window after a reset', async () => {
    twin = await startModelRedfishTwin({ seed: 1, flavour: 'hpe-ilo5', timings: { postMs: { minMs: 500, maxMs: 500 }, softOffMs: { minMs: 200, maxMs: 200 }, cycleOffMs: 200 } });
    const t = twin;
    const driver = t.driver();
    await t.settle(driver.power('On'));
    await t.clock.runUntil(() => t.server.power === 'On', { timeoutMs: 1_000 });
    await t.settle(driver.power('ForceRestart')); // well within 5 s of the power-on
    await t.settle(driver.power('ForceOff'));
    expect(t.server.eventLog.map((e) => e.kind)).toEqual(['power-on', 'hard-reset', 'power-off']);
  });
});
