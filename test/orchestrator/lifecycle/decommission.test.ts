// Decommission in model fidelity: the orchestrator wipes a node through its BMC (Redfish or
// IPMI) and the boot server, the twin's machine erases its disks, and the node comes back
// wiped, paused and blank; a wipe that fails or never reports leaves it decommissioning.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BmcCredentials, hasCapability, type BmcDriver } from '../../../orchestrator/index.js';
import { startReadyStateModel, type ReadyStateModel } from '../../../scenarios/index.js';
import { parseDatacenterSpec } from '../../../twins/index.js';
import { twoServerSpec } from '../../support/small-spec.js';

const READY = fileURLToPath(new URL('../../../scenarios/deployments/lab-ready.yaml', import.meta.url));
const LAB = fileURLToPath(new URL('../../../scenarios/datacenters/lab.yaml', import.meta.url));
const { deployment: _name, ...plan } = parse(readFileSync(READY, 'utf8')) as { attributes: Record<string, unknown> } & Record<string, unknown>;
const datacenter = parseDatacenterSpec(twoServerSpec({ name: 'wipe', seed: '0x3e1', rack: 'w1', rackIndex: 61, bootPort: 8080 }));
const REDFISH = 'w1-u01';
const IPMI = 'w1-u02';

/** What a user checks after a decommission: the machine's disks, power and boot override, and the node as the orchestrator has it. */
async function torn(model: ReadyStateModel, name: string) {
  const { machine, server } = model.fleet.servers.get(name)!;
  const node = (await model.store.nodes()).get(name)!.value;
  const roles = [...(await model.store.snapshot()).nodeRoles.values()].filter((nr) => nr.value.node === name);
  return {
    os: machine.os?.name,
    disks: machine.disks.map((d) => d.contents),
    power: server.power,
    override: server.bootOverride.device,
    lifecycle: node.lifecycle,
    paused: node.paused,
    wiped: node.provisioning?.wipedAtMs !== undefined,
    // Back to the start, waiting: the annealer holds a paused node's layers as blocked.
    layers: [...new Set(roles.map(({ value: { state, lastGood } }) => `${state.kind === 'blocked' ? `blocked: ${state.reason.code}` : state.kind}${lastGood ? ' (last good kept)' : ''}`))],
  };
}

async function eventsOf(model: ReadyStateModel, name: string, after = 0) {
  return (await model.store.events(after, 1_000_000)).filter((e) => e.subject === name);
}

describe('decommission of ready nodes', () => {
  let model: ReadyStateModel;
  const stages = new Map<string, string[]>();

  beforeAll(async () => {
    model = await startReadyStateModel({ datacenter });
    for (const { spec, machine } of model.fleet.servers.values()) {
      stages.set(spec.name, []);
      machine.subscribe((event) => {
        if (event.type === 'stage') stages.get(spec.name)!.push(event.stage);
      });
    }
    expect((await model.api('PUT', '/api/v1/deployments/lab-ready/plan', plan)).status).toBe(200);
    await model.settle('lab-ready', 4 * 3_600_000);
  }, 120_000);

  afterAll(async () => {
    await model?.dispose();
  });

  it.each([
    [REDFISH, 'Redfish'],
    [IPMI, 'IPMI-only'],
  ])('wipes %s through its %s BMC: PXE once, every disk blank, no override left, host off, wiped and paused', async (name) => {
    expect((await torn(model, name)).os).toBe('debian');
    const after = (await model.store.events(0, 1_000_000)).at(-1)!.seq;
    const answer = await model.api('POST', `/api/v1/nodes/${name}/decommission`, { reason: 'retired' });
    // Answered once the decision is committed; the wipe goes on and ends with an event.
    expect(answer).toMatchObject({ status: 202, body: { name, lifecycle: 'decommissioning', paused: true } });
    expect(await model.wipeEnded(name, 3_600_000)).toMatchObject({ type: 'node.lifecycle', data: { from: 'decommissioning', to: 'wiped' } });
    expect(await model.api('GET', `/api/v1/nodes/${name}`)).toMatchObject({ status: 200, body: { name, lifecycle: 'wiped', paused: true, boot: 'discover' } });
    expect(await torn(model, name)).toEqual({ os: undefined, disks: ['blank'], power: 'Off', override: 'None', lifecycle: 'wiped', paused: true, wiped: true, layers: ['blocked: paused'] });
    // The machine was seen erasing its disks: what the twin's observer and the visualizer show.
    expect(stages.get(name)).toContain('wiping');
    const steps = (await eventsOf(model, name, after)).map((e) => (e.type === 'node.lifecycle' ? `lifecycle ${String(e.data['to'])}` : e.type));
    expect(steps).toEqual(['lifecycle decommissioning', 'node.agent-revoked', 'node.boot-intent', 'node.wipe-boot', 'node.wipe-token', 'node.wiped', 'node.boot-override-cleared', 'lifecycle wiped']);
    expect((await eventsOf(model, name, after)).find((e) => e.type === 'node.wipe-boot')?.data).toEqual({ device: 'Pxe', power: 'restart' });
  });
});

