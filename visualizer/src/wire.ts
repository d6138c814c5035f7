/**
 * What the visualizer reads over the wire, copied from the servers' shapes
 * (it imports nothing of theirs): the twin observer's topology, physical
 * state and events, and the orchestrator's nodes, node-roles and events.
 */

export interface TwinSwitch {
  readonly name: string;
  readonly role: 'spine' | 'top-of-rack';
  readonly model: string | undefined;
  readonly ports: number;
  readonly speedGbps: number;
  readonly unit?: number;
  readonly heightU?: number;
  readonly uplinks: readonly string[];
}

export interface TwinServer {
  readonly name: string;
  readonly unit: number;
  readonly heightU: number;
  readonly template: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly flavour: string;
  readonly modifiers: readonly string[];
  readonly protocols: readonly string[];
  readonly bmcAddress: string;
  readonly redfishPort?: number;
  readonly ipmiPort: number;
  readonly networks: readonly { readonly nic: string; readonly network: string; readonly address: string }[];
}

export interface TwinRack {
  readonly name: string;
  readonly index: number;
  readonly uHeight: number;
  readonly failureDomain: string;
  readonly switches: readonly TwinSwitch[];
  readonly servers: readonly TwinServer[];
}

export interface TwinTopology {
  readonly name: string;
  readonly networks: readonly { readonly name: string; readonly role: string; readonly cidr: string; readonly vlan?: number }[];
  readonly sites: readonly { readonly name: string; readonly spines: readonly TwinSwitch[]; readonly rows: readonly { readonly name: string; readonly racks: readonly TwinRack[] }[] }[];
}

export type TwinPower = 'Off' | 'PoweringOn' | 'On' | 'PoweringOff';

export interface TwinPhysicalState {
  readonly name: string;
  readonly power: TwinPower;
  /** The machine's boot stage as it reported it (`post`, `installing`, …); treated as data. */
  readonly stage?: string;
  readonly stageDetail?: string;
  readonly bootDevice?: string;
  readonly identify: boolean;
  readonly changedAtMs?: number;
  /** The last fault that struck the server or its BMC. */
  readonly lastFault?: { readonly id: string; readonly kind: string; readonly atMs: number };
}

export interface TwinServersSnapshot {
  readonly seq: number;
  readonly servers: readonly TwinPhysicalState[];
}

export interface TwinEvent {
  readonly seq: number;
  readonly atMs: number;
  readonly server: string;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type NodeLifecycle = 'enrolled' | 'inventoried' | 'configured' | 'provisioning' | 'ready' | 'allocated' | 'decommissioning' | 'wiped';

export interface OrchestratorNode {
  readonly name: string;
  readonly lifecycle?: NodeLifecycle;
  readonly reachable: boolean;
  readonly paused: boolean;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly bmc?: {
    readonly address: string;
    readonly port: number;
    readonly protocol: string;
    readonly manufacturer: string;
    readonly model: string;
    readonly firmwareVersion: string;
    readonly profile?: string;
  };
  readonly inventoriedAtMs?: number;
}

export interface OrchestratorNodeRole {
  readonly id: string;
  readonly deployment: string;
  readonly role: string;
  readonly node: string;
  readonly state: { readonly kind: string; readonly reason?: { readonly code: string; readonly parents?: readonly string[] }; readonly message?: string };
  /** Blocked on its parents: those not active yet, when the orchestrator answered. */
  readonly waitingOn?: readonly string[];
  readonly runCount: number;
  readonly lastError?: string;
  readonly lastOutputs?: Readonly<Record<string, unknown>>;
}

export interface OrchestratorEvent {
  readonly seq: number;
  readonly atMs: number;
  readonly type: string;
  readonly subject: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** What the orchestrator read from a node's BMC (`GET /api/v1/nodes/{name}/inventory`); every part optional, as BMCs differ. */
export interface OrchestratorInventory {
  readonly source: string;
  readonly readAtMs: number;
  readonly hardware?: {
    readonly serialNumber?: string;
    readonly biosVersion?: string;
    readonly processors: readonly { readonly model?: string; readonly cores?: number }[];
    readonly memory: readonly { readonly capacityMiB?: number }[];
    readonly drives: readonly { readonly capacityBytes?: number; readonly mediaType?: string }[];
    readonly nics: readonly { readonly macAddress: string; readonly speedMbps?: number }[];
  };
  readonly fru?: { readonly productManufacturer?: string; readonly productName?: string; readonly productSerial?: string; readonly boardProduct?: string };
}
