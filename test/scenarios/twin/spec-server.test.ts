/**
 * A spec server's POST lasts as long as its vendor's servers take (per BMC
 * flavour and timing profile), and its machine boots when POST ends.
 *
 * Run: npx vitest run test/scenarios/twin
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DatagramSwitch, DisposableStack, FaultInjector, FaultPlan, InProcessHttpNetwork, SeededRandom, VirtualClock } from '../../../sim/index.js';
import { buildSpecServer } from '../../../scenarios/twin/spec-server.js';
import { FLAVOUR_PROFILES, parseDatacenterSpec, type PowerTimingProfile } from '../../../twins/index.js';

const LAB = fileURLToPath(new URL('../../../scenarios/datacenters/lab.yaml', import.meta.url));

let stack: DisposableStack | undefined;
afterEach(async () => {
  await stack?.dispose();
  stack = undefined;
});

/** Virtual ms from power-on to power On, per server of the lab. */
async function postTimes(profile: PowerTimingProfile): Promise<Array<{ flavour: string; ms: number }>> {
  stack = new DisposableStack();
  const dc = parseDatacenterSpec(readFileSync(LAB, 'utf8'), { source: 'lab.yaml' });
  const clock = new VirtualClock();
  const random = new SeededRandom(dc.seed);
  const faults = new FaultInjector({ plan: FaultPlan.empty(), clock, random: random.fork('faults') });
  // Model fidelity: the machines' HTTP stays in-process (and finds no boot server there).
  stack.use(InProcessHttpNetwork.attach({ clock, random: random.fork('http'), faults }));
  const datagrams = stack.use(new DatagramSwitch({ clock, random: random.fork('udp'), faults }));
  const out: Array<{ flavour: string; ms: number }> = [];
  for (const spec of dc.servers) {
    const { server, machine } = await buildSpecServer({ datacenter: dc, spec, clock, random, faults, datagrams, stack, timingProfile: profile });
    const start = clock.now();
    server.powerAction('on');
    await clock.runUntil(() => server.power === 'On');
    out.push({ flavour: spec.bmc.flavour, ms: clock.now() - start });
    // After POST the machine network-boots; no boot server answers in this test and the disks are empty.
    await clock.runUntil(() => machine.stage === 'halted');
    server.powerAction('off');
  }
  return out;
}

describe('POST per flavour', () => {
  for (const profile of ['fast', 'realistic'] as const) {
    it(`${profile}: each server's POST lies in its flavour's range`, async () => {
      const times = await postTimes(profile);
      expect(times).toHaveLength(12);
      for (const { flavour, ms } of times) {
        const range = FLAVOUR_PROFILES[flavour as keyof typeof FLAVOUR_PROFILES].postMs[profile];
        expect(ms, flavour).toBeGreaterThanOrEqual(range.minMs);
        expect(ms, flavour).toBeLessThanOrEqual(range.maxMs);
      }
    });
  }
});
