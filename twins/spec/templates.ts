import type { NetworkPlan } from './networks.js';
import { suggest, type Problems } from './problems.js';
import type { Salvaged } from './salvage.js';
import type { HardwareTemplate } from './types.js';

/**
 * Hardware templates with their references checked: NIC names unique, each
 * network known, attached by at most one NIC (bonds are the orchestrator's
 * business), and never the bmc network (the BMC has its own port).
 */
export function resolveTemplates(spec: Salvaged, networks: NetworkPlan, problems: Problems): Map<string, HardwareTemplate> {
  const out = new Map<string, HardwareTemplate>();
  const networkNames = [...networks.byName.keys()];
  for (const [name, t] of spec.templates) {
    const at = ['templates', name];
    const nicNames = new Map<string, number>();
    const attachedBy = new Map<string, string>();
    t.nics.forEach((nic, i) => {
      const nicAt = [...at, 'nics', i];
      const first = nicNames.get(nic.name);
      if (first !== undefined) problems.add([...nicAt, 'name'], `NIC ${nic.name} is already named by nics[${first}]`, 'give each NIC of a template its own name');
      else nicNames.set(nic.name, i);
      nic.networks.forEach((net, j) => {
        const planned = networks.byName.get(net);
        if (planned === undefined) {
          if (!networks.broken.has(net)) problems.add([...nicAt, 'networks', j], `network ${JSON.stringify(net)} is not defined`, suggest(net, networkNames, 'network'));
        } else if (planned.network.role === 'bmc') {
          problems.add([...nicAt, 'networks', j], `${net} is the bmc network, which the BMC reaches through its own port`, 'attach host NICs to provisioning, admin, storage or public networks');
        } else if (attachedBy.has(net)) {
          problems.add([...nicAt, 'networks', j], `network ${net} is already attached to NIC ${attachedBy.get(net)}`, 'attach each network to one NIC; bonds are configured later by the orchestrator');
        } else attachedBy.set(net, nic.name);
      });
    });
    out.set(name, {
      name,
      manufacturer: t.manufacturer,
      model: t.model,
      heightU: t.heightU,
      powerWatts: t.powerWatts,
      cpu: { model: t.cpu.model, sockets: t.cpu.sockets, coresPerSocket: t.cpu.cores, threadsPerCore: t.cpu.threadsPerCore, speedMHz: t.cpu.speedMHz, flags: t.cpu.flags },
      memory: { dimms: t.memory.dimms, dimmGiB: t.memory.dimmGiB, totalGiB: t.memory.dimms * t.memory.dimmGiB, type: t.memory.type, speedMTs: t.memory.speedMTs },
      disks: t.disks.map((d) => ({ type: d.type, sizeGB: d.sizeGB, count: d.count, model: d.model })),
      nics: t.nics.map((n) => ({ name: n.name, speedGbps: n.speedGbps, networks: n.networks })),
    });
  }
  return out;
}
