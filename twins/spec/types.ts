import type { BmcFlavour, BmcModifier, BmcProtocol, IpmiPrivilege } from './flavours.js';
import type { Fidelity, NetworkRole } from './schema.js';
import type { Secret } from './secret.js';

/**
 * A datacenter spec after loading: every default filled, every generated rack
 * and server expanded, every server with its hardware, MACs, serials, addresses
 * and credentials. Nothing here is optional because a loader forgot it.
 */
export interface Datacenter {
  readonly name: string;
  /** The spec's seed as `0x…` (what `new SeededRandom(seed)` takes); every generated value derives from it. A string, so a Datacenter serialises to JSON. */
  readonly seed: string;
  readonly fidelity: Fidelity;
  readonly bmcAddressing: 'per-bmc' | 'shared-host';
  /** The file (or label) the spec came from. */
  readonly source: string;
  readonly networks: readonly Network[];
  readonly templates: readonly HardwareTemplate[];
  readonly sites: readonly Site[];
  /** Every rack, in spec order (sites → rows → racks, generated ones after listed ones). */
  readonly racks: readonly Rack[];
  /** Every server, in spec order. */
  readonly servers: readonly ResolvedServer[];
}

export interface Network {
  readonly name: string;
  readonly role: NetworkRole;
  /** Canonical `a.b.c.d/p`. */
  readonly cidr: string;
  readonly vlan: number | undefined;
  readonly mtu: number;
  readonly gateway: string | undefined;
  /** Where default addresses start (see addressing.ts). */
  readonly allocateFrom: string;
  /** provisioning networks only: where machines fetch their boot scripts (docs/provisioning.md). */
  readonly bootServer: BootServer | undefined;
}

/** The provisioner's boot endpoint on a provisioning network: base URL `http://address:port`. */
export interface BootServer {
  readonly address: string;
  readonly port: number;
}

export interface Site {
  readonly name: string;
  readonly spines: readonly Switch[];
  readonly rows: readonly Row[];
}

export interface Row {
  readonly name: string;
  readonly site: string;
  readonly racks: readonly Rack[];
}

export interface PowerFeed {
  readonly name: string;
  readonly capacityWatts: number | undefined;
}

export interface Switch {
  readonly name: string;
  readonly role: 'spine' | 'top-of-rack';
  readonly model: string | undefined;
  readonly ports: number;
  readonly speedGbps: number;
  /** Top-of-rack only: the lowest unit it occupies and its height. */
  readonly unit: number | undefined;
  readonly heightU: number | undefined;
  /** Top-of-rack only: the spines it uplinks to. */
  readonly uplinks: readonly string[];
}

export interface Rack {
  readonly name: string;
  readonly site: string;
  readonly row: string;
  /** Fixes the rack's default addresses and ports. */
  readonly index: number;
  readonly uHeight: number;
  readonly failureDomain: string;
  readonly powerFeeds: readonly PowerFeed[];
  readonly switches: readonly Switch[];
  readonly servers: readonly ResolvedServer[];
  readonly generated: boolean;
}

export interface Cpu {
  readonly model: string;
  readonly sockets: number;
  readonly coresPerSocket: number;
  readonly threadsPerCore: number;
  readonly speedMHz: number | undefined;
  readonly flags: readonly string[];
}

export interface Memory {
  readonly dimms: number;
  readonly dimmGiB: number;
  readonly totalGiB: number;
  readonly type: 'DDR4' | 'DDR5';
  readonly speedMTs: number | undefined;
}

export interface HardwareTemplate {
  readonly name: string;
  readonly manufacturer: string | undefined;
  readonly model: string;
  readonly heightU: number;
  readonly powerWatts: number | undefined;
  readonly cpu: Cpu;
  readonly memory: Memory;
  readonly disks: readonly { readonly type: 'nvme' | 'ssd' | 'hdd'; readonly sizeGB: number; readonly count: number; readonly model: string | undefined }[];
  readonly nics: readonly { readonly name: string; readonly speedGbps: number; readonly networks: readonly string[] }[];
}

export interface Disk {
  /** `nvme0n1`, `sda` …: the name the installed OS will see. */
  readonly name: string;
  readonly type: 'nvme' | 'ssd' | 'hdd';
  readonly sizeGB: number;
  readonly model: string;
  readonly serial: string;
}

export interface NetworkAttachment {
  readonly network: string;
  readonly address: string;
}

export interface Nic {
  readonly name: string;
  readonly speedGbps: number;
  readonly mac: string;
  readonly macSource: 'spec' | 'generated';
  readonly networks: readonly NetworkAttachment[];
}

export interface IpmiIdentity {
  /** IANA private enterprise number (Get Device ID "Manufacturer ID"). */
  readonly manufacturerId: number;
  readonly productId: number;
  readonly deviceId: number;
  readonly firmwareRevision: string;
  readonly ipmiVersion: '2.0';
  /** System GUID (Get System GUID), the same UUID the server reports over Redfish. */
  readonly systemGuid: string;
}

export interface ServerIdentity {
  readonly manufacturer: string;
  readonly model: string;
  readonly systemSerial: string;
  readonly boardSerial: string;
  readonly uuid: string;
  readonly assetTag: string | undefined;
  readonly ipmi: IpmiIdentity;
}

export type PasswordSource =
  | { readonly kind: 'inline' }
  | { readonly kind: 'env'; readonly variable: string }
  /** `passwordEnv` was unset and the spec's inline twin password was used instead. */
  | { readonly kind: 'fallback'; readonly variable: string };

export interface BmcCredentials {
  readonly user: string;
  readonly password: Secret;
  readonly passwordSource: PasswordSource;
  readonly privilege: IpmiPrivilege;
}

export interface ResolvedBmc {
  readonly flavour: BmcFlavour;
  readonly modifiers: readonly BmcModifier[];
  readonly protocols: readonly BmcProtocol[];
  readonly model: string;
  readonly firmwareVersion: string;
  readonly address: string;
  /** Undefined when the flavour speaks no Redfish (ipmi-only). */
  readonly redfishPort: number | undefined;
  readonly ipmiPort: number;
  readonly mac: string;
  readonly credentials: BmcCredentials;
}

export interface ResolvedServer {
  readonly name: string;
  /** Where the server is written in the spec (or the generate block that made it). */
  readonly specPath: string;
  readonly site: string;
  readonly row: string;
  readonly rack: string;
  readonly rackIndex: number;
  /** Lowest rack unit it occupies; it spans `unit … unit + hardware.heightU - 1`. */
  readonly unit: number;
  readonly template: string;
  readonly hardware: HardwareTemplate;
  readonly identity: ServerIdentity;
  readonly disks: readonly Disk[];
  readonly nics: readonly Nic[];
  readonly bmc: ResolvedBmc;
}
