// Regression: the Redfish driver's login read the service root once, unauthenticated,
// outside the retry loop: a single 503 (DSP0266: "retry later") or a dropped
// connection on that GET failed the whole operation with BmcBusyError /
// BmcUnreachableError, though every other idempotent GET is retried. A flaky BMC
// (field notes 4, 39) therefore failed fresh drivers at random. Found with the
// twin's `flaky` modifier and a 503 window (test/scenarios/redfish/model.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { startModelRedfishTwin, type ModelRedfishTwin } from '../../scenarios/index.js';

let twin: ModelRedfishTwin | undefined;
afterEach(async () => {
  await twin?.dispose();
  twin = undefined;
});

describe('regression: Redfish login survives a transient service-root failure', () => {
  it('retries a 503 on the service root read that starts the login', async () => {
    twin = await startModelRedfishTwin({ seed: 1, flavour: 'dmtf', faults: { faults: [{ id: 'root-503', target: 'bmc:r1-s1', kind: 'error', status: 503, atMs: 0 }] } });
    const t = twin;
    expect((await t.settle(t.driver().probe())).manufacturer).toBe('Contoso');
  });

  it('retries a connection reset on that read', async () => {
    twin = await startModelRedfishTwin({ seed: 1, flavour: 'openbmc', faults: { faults: [{ id: 'root-reset', target: 'bmc:r1-s1', kind: 'reset', atMs: 0 }] } });
    const t = twin;
    expect(await t.settle(t.driver().powerState())).toBe('Off');
  });
});
