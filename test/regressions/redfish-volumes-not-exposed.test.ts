// Regression: on a BMC whose storage controllers expose no Volumes collection
// (HPE iLO 5: SmartArray logical drives are OEM-only), the driver's volumes()
// answered [] — "no volumes" — while createVolume() said NotSupported. An
// orchestrator would take the disks for unconfigured. volumes() now throws
// NotSupportedError too. Found by test/scenarios/redfish/model.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { NotSupportedError } from '../../orchestrator/index.js';
import { startModelRedfishTwin, type ModelRedfishTwin } from '../../scenarios/index.js';

let twin: ModelRedfishTwin | undefined;
afterEach(async () => {
  await twin?.dispose();
  twin = undefined;
});

describe('regression: RAID volumes on a BMC without standard Volumes', () => {
  it('reports NotSupported instead of an empty list', async () => {
    twin = await startModelRedfishTwin({ seed: 1, flavour: 'hpe-ilo5' });
    const t = twin;
    const error = await t.settle(t.driver().volumes()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NotSupportedError);
    expect(String(error)).toMatch(/exposes a Volumes collection/);
  });
});
