// From powered-off servers to ready state, in model fidelity: the lab's twin and
// the real orchestrator on one virtual clock, talking only over the in-process network.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startReadyStateModel, type ReadyStateModel } from '../../../scenarios/index.js';
import { parseDatacenterSpec } from '../../../twins/index.js';

const LAB = fileURLToPath(new URL('../../../scenarios/datacenters/lab.yaml', import.meta.url));
const READY = fileURLToPath(new URL('../../../scenarios/deployments/lab-ready.yaml', import.meta.url));

let model: ReadyStateModel;
const plan = (() => {
  const { deployment: _name, ...rest } = parse(readFileSync(READY, 'utf8')) as Record<string, unknown>;
  return rest;
})();

async function nodeRoleStates(): Promise<Map<string, { state: string; runCount: number }>> {
  const all = [...(await model.store.snapshot()).nodeRoles.values()];
  return new Map(all.filter((nr) => nr.value.deployment === 'lab-ready').map((nr) => [nr.value.id, { state: nr.value.state.kind, runCount: nr.value.runCount }]));
}

beforeAll(async () => {
  model = await startReadyStateModel({ datacenter: parseDatacenterSpec(readFileSync(LAB, 'utf8'), { source: LAB }) });
  const applied = await model.api('PUT', '/api/v1/deployments/lab-ready/plan', plan);
  expect(applied.status).toBe(200);
  await model.settle('lab-ready', 4 * 3_600_000);
}, 300_000);

afterAll(async () => {
  await model?.dispose();
});

describe('ready state in model fidelity (lab)', () => {
  it('enrolls every BMC of the lab', () => {
    expect(model.enrolled.filter((r) => r.ok)).toHaveLength(12);
  });

  it('takes every server from powered off to ready: installed, agent up, ops environment applied', async () => {
    const states = await nodeRoleStates();
    const notActive = [...states].filter(([, s]) => s.state !== 'active');
    expect(notActive).toEqual([]);
    const nodes = [...(await model.store.snapshot()).nodes.values()].map((n) => [n.value.name, n.value.lifecycle]);
    expect(nodes.filter(([, lifecycle]) => lifecycle !== 'ready')).toEqual([]);
    for (const { machine, spec } of model.fleet.servers.values()) {
      expect(machine.stage, spec.name).toBe('running');
      expect(machine.os?.hostname).toBe(spec.name);
      expect(machine.os?.packages.has('chrony')).toBe(true);
      expect(machine.os?.files.get('/etc/resolv.conf')?.content).toContain('nameserver 127.65.0.53');
    }
  });

  it('installs IPMI-only gear too: its first network boot discovers its MACs, the second installs, and no run fails', async () => {
    const events = await model.store.events(0, 100_000);
    const legacy = events.filter((e) => e.subject === 'lab-r1-u16').map((e) => e.type);
    expect(legacy).toEqual(expect.arrayContaining(['node.discovered', 'node.installed', 'node.agent-up']));
    expect(legacy.indexOf('node.discovered')).toBeLessThan(legacy.indexOf('node.installed'));
    expect(events.filter((e) => e.type === 'node-role.finished' && e.data['status'] !== 'ok')).toEqual([]);
  });

  it('walks each node through the lifecycle, one event per step', async () => {
    const events = await model.store.events(0, 100_000);
    const walk = events.filter((e) => e.type === 'node.lifecycle' && e.subject === 'lab-r1-u01').map((e) => e.data['to']);
    expect(walk).toEqual(['configured', 'provisioning', 'ready']);
  });

  it('changes nothing when ready state is applied again to ready nodes', async () => {
    const before = await nodeRoleStates();
    const again = await model.api('PUT', '/api/v1/deployments/lab-ready/plan', plan);
    expect(again.body).toMatchObject({ created: [] });
    await model.fleet.clock.runFor(3_600_000);
    expect(await nodeRoleStates()).toEqual(before);
  });
});
