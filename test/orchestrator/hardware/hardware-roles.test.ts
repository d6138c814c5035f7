// The hardware layer against the twin in model fidelity: BIOS profiles and RAID
// layouts applied through the real Redfish driver, resets included, on a virtual clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnnealerLoop,
  BIOS_PROFILE_ROLE,
  BiosProfileRunner,
  BmcCredentials,
  bindRole,
  CredentialVault,
  Enroller,
  hasCapability,
  NodeControl,
  nodeAccess,
  RAID_LAYOUT_ROLE,
  RaidLayoutRunner,
  RoleCatalog,
  SqliteStore,
  type NodeRole,
  type NodeRecord,
  type StoreWrite,
} from '../../../orchestrator/index.js';
import { startModelFleet, type ModelFleet } from '../../../scenarios/index.js';
import { SeededRandom } from '../../../sim/index.js';
import { parseDatacenterSpec } from '../../../twins/index.js';
import { DISCOVERY_SPEC } from '../discovery/fleet-spec.js';

const PROFILE = {
  'Dell Inc.': { SysProfile: 'PerfOptimized' },
  HPE: { WorkloadProfile: 'Virtualization-MaxPerformance' },
  Supermicro: { HyperThreading: 'Disable' },
  default: { PowerProfile: 'Balanced' },
};
const LAYOUT = [{ name: 'os', raidLevel: 'RAID1', drives: 2, mediaType: 'SSD' }];
/** Enrolled nodes are named after their BMC address. */
const node = (unit: number) => `bmc-127-1-203-${unit}`;

let fleet: ModelFleet;
let store: SqliteStore;
let control: NodeControl;
let loop: AnnealerLoop;
const catalog = new RoleCatalog([BIOS_PROFILE_ROLE, RAID_LAYOUT_ROLE]);

async function nodeRecord(name: string): Promise<NodeRecord> {
  return (await store.snapshot()).nodes.get(name)!.value;
}

async function nodeRoles(): Promise<Map<string, NodeRole>> {
  return new Map([...(await store.snapshot()).nodeRoles].map(([id, v]) => [id, v.value]));
}

beforeAll(async () => {
  fleet = await startModelFleet({ datacenter: parseDatacenterSpec(DISCOVERY_SPEC), limit: 5 });
  store = new SqliteStore({ path: ':memory:', clock: fleet.clock });
  const vault = new CredentialVault({ key: Buffer.alloc(32, 3), random: new SeededRandom(2) });
  const enroller = new Enroller({ store, vault, drivers: fleet.drivers, clock: fleet.clock });
  const targets = [...fleet.servers.values()].map((s) => ({ address: s.spec.bmc.address }));
  await fleet.settle(enroller.enrollAll({ targets, credentials: new BmcCredentials('admin', 'fleet-pass'), concurrency: 5, timeoutMs: 120_000, batch: 'hw' }));
  control = new NodeControl({ vault, drivers: fleet.drivers, clock: fleet.clock });
  const access = nodeAccess(store, control, fleet.clock);
  const writes: StoreWrite[] = [{ kind: 'deployment', value: { name: 'hw', committed: true, paused: false, attributes: { 'bios.profile': PROFILE, 'raid.layout': LAYOUT } }, expectedVersion: undefined }];
  let bound = new Map<string, NodeRole>();
  for (const unit of [1, 2, 3, 4, 5]) bound = new Map([...bound, ...bindRole(catalog, bound, 'hw', 'bios-profile', node(unit))]);
  for (const unit of [1, 2, 3]) bound = new Map([...bound, ...bindRole(catalog, bound, 'hw', 'raid-layout', node(unit))]);
  for (const value of bound.values()) writes.push({ kind: 'node-role', value, expectedVersion: undefined });
  await store.commit(writes, []);
  loop = new AnnealerLoop({
    store,
    catalog,
    clock: fleet.clock,
    random: new SeededRandom(4),
    runnerFor: (role) => (role === BIOS_PROFILE_ROLE.name ? new BiosProfileRunner(access) : new RaidLayoutRunner(access)),
    limits: { maxRunning: 10, maxRunningPerNode: 1, leaseMs: 300_000 },
    tickEveryMs: 5_000,
  });
  loop.start();
  await fleet.clock.runFor(30 * 60_000);
}, 120_000);

afterAll(async () => {
  await loop?.stop();
  await store?.close();
  await fleet?.dispose();
});

describe('hardware roles against the twin', () => {
  it('brings each Redfish BIOS to its vendor profile through staged settings and a reset', async () => {
    const states = await nodeRoles();
    for (const unit of [1, 2, 3]) expect(states.get(`hw/bios-profile@${node(unit)}`)?.state.kind).toBe('active');
    const bios: Record<string, unknown>[] = [];
    for (const unit of [1, 2, 3]) bios.push(await fleet.settle(control.withDriver(await nodeRecord(node(unit)), async (d) => (hasCapability(d, 'bios') ? (await d.bios()).current : {}))));
    const [generic, dell, hpe] = bios;
    expect(generic).toMatchObject(PROFILE.default);
    expect(dell).toMatchObject(PROFILE['Dell Inc.']);
    expect(hpe).toMatchObject(PROFILE.HPE);
    // The settings took a reset: every one of these servers went through POST, though none was powered on by hand.
    for (const server of [...fleet.servers.values()].slice(0, 3)) expect(server.server.lastBoot).toBeDefined();
  });

  it('stops in error, without retrying, where the BMC cannot do it, saying why', async () => {
    const states = await nodeRoles();
    const ipmi = states.get(`hw/bios-profile@${node(5)}`)!;
    expect(ipmi.state).toMatchObject({ kind: 'error', message: expect.stringContaining('cannot configure the BIOS — take this node out of the bios-profile binding') });
    // Supermicro keeps BIOS changes behind a license: the BMC's own words reach the operator.
    const unlicensed = states.get(`hw/bios-profile@${node(4)}`)!;
    expect(unlicensed.state).toMatchObject({ kind: 'error', message: expect.stringContaining('A license is required for this operation: SFT-DCMS-SINGLE') });
    expect([ipmi.attempts, unlicensed.attempts]).toEqual([1, 1]);
  });

  it('lays out RAID volumes where the BMC exposes them', async () => {
    const states = await nodeRoles();
    for (const unit of [1, 2]) expect(states.get(`hw/raid-layout@${node(unit)}`)?.state.kind).toBe('active');
    for (const unit of [1, 2]) {
      const volumes = await fleet.settle(control.withDriver(await nodeRecord(node(unit)), async (d) => (hasCapability(d, 'raid') ? d.volumes() : [])));
      expect(volumes.map((v) => [v.name, v.raidLevel, v.drives.length])).toEqual([['os', 'RAID1', 2]]);
    }
    // HPE iLO 5 keeps SmartArray RAID out of standard Redfish.
    expect(states.get(`hw/raid-layout@${node(3)}`)?.state).toMatchObject({ kind: 'error', message: expect.stringContaining('exposes a Volumes collection') });
  });

  it('does nothing more once converged: another half hour of ticks runs nothing', async () => {
    const before = [...(await nodeRoles()).values()].map((nr) => nr.runCount);
    await fleet.clock.runFor(30 * 60_000);
    expect([...(await nodeRoles()).values()].map((nr) => nr.runCount)).toEqual(before);
  });
});
