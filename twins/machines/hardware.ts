import type { Datacenter, ResolvedServer } from '../spec/index.js';

/**
 * What a machine sees of itself from inside, in the shape of the discovery
 * report of docs/provisioning.md (`facts`). Derived from the same spec fields
 * the BMCs report, so the MACs and serials agree with Redfish and IPMI.
 */
export interface MachineFacts {
  readonly system: { readonly manufacturer: string; readonly productName: string; readonly serialNumber: string; readonly uuid: string };
  readonly cpu: { readonly model: string; readonly sockets: number; readonly cores: number; readonly threads: number };
  readonly memoryMiB: number;
  readonly nics: readonly { readonly name: string; readonly mac: string; readonly speedMbps: number; readonly link: boolean }[];
  readonly disks: readonly { readonly name: string; readonly sizeBytes: number; readonly model: string; readonly serial: string; readonly rotational: boolean }[];
}

/** Where a machine network-boots from: its NIC on the provisioning network and that network's boot server. */
export interface BootTarget {
  readonly nic: string;
  readonly mac: string;
  /** `http://ADDRESS:PORT`; undefined when the network has no boot server. */
  readonly bootServerUrl: string | undefined;
}

export function factsFromSpec(spec: ResolvedServer): MachineFacts {
  const { cpu, memory } = spec.hardware;
  return {
    system: { manufacturer: spec.identity.manufacturer, productName: spec.identity.model, serialNumber: spec.identity.systemSerial, uuid: spec.identity.uuid },
    cpu: { model: cpu.model, sockets: cpu.sockets, cores: cpu.sockets * cpu.coresPerSocket, threads: cpu.sockets * cpu.coresPerSocket * cpu.threadsPerCore },
    memoryMiB: memory.totalGiB * 1024,
    nics: spec.nics.map((nic) => ({ name: nic.name, mac: nic.mac, speedMbps: nic.speedGbps * 1000, link: true })),
    // Decimal gigabytes, as drive vendors count and as the Redfish twin reports CapacityBytes.
    disks: spec.disks.map((disk) => ({ name: disk.name, sizeBytes: disk.sizeGB * 1_000_000_000, model: disk.model, serial: disk.serial, rotational: disk.type === 'hdd' })),
  };
}

/**
 * The first NIC attached to a provisioning network, and that network's boot
 * server; undefined when no NIC is on one (the machine cannot network-boot).
 */
export function bootTargetFromSpec(dc: Datacenter, spec: ResolvedServer): BootTarget | undefined {
  const provisioning = new Map(dc.networks.filter((n) => n.role === 'provisioning').map((n) => [n.name, n]));
  for (const nic of spec.nics) {
    const network = nic.networks.map((n) => provisioning.get(n.network)).find((n) => n !== undefined);
    if (network === undefined) continue;
    const boot = network.bootServer;
    return { nic: nic.name, mac: nic.mac, bootServerUrl: boot === undefined ? undefined : `http://${boot.address}:${boot.port}` };
  }
  return undefined;
}
