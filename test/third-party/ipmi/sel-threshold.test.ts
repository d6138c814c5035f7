/**
 * Threshold events in the SEL, read by Debian's ipmitool: a CPU forced over its
 * critical threshold shows as an asserted "Upper Critical going high" event of
 * the CPU's own sensor, and its return as the deassertion.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { commandOnPath, describeWithHost } from '../../support/host-tools.js';
import { startWireTwin, tool } from './support/wire-twin.js';

describeWithHost('ipmitool reads sensor threshold events from the twin SEL', [commandOnPath('ipmitool')], () => {
  let twin: Awaited<ReturnType<typeof startWireTwin>>;

  beforeAll(async () => {
    twin = await startWireTwin(9, {
      faults: [{ target: 'node:r1-s1', kind: 'sensor-excursion', window: { fromMs: 50, toMs: 400 }, params: { sensor: 'cpu1-temp', value: 97 } }],
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
  });

  afterAll(async () => {
    await twin.dispose();
  });

  it('lists the assertion and the deassertion against the CPU1 Temp sensor', async () => {
    const { code, stdout, stderr } = await tool('ipmitool', ['-I', 'lanplus', '-C', '17', '-H', '127.0.0.1', '-p', String(twin.port), '-U', 'admin', '-P', 'secret', 'sel', 'elist']);
    expect(code, stderr).toBe(0);
    const lines = stdout.split('\n').filter((l) => l.includes('CPU1 Temp'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/Upper Critical going high .*\| Asserted/);
    expect(lines[1]).toMatch(/Upper Critical going high .*\| Deasserted/);
  });
});
