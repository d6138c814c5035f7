// Installing through virtual media instead of PXE: the BMC mounts the provisioner's iPXE
// ISO, the host boots it once from the virtual CD, and the flow is the network boot's.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startReadyStateModel, type ReadyStateModel } from '../../../scenarios/index.js';
import { parseDatacenterSpec } from '../../../twins/index.js';

const LAB = fileURLToPath(new URL('../../../scenarios/datacenters/lab.yaml', import.meta.url));
const READY = fileURLToPath(new URL('../../../scenarios/deployments/lab-ready.yaml', import.meta.url));
const { deployment: _name, attributes, ...rest } = parse(readFileSync(READY, 'utf8')) as { attributes: Record<string, unknown> } & Record<string, unknown>;

let model: ReadyStateModel;
const bootStages = new Map<string, string[]>();

beforeAll(async () => {
  // The lab's first three servers: two Dell iDRACs and an HPE iLO.
  model = await startReadyStateModel({ datacenter: parseDatacenterSpec(readFileSync(LAB, 'utf8'), { source: LAB }), limit: 3 });
  for (const { spec, machine } of model.fleet.servers.values()) {
    bootStages.set(spec.name, []);
    machine.subscribe((event) => {
      if (event.type === 'stage' && event.stage === 'network-boot') bootStages.get(spec.name)!.push(event.detail);
    });
  }
  const applied = await model.api('PUT', '/api/v1/deployments/lab-ready/plan', { ...rest, attributes: { ...attributes, 'os.boot': 'virtual-media' } });
  expect(applied.status).toBe(200);
  await model.settle('lab-ready', 4 * 3_600_000);
}, 300_000);

afterAll(async () => {
  await model?.dispose();
});

describe('install through virtual media', () => {
  it('boots each server from the virtual CD, never by PXE, and takes it to ready', async () => {
    for (const [name, stages] of bootStages) {
      expect(stages.length, name).toBeGreaterThan(0);
      expect(stages.every((detail) => detail.startsWith('virtual CD: iPXE from http://127.64.255.254:8080/images/ipxe/drill.iso')), `${name}: ${stages.join(' | ')}`).toBe(true);
    }
    const nodes = [...(await model.store.snapshot()).nodes.values()];
    expect(nodes.map((n) => n.value.lifecycle)).toEqual(['ready', 'ready', 'ready']);
  });

  it('ejects the ISO once the OS is installed', () => {
    for (const { spec, server } of model.fleet.servers.values()) expect(server.virtualCd, spec.name).toBeUndefined();
  });
});
