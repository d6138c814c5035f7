// Model fidelity replays: the same seed gives the same orchestrator events, byte for byte.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startReadyStateModel } from '../../../scenarios/index.js';
import { parseDatacenterSpec } from '../../../twins/index.js';

const LAB = fileURLToPath(new URL('../../../scenarios/datacenters/lab.yaml', import.meta.url));
const READY = fileURLToPath(new URL('../../../scenarios/deployments/lab-ready.yaml', import.meta.url));
const { deployment: _name, ...plan } = parse(readFileSync(READY, 'utf8')) as Record<string, unknown>;

describe('ready state in model fidelity: determinism', () => {
  it('gives the same events, byte for byte, for the same seed', async () => {
    const runOnce = async (): Promise<string> => {
      const run = await startReadyStateModel({ datacenter: parseDatacenterSpec(readFileSync(LAB, 'utf8'), { source: LAB }), limit: 4 });
      try {
        await run.api('PUT', '/api/v1/deployments/lab-ready/plan', plan);
        await run.settle('lab-ready', 4 * 3_600_000);
        return JSON.stringify(await run.store.events(0, 100_000));
      } finally {
        await run.dispose();
      }
    };
    const [first, second] = [await runOnce(), await runOnce()];
    expect(first.length).toBeGreaterThan(1_000);
    expect(second).toBe(first);
  }, 120_000);
});
