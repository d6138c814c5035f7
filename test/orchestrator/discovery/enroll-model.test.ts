// Enrollment against the twin in model fidelity: the real drivers over the
// in-process HTTP network and datagram switch, on a virtual clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BmcCredentials,
  CredentialVault,
  Enroller,
  ObservedStore,
  SqliteStore,
  type EnrollResult,
  type StoredEvent,
} from '../../../orchestrator/index.js';
import { startModelFleet, type ModelFleet } from '../../../scenarios/index.js';
import { SeededRandom } from '../../../sim/index.js';
import { parseDatacenterSpec } from '../../../twins/index.js';
import { DISCOVERY_SPEC } from './fleet-spec.js';

const UNREACHABLE = '127.1.203.99';

let fleet: ModelFleet;
let store: ObservedStore;
let results: EnrollResult[];
const progress: string[] = [];
const live: StoredEvent[] = [];

beforeAll(async () => {
  fleet = await startModelFleet({ datacenter: parseDatacenterSpec(DISCOVERY_SPEC) });
  store = new ObservedStore(new SqliteStore({ path: ':memory:', clock: fleet.clock }));
  store.subscribe((event) => live.push(event));
  const vault = new CredentialVault({ key: Buffer.alloc(32, 7), random: new SeededRandom(1) });
  const enroller = new Enroller({ store, vault, drivers: fleet.drivers, clock: fleet.clock });
  const addresses = [...fleet.servers.values()].map((s) => s.spec.bmc.address);
  results = await fleet.settle(
    enroller.enrollAll({
      targets: [...addresses, UNREACHABLE].map((address) => ({ address })),
      credentials: new BmcCredentials('admin', 'fleet-pass'),
      concurrency: 3,
      timeoutMs: 120_000,
      batch: 'b1',
      onResult: (r) => progress.push(r.address),
    }),
  );
});

afterAll(async () => {
  await store?.close();
  await fleet?.dispose();
});

const resultFor = (unit: number) => results.find((r) => r.address === `127.1.203.${unit}`)!;

describe('enrolling a mixed fleet in model fidelity', () => {
  it('enrolls Redfish BMCs as redfish with the vendor the BMC reports', () => {
    for (const unit of [1, 2, 3, 4]) expect(resultFor(unit)).toMatchObject({ ok: true, protocol: 'redfish', port: 443 });
    const vendors = [1, 2, 3, 4].map((u) => (resultFor(u) as Extract<EnrollResult, { ok: true }>).manufacturer);
    expect(vendors).toEqual(['Example', 'Dell Inc.', 'HPE', 'Supermicro']);
  });

  it('picks the vendor profile from what each Redfish service says about itself', async () => {
    const snapshot = await store.snapshot();
    const profileOf = (unit: number) => snapshot.nodes.get(`bmc-127-1-203-${unit}`)!.value.bmc!.profile;
    expect(profileOf(2)).toMatch(/dell/);
    expect(profileOf(3)).toMatch(/hpe|ilo/);
    expect(profileOf(4)).toMatch(/supermicro/);
  });

  it('falls back to IPMI for the IPMI-only BMC', () => {
    expect(resultFor(5)).toMatchObject({ ok: true, protocol: 'ipmi', port: 623 });
  });

  it('reports a wrong password as auth for that BMC only, and an unreachable address as unreachable', () => {
    expect(resultFor(6)).toMatchObject({ ok: false, reason: 'auth' });
    expect(results.find((r) => r.address === UNREACHABLE)).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(progress).toHaveLength(7);
  });

  it('records each node with its BMC, a credentials reference and an inventory that matches the spec', async () => {
    const snapshot = await store.snapshot();
    expect(snapshot.nodes.size).toBe(5);
    for (const { spec } of fleet.servers.values()) {
      if (spec.bmc.credentials.password.reveal() !== 'fleet-pass') continue;
      const node = snapshot.nodes.get(`bmc-${spec.bmc.address.replace(/\./g, '-')}`)!.value;
      expect(node.lifecycle).toBe('inventoried');
      expect(node.bmc).toMatchObject({ address: spec.bmc.address, credentialsRef: expect.stringMatching(/^cred-/) });
      expect(JSON.stringify(node)).not.toContain('fleet-pass');
      expect(node.bmc!.manufacturer).toBe(spec.hardware.manufacturer);
      if (node.bmc!.protocol === 'redfish') {
        const hw = node.inventory!.hardware!;
        expect(hw.processors.length).toBe(spec.hardware.cpu.sockets);
        expect(hw.memory.reduce((sum, m) => sum + (m.capacityMiB ?? 0), 0)).toBe(spec.hardware.memory.dimms * spec.hardware.memory.dimmGiB * 1024);
        expect(hw.drives.length).toBe(spec.disks.length);
        expect(hw.nics.map((n) => n.macAddress).sort()).toEqual(spec.nics.map((n) => n.mac.toLowerCase()).sort());
        expect(hw.serialNumber ?? hw.serviceTag).toBeDefined();
      } else {
        expect(node.inventory!.source).toBe('ipmi');
        expect(node.inventory!.fru?.productSerial ?? node.inventory!.fru?.chassisSerial).toBe(spec.identity.systemSerial);
        expect(node.inventory!.sensors!.length).toBeGreaterThan(0);
      }
    }
  });

  it('records enrolled → inventoried for every node and a failure event per failed BMC, tagged with the batch', async () => {
    const events = await store.events(0, 1000);
    expect(events.filter((e) => e.type === 'node.enrolled')).toHaveLength(5);
    expect(events.filter((e) => e.type === 'node.inventoried')).toHaveLength(5);
    const failed = events.filter((e) => e.type === 'node.enroll-failed');
    expect(failed.map((e) => e.data['reason']).sort()).toEqual(['auth', 'unreachable']);
    expect(events.every((e) => e.data['batch'] === 'b1')).toBe(true);
    expect(live.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    expect(JSON.stringify(events)).not.toContain('fleet-pass');
  });
});