describe('a wipe that fails or never reports', () => {
  let model: ReadyStateModel;
  const WIPE_TIMEOUT_MS = 20 * 60_000;

  beforeAll(async () => {
    // Nothing deployed: a node can be decommissioned from any layer, even one never installed.
    model = await startReadyStateModel({
      datacenter,
      wipeTimeoutMs: WIPE_TIMEOUT_MS,
      faults: [
        { target: `node:${REDFISH}`, kind: 'wipe-fail', atMs: 0 },
        { target: `node:${IPMI}`, kind: 'post-hang', atMs: 0 },
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await model?.dispose();
  });

  it('leaves the node decommissioning with the failure recorded and refuses to reprovision it; decommission again finishes the wipe', async () => {
    expect(await model.api('POST', `/api/v1/nodes/${REDFISH}/decommission`, { reason: 'retired' })).toMatchObject({ status: 202, body: { lifecycle: 'decommissioning' } });
    expect((await model.wipeEnded(REDFISH, 3_600_000)).data).toEqual({
      message: `Failed to wipe ${REDFISH}: the wipe image reported: erasing sda failed (fault fault-0) — see the machine through its BMC, then run decommission again`,
      retryable: true,
    });
    const node = (await model.store.nodes()).get(REDFISH)!.value;
    expect([node.lifecycle, node.paused, node.provisioning?.boot.kind, node.provisioning?.wipeFailure]).toEqual(['decommissioning', true, 'wipe', 'erasing sda failed (fault fault-0)']);
    expect((await eventsOf(model, REDFISH)).filter((e) => e.type === 'node.decommission-failed').map((e) => e.data)).toEqual([{ message: expect.stringContaining('erasing sda failed'), retryable: true }]);
    expect(model.fleet.servers.get(REDFISH)!.machine.stage).toBe('halted');
    expect(model.fleet.servers.get(REDFISH)!.server.bootOverride.device).toBe('None');

    expect(await model.api('POST', `/api/v1/nodes/${REDFISH}/reprovision`)).toMatchObject({ status: 409, body: { problem: `Failed to reprovision ${REDFISH}: it is still decommissioning (its wipe has not finished)` } });

    expect(await model.api('POST', `/api/v1/nodes/${REDFISH}/decommission`, { reason: 'retired' })).toMatchObject({ status: 202 });
    expect((await model.wipeEnded(REDFISH, 3_600_000)).type).toBe('node.lifecycle');
    expect(await torn(model, REDFISH)).toMatchObject({ disks: ['blank'], power: 'Off', override: 'None', lifecycle: 'wiped', wiped: true });
    // The second try walked on from decommissioning: one step per state, no step repeated.
    expect((await eventsOf(model, REDFISH)).filter((e) => e.type === 'node.lifecycle').map((e) => e.data['to'])).toEqual(['decommissioning', 'wiped']);
  });

  it('gives up on a machine that never reports after the timeout, leaving no boot override; decommission again boots it, discovers its MACs (IPMI) and wipes it', async () => {
    expect((await model.api('POST', `/api/v1/nodes/${IPMI}/decommission`, { reason: 'retired' })).status).toBe(202);
    expect((await model.wipeEnded(IPMI, 3_600_000)).data).toEqual({ message: `Failed to wipe ${IPMI}: no wipe report within 20 min — watch its console through the BMC, then run decommission again`, retryable: true });
    expect(await torn(model, IPMI)).toMatchObject({ override: 'None', lifecycle: 'decommissioning', wiped: false });
    expect((await eventsOf(model, IPMI)).map((e) => e.type).slice(-2)).toEqual(['node.boot-override-cleared', 'node.decommission-failed']);

    const after = (await model.store.events(0, 1_000_000)).at(-1)!.seq;
    expect((await model.api('POST', `/api/v1/nodes/${IPMI}/decommission`, { reason: 'retired' })).status).toBe(202);
    expect((await model.wipeEnded(IPMI, 3_600_000)).type).toBe('node.lifecycle');
    expect(await torn(model, IPMI)).toMatchObject({ disks: ['blank'], power: 'Off', override: 'None', lifecycle: 'wiped', wiped: true });
    // Its BMC lists no MACs: the first boot only discovered it, so it was booted once more.
    expect((await eventsOf(model, IPMI, after)).map((e) => e.type).filter((t) => ['node.wipe-boot', 'node.discovered', 'node.wiped'].includes(t))).toEqual(['node.wipe-boot', 'node.discovered', 'node.wipe-boot', 'node.wiped']);
  });
});

describe('a wipe under way', () => {
  let model: ReadyStateModel;

  beforeAll(async () => {
    model = await startReadyStateModel({ datacenter });
  }, 60_000);

  afterAll(async () => {
    await model?.dispose();
  });

  it('refuses a second decommission of the node while its wipe is under way, naming what to wait for', async () => {
    expect((await model.api('POST', `/api/v1/nodes/${REDFISH}/decommission`, { reason: 'retired' })).status).toBe(202);
    expect(await model.api('POST', `/api/v1/nodes/${REDFISH}/decommission`, { reason: 'again' })).toMatchObject({
      status: 409,
      body: {
        problem: `Failed to decommission ${REDFISH}: its wipe is already under way`,
        fix: `wait for its node.lifecycle event to wiped, or node.decommission-failed (then decommission it again); drill events --follow shows them`,
      },
    });
    expect((await model.wipeEnded(REDFISH, 3_600_000)).type).toBe('node.lifecycle');
    // Once it has ended, the node can be wiped again.
    expect((await model.api('POST', `/api/v1/nodes/${REDFISH}/decommission`, { reason: 'again' })).status).toBe(202);
    expect((await model.wipeEnded(REDFISH, 3_600_000)).type).toBe('node.lifecycle');
  });

  it('leaves a node whose wipe the stopping orchestrator no longer waits for decommissioning, says so, and decommission again finishes it', async () => {
    expect((await model.api('POST', `/api/v1/nodes/${IPMI}/decommission`, { reason: 'retired' })).status).toBe(202);
    await model.restartTeardown();
    expect(await torn(model, IPMI)).toMatchObject({ lifecycle: 'decommissioning', paused: true });
    expect((await eventsOf(model, IPMI)).filter((e) => e.type === 'node.decommission-failed').map((e) => e.data)).toEqual([
      { message: `Failed to wipe ${IPMI}: the orchestrator stopped while waiting for its wipe report — run drill nodes decommission ${IPMI} again to finish it`, retryable: true },
    ]);

    expect((await model.api('POST', `/api/v1/nodes/${IPMI}/decommission`, { reason: 'retired' })).status).toBe(202);
    expect((await model.wipeEnded(IPMI, 3_600_000)).type).toBe('node.lifecycle');
    expect(await torn(model, IPMI)).toMatchObject({ disks: ['blank'], power: 'Off', override: 'None', lifecycle: 'wiped', wiped: true });
  });
});

describe('reprovisioning a wiped node', () => {
  // The lab's first server, a Dell iDRAC: BIOS and RAID through Redfish, then ready state on top.
  const DELL = 'lab-r1-u01';
  const hardware = {
    attributes: { ...plan.attributes, 'bios.profile': { 'Dell Inc.': { SysProfile: 'PerfOptimized' } }, 'raid.layout': [{ name: 'os', raidLevel: 'RAID1', drives: 2, mediaType: 'SSD' }] },
    bindings: [
      { role: 'bios-profile', nodes: [DELL] },
      { role: 'raid-layout', nodes: [DELL] },
      { role: 'node-ready', nodes: 'all' },
    ],
  };
  let model: ReadyStateModel;

  /** The BMC as anyone with its password reaches it, behind the orchestrator's back. */
  const onBmc = <T>(work: (driver: BmcDriver) => Promise<T>): Promise<T> => {
    const { spec } = model.fleet.servers.get(DELL)!;
    const driver = model.fleet.drivers.redfish({ host: spec.bmc.address, port: spec.bmc.redfishPort!, credentials: new BmcCredentials('root', 'calvin'), requestTimeoutMs: 10_000 });
    return model.fleet.settle(work(driver).finally(() => driver.close()));
  };
  const hardwareState = () =>
    onBmc(async (driver) => {
      if (!hasCapability(driver, 'bios') || !hasCapability(driver, 'raid')) throw new Error('the lab Dell has BIOS and RAID');
      return { sysProfile: (await driver.bios()).current['SysProfile'], volumes: (await driver.volumes()).map((v) => [v.name, v.raidLevel]) };
    });

  beforeAll(async () => {
    model = await startReadyStateModel({ datacenter: parseDatacenterSpec(readFileSync(LAB, 'utf8'), { source: LAB }), limit: 1 });
    expect((await model.api('PUT', '/api/v1/deployments/lab/plan', hardware)).status).toBe(200);
    await model.settle('lab', 4 * 3_600_000);
  }, 120_000);

  afterAll(async () => {
    await model?.dispose();
  });

  it('brings the BIOS back to its profile and the RAID back to its layout, whatever was changed by hand meanwhile, and installs afresh', async () => {
    expect(await hardwareState()).toEqual({ sysProfile: 'PerfOptimized', volumes: [['os', 'RAID1']] });
    // Someone changes the BIOS and deletes the volume behind the orchestrator's back.
    await onBmc(async (driver) => {
      if (!hasCapability(driver, 'bios') || !hasCapability(driver, 'raid')) throw new Error('the lab Dell has BIOS and RAID');
      await driver.setBiosPending({ SysProfile: 'PerfPerWattOptimizedDapc' });
      for (const volume of await driver.volumes()) await driver.deleteVolume(volume.id);
      await driver.power('ForceRestart');
    });
    await model.fleet.clock.runFor(10 * 60_000);
    expect(await hardwareState()).toEqual({ sysProfile: 'PerfPerWattOptimizedDapc', volumes: [] });

    expect(await model.api('POST', `/api/v1/nodes/${DELL}/decommission`, { reason: 'rebuild' })).toMatchObject({ status: 202, body: { lifecycle: 'decommissioning' } });
    expect((await model.wipeEnded(DELL, 3_600_000)).type).toBe('node.lifecycle');
    expect(await model.api('POST', `/api/v1/nodes/${DELL}/reprovision`)).toMatchObject({ status: 200 });
    await model.settle('lab', 4 * 3_600_000);

    expect(await hardwareState()).toEqual({ sysProfile: 'PerfOptimized', volumes: [['os', 'RAID1']] });
    const { machine } = model.fleet.servers.get(DELL)!;
    expect([machine.stage, machine.os?.hostname, machine.disks.filter((d) => d.contents === 'os').length]).toEqual(['running', DELL, 1]);
    expect((await model.store.nodes()).get(DELL)!.value.lifecycle).toBe('ready');
  });
});
