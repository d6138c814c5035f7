import { InvalidTwinConfigError } from '../errors.js';

/**
 * The inventory a BMC reports, in the shape of the datacenter spec's resolved
 * server (twins/spec: `hardware.cpu`, `hardware.memory`, `disks`, `nics`), so the
 * serve command can pass those objects through unchanged.
 */
export interface RedfishHardware {
  readonly cpu: { readonly model: string; readonly sockets: number; readonly coresPerSocket: number; readonly threadsPerCore: number; readonly speedMHz?: number | undefined };
  readonly memory: { readonly dimms: number; readonly dimmGiB: number; readonly type: 'DDR4' | 'DDR5'; readonly speedMTs?: number | undefined };
  readonly disks: readonly { readonly type: 'nvme' | 'ssd' | 'hdd'; readonly sizeGB: number; readonly model: string; readonly serial: string }[];
  readonly nics: readonly { readonly name: string; readonly speedGbps: number; readonly mac: string }[];
}

/** The BMC's own network port, as Manager EthernetInterfaces report it. */
export interface BmcNetwork {
  readonly address: string;
  readonly mac: string;
  readonly prefixLength: number;
  readonly gateway?: string;
}

/** A plausible 1U two-socket server with four SATA SSDs, for tests and callers that have no spec. */
export const DEFAULT_HARDWARE: RedfishHardware = {
  cpu: { model: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz', sockets: 2, coresPerSocket: 20, threadsPerCore: 2, speedMHz: 2_100 },
  memory: { dimms: 8, dimmGiB: 32, type: 'DDR4', speedMTs: 2_933 },
  disks: [
    { type: 'ssd', sizeGB: 960, model: 'SSDSC2KG960G8', serial: 'BTYG00000001' },
    { type: 'ssd', sizeGB: 960, model: 'SSDSC2KG960G8', serial: 'BTYG00000002' },
    { type: 'ssd', sizeGB: 960, model: 'SSDSC2KG960G8', serial: 'BTYG00000003' },
    { type: 'ssd', sizeGB: 960, model: 'SSDSC2KG960G8', serial: 'BTYG00000004' },
  ],
  nics: [
    { name: 'eno1', speedGbps: 25, mac: '02:00:00:00:00:01' },
    { name: 'eno2', speedGbps: 25, mac: '02:00:00:00:00:02' },
  ],
};

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

export function checkHardware(hw: RedfishHardware, field = 'hardware'): RedfishHardware {
  const fail = (path: string, problem: string, fix: string): never => {
    throw new InvalidTwinConfigError(`${field}.${path}: ${problem} — ${fix}`);
  };
  for (const key of ['sockets', 'coresPerSocket', 'threadsPerCore'] as const) {
    if (!Number.isInteger(hw.cpu[key]) || hw.cpu[key] < 1) fail(`cpu.${key}`, `${hw.cpu[key]} is not a count ≥ 1`, 'use a whole number');
  }
  if (!Number.isInteger(hw.memory.dimms) || hw.memory.dimms < 0) fail('memory.dimms', `${hw.memory.dimms} is not a count`, 'use a whole number ≥ 0');
  if (!(hw.memory.dimmGiB > 0)) fail('memory.dimmGiB', `${hw.memory.dimmGiB} is not a size`, 'use GiB > 0');
  hw.disks.forEach((d, i) => {
    if (!(d.sizeGB > 0)) fail(`disks[${i}].sizeGB`, `${d.sizeGB} is not a size`, 'use GB > 0');
  });
  hw.nics.forEach((n, i) => {
    if (!MAC.test(n.mac)) fail(`nics[${i}].mac`, `${JSON.stringify(n.mac)} is not a MAC address`, 'write six hex pairs, e.g. 02:00:00:00:00:01');
  });
  return hw;
}
