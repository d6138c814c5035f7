// Rinse and repeat: deploy → decommission → reprovision, three times over on the lab in
// model fidelity; the end state must be the same every time (modulo tokens and run counts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startReadyStateModel, type ReadyStateModel } from '../../../scenarios/index.js';
import { parseDatacenterSpec } from '../../../twins/index.js';

const LAB = fileURLToPath(new URL('../../../scenarios/datacenters/lab.yaml', import.meta.url));
const READY = fileURLToPath(new URL('../../../scenarios/deployments/lab-ready.yaml', import.meta.url));
const { deployment: _name, ...plan } = parse(readFileSync(READY, 'utf8')) as Record<string, unknown>;
/** Files that differ on every install by design: the agent's fresh token. */
const PER_INSTALL = new Set(['/etc/drill/agent-token']);

let model: ReadyStateModel;

/** What a user would call the state of the fleet: lifecycle, layers, and each machine's OS. */
async function endState(): Promise<unknown> {
  const snapshot = await model.store.snapshot();
  const nodes = [...snapshot.nodes.values()].map((n) => [n.value.name, n.value.lifecycle, n.value.paused]).sort();
  const layers = [...snapshot.nodeRoles.values()].map((nr) => [nr.value.id, nr.value.state.kind, nr.value.lastGood?.outputs]).sort();
  const machines = [...model.fleet.servers.values()].map(({ spec, machine }) => {
    const os = machine.os!;
    return {
      name: spec.name,
      stage: machine.stage,
      os: `${os.name} ${os.version}`,
      hostname: os.hostname,
      packages: [...os.packages].sort(),
      files: [...os.files].filter(([path]) => !PER_INSTALL.has(path)).sort(([a], [b]) => (a < b ? -1 : 1)),
      services: [...os.services].map(([name, s]) => [name, s.enabled, s.running]).sort(),
      users: [...os.users].sort(),
    };
  });
  return { nodes, layers, machines };
}

const cycles: unknown[] = [];
/** After each round of decommissions: what each machine holds and does, and what the orchestrator knows of it. */
const wiped: unknown[] = [];

async function afterDecommission(): Promise<unknown> {
  const nodes = (await model.store.nodes());
  return [...model.fleet.servers.values()].map(({ spec, machine, server }) => {
    const node = nodes.get(spec.name)!.value;
    return { name: spec.name, os: machine.os, disks: [...new Set(machine.disks.map((d) => d.contents))], power: server.power, override: server.bootOverride.device, boot: node.provisioning?.boot.kind, installed: node.provisioning?.installedAtMs };
  });
}

beforeAll(async () => {
  model = await startReadyStateModel({ datacenter: parseDatacenterSpec(readFileSync(LAB, 'utf8'), { source: LAB }) });
  expect((await model.api('PUT', '/api/v1/deployments/lab-ready/plan', plan)).status).toBe(200);
  await model.settle('lab-ready', 4 * 3_600_000);
  cycles.push(await endState());
  for (let cycle = 2; cycle <= 3; cycle++) {
    for (const name of model.fleet.servers.keys()) {
      const down = await model.api('POST', `/api/v1/nodes/${name}/decommission`, { reason: `rinse ${cycle}` });
      expect(down).toMatchObject({ status: 202, body: { lifecycle: 'decommissioning', paused: true } });
      expect(await model.wipeEnded(name, 4 * 3_600_000)).toMatchObject({ type: 'node.lifecycle', data: { to: 'wiped' } });
      expect(await model.api('GET', `/api/v1/nodes/${name}`)).toMatchObject({ status: 200, body: { lifecycle: 'wiped', paused: true, boot: 'discover' } });
    }
    wiped.push(await afterDecommission());
    for (const name of model.fleet.servers.keys()) expect((await model.api('POST', `/api/v1/nodes/${name}/reprovision`)).status).toBe(200);
    await model.settle('lab-ready', 4 * 3_600_000);
    cycles.push(await endState());
  }
}, 600_000);

afterAll(async () => {
  await model?.dispose();
});

describe('rinse and repeat on the lab (model fidelity)', () => {
  it('reaches ready state every time', () => {
    for (const state of cycles) expect((state as { nodes: unknown[][] }).nodes.every(([, lifecycle, paused]) => lifecycle === 'ready' && paused === false)).toBe(true);
  });

  it('erases every disk before each reinstall: no OS anywhere, no boot override left, the host off, the next boot a discovery', () => {
    expect(wiped).toHaveLength(2);
    for (const round of wiped) {
      for (const machine of round as Array<{ name: string }>) {
        expect(machine).toEqual({ name: machine.name, os: undefined, disks: ['blank'], power: 'Off', override: 'None', boot: 'discover', installed: undefined });
      }
    }
  });

  it('ends in the same state on the 2nd and 3rd run as on the 1st', () => {
    expect(cycles).toHaveLength(3);
    expect(cycles[1]).toEqual(cycles[0]);
    expect(cycles[2]).toEqual(cycles[0]);
  });

  it('tears each node down through the lifecycle and builds it up again, one event per step', async () => {
    const events = await model.store.events(0, 1_000_000);
    const walk = events.filter((e) => e.type === 'node.lifecycle' && e.subject === 'lab-r1-u03').map((e) => e.data['to']);
    expect(walk).toEqual(['configured', 'provisioning', 'ready', ...Array(2).fill(['decommissioning', 'wiped', 'provisioning', 'ready']).flat()]);
    expect(events.filter((e) => e.type === 'node.installed' && e.subject === 'lab-r1-u03')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'node.agent-revoked' && e.subject === 'lab-r1-u03')).toHaveLength(2);
    const teardown = events.filter((e) => e.subject === 'lab-r1-u03' && e.seq > events.findLast((x) => x.type === 'node.lifecycle' && x.subject === 'lab-r1-u03' && x.data['to'] === 'decommissioning')!.seq - 1);
    expect(teardown.map((e) => (e.type === 'node.lifecycle' ? `lifecycle ${String(e.data['to'])}` : e.type)).filter((t) => t !== 'node.reprovision').slice(0, 8)).toEqual([
      'lifecycle decommissioning',
      'node.agent-revoked',
      'node.boot-intent',
      'node.wipe-boot',
      'node.wipe-token',
      'node.wiped',
      'node.boot-override-cleared',
      'lifecycle wiped',
    ]);
  });
});
