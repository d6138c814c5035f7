/**
 * What drill asks of a BMC, whatever protocol it speaks. Every driver does the
 * required part; BIOS, RAID, virtual media and the like are capabilities a
 * driver may lack, and asking for a missing one throws `NotSupportedError`.
 */

export type BmcProtocol = 'redfish' | 'ipmi';

/** Redfish's PowerState values; IPMI reports only On and Off. */
export type PowerState = 'On' | 'Off' | 'PoweringOn' | 'PoweringOff';

/** Redfish's ResetType names; the IPMI driver maps them to Chassis Control. */
export type PowerAction = 'On' | 'ForceOff' | 'GracefulShutdown' | 'ForceRestart' | 'PowerCycle';

export type BootDevice = 'Pxe' | 'Hdd' | 'Cd' | 'BiosSetup';
export type BootMode = 'UEFI' | 'Legacy';

export interface BootOverride {
  readonly device: BootDevice;
  /** False: the next boot only ("Once"); true: every boot until cleared ("Continuous"). */
  readonly persistent: boolean;
  readonly mode: BootMode;
}

export type BmcCapability =
  | 'power'
  | 'boot-override'
  | 'inventory'
  | 'sensors'
  | 'event-log'
  | 'bios'
  | 'raid'
  | 'virtual-media'
  | 'event-subscription';

/** Who answered a probe. */
export interface BmcIdentity {
  readonly protocol: BmcProtocol;
  readonly manufacturer: string;
  readonly model: string;
  readonly firmwareVersion: string;
  /** Stable per BMC where the protocol offers one (Redfish UUID, IPMI device GUID). */
  readonly uuid?: string;
}

export interface FruInventory {
  readonly boardManufacturer?: string;
  readonly boardProduct?: string;
  readonly boardSerial?: string;
  readonly productManufacturer?: string;
  readonly productName?: string;
  readonly productSerial?: string;
  readonly productPartNumber?: string;
  readonly chassisSerial?: string;
}

export type SensorKind = 'temperature' | 'fan' | 'voltage' | 'current' | 'power' | 'other';

export interface SensorReading {
  readonly name: string;
  readonly kind: SensorKind;
  /** In the unit below; undefined when the sensor has no reading now. */
  readonly value: number | undefined;
  readonly unit: string;
  readonly status: 'ok' | 'warning' | 'critical' | 'unavailable';
}

export interface EventLogEntry {
  readonly id: number;
  /** ms since the epoch, as the BMC stamped it. */
  readonly timestampMs: number;
  readonly sensor: string;
  readonly message: string;
}

/** The part every BMC driver implements. */
export interface BmcDriver {
  readonly protocol: BmcProtocol;
  readonly capabilities: ReadonlySet<BmcCapability>;
  probe(signal?: AbortSignal): Promise<BmcIdentity>;
  powerState(signal?: AbortSignal): Promise<PowerState>;
  power(action: PowerAction, signal?: AbortSignal): Promise<void>;
  setBootOverride(override: BootOverride, signal?: AbortSignal): Promise<void>;
  /** Back to the normal boot order: no override, once or persistent, is left for the next boot. */
  clearBootOverride(signal?: AbortSignal): Promise<void>;
  /** Releases sessions and sockets; the driver is unusable afterwards. */
  close(): Promise<void>;
}

/** Drivers with the `inventory` capability. */
export interface FruReader {
  fru(signal?: AbortSignal): Promise<FruInventory>;
}

/** Drivers with the `sensors` capability. */
export interface SensorReader {
  sensors(signal?: AbortSignal): Promise<SensorReading[]>;
}

/** Drivers with the `event-log` capability. */
export interface EventLogReader {
  eventLog(signal?: AbortSignal): Promise<EventLogEntry[]>;
}

// ---------------------------------------------------------------------------
// Richer capabilities (added with the Redfish driver). Every driver that has the
// capability in its set implements the matching interface; `hasCapability`
// narrows a driver to it.

/** The current boot override as the BMC reports it. */
export interface BootOverrideState {
  readonly enabled: 'Disabled' | 'Once' | 'Continuous';
  /** The target mapped onto drill's devices; undefined when none is set or it has no equivalent. */
  readonly device: BootDevice | undefined;
  /** The BMC's own name for the target (`Pxe`, `UsbCd`, `UefiHttp`, …). */
  readonly rawTarget: string | undefined;
  /** Undefined when the BMC does not report a boot mode. */
  readonly mode: BootMode | undefined;
}

/** Drivers with the `boot-override` capability that can also read it back. */
export interface BootOverrideReader {
  bootOverride(signal?: AbortSignal): Promise<BootOverrideState>;
}

export interface ProcessorInfo {
  readonly id: string;
  readonly socket?: string;
  readonly manufacturer?: string;
  readonly model?: string;
  readonly cores?: number;
  readonly threads?: number;
  readonly maxSpeedMHz?: number;
}

export interface MemoryModuleInfo {
  readonly id: string;
  readonly capacityMiB?: number;
  readonly type?: string;
  readonly speedMHz?: number;
  readonly manufacturer?: string;
  readonly serialNumber?: string;
}

export interface DriveInfo {
  readonly id: string;
  readonly model?: string;
  readonly serialNumber?: string;
  readonly capacityBytes?: number;
  /** HDD, SSD, … */
  readonly mediaType?: string;
  /** SAS, SATA, NVMe, … */
  readonly protocol?: string;
  /** The storage controller (or simple-storage group) that holds the drive. */
  readonly controller?: string;
}

export interface NicInfo {
  readonly id: string;
  /** The address in use (what DHCP sees), lower-case, colon-separated. */
  readonly macAddress: string;
  /** The burned-in address, when the BMC reports one that differs. */
  readonly permanentMacAddress?: string;
  readonly speedMbps?: number;
  readonly linkUp?: boolean;
}

export interface FirmwareInfo {
  readonly id: string;
  readonly name?: string;
  readonly version: string;
}

/** What the BMC knows about the machine it manages. */
export interface HardwareInventory {
  readonly manufacturer?: string;
  readonly model?: string;
  readonly serialNumber?: string;
  /** The vendor's service tag where it differs from the serial number (Dell keeps it in SKU). */
  readonly serviceTag?: string;
  readonly uuid?: string;
  readonly biosVersion?: string;
  readonly processors: readonly ProcessorInfo[];
  readonly memory: readonly MemoryModuleInfo[];
  readonly drives: readonly DriveInfo[];
  readonly nics: readonly NicInfo[];
  readonly firmware: readonly FirmwareInfo[];
}

/** Drivers with the `inventory` capability that can list components, not only FRU text. */
export interface HardwareInventoryReader {
  inventory(signal?: AbortSignal): Promise<HardwareInventory>;
}

export type BiosValue = string | number | boolean | null;

export interface BiosSettings {
  /** The settings in effect now. */
  readonly current: Readonly<Record<string, BiosValue>>;
  /** Settings staged for the next apply that differ from `current` (empty when none). */
  readonly pending: Readonly<Record<string, BiosValue>>;
  /** When staged settings can take effect, as the BMC advertises it (`OnReset`, `Immediate`, …). */
  readonly applyTimes: readonly string[];
}

/** How staged BIOS settings will take effect. */
export type BiosApply =
  | { readonly kind: 'on-reset' }
  | { readonly kind: 'immediate' }
  | { readonly kind: 'maintenance-window' }
  /** A BMC job (Dell's config job) that runs at the next reset; `jobId` to track it. */
  | { readonly kind: 'job'; readonly jobId: string; readonly jobUri: string | undefined };

export interface BiosPendingResult {
  readonly apply: BiosApply;
  /** True when the host must be reset for the settings to take effect. */
  readonly resetRequired: boolean;
}

/** Drivers with the `bios` capability. */
export interface BiosConfigurator {
  bios(signal?: AbortSignal): Promise<BiosSettings>;
  /** Stages `changes`; names the BMC does not know are refused before anything is sent. */
  setBiosPending(changes: Readonly<Record<string, BiosValue>>, signal?: AbortSignal): Promise<BiosPendingResult>;
}

export type RaidLevel = 'RAID0' | 'RAID1' | 'RAID5' | 'RAID6' | 'RAID10' | 'RAID50' | 'RAID60';

export interface RaidVolume {
  /** Stable handle for `deleteVolume`: the BMC's resource path. */
  readonly id: string;
  readonly name?: string;
  readonly raidLevel?: string;
  readonly capacityBytes?: number;
  /** Handles of the member drives (the BMC's resource paths). */
  readonly drives: readonly string[];
  readonly controller: string;
}

export interface RaidVolumeSpec {
  readonly raidLevel: RaidLevel;
  /** Drive handles: a drive's Id or resource path as `inventory().drives` / the BMC reports them. */
  readonly drives: readonly string[];
  readonly name?: string;
  readonly capacityBytes?: number;
  /** The controller's Id or path; needed only when the drives do not pick one. */
  readonly controller?: string;
}

/** Whether a requested change is done, or waits for a reset or a job. */
export type OperationOutcome =
  | { readonly kind: 'done'; readonly id?: string }
  | { readonly kind: 'on-reset'; readonly id?: string }
  | { readonly kind: 'job'; readonly jobId: string };

/** Drivers with the `raid` capability. */
export interface RaidConfigurator {
  volumes(signal?: AbortSignal): Promise<RaidVolume[]>;
  createVolume(spec: RaidVolumeSpec, signal?: AbortSignal): Promise<OperationOutcome>;
  deleteVolume(id: string, signal?: AbortSignal): Promise<OperationOutcome>;
}

export type VirtualMediaType = 'CD' | 'DVD' | 'USBStick' | 'Floppy';

export interface VirtualMediaSlot {
  readonly id: string;
  readonly mediaTypes: readonly string[];
  readonly inserted: boolean;
  readonly image: string | undefined;
}

/** Drivers with the `virtual-media` capability. */
export interface VirtualMediaController {
  virtualMedia(signal?: AbortSignal): Promise<VirtualMediaSlot[]>;
  /** Inserts `imageUrl` into a free slot of that type (replacing another image there); returns the slot id. */
  insertMedia(media: { readonly imageUrl: string; readonly type?: VirtualMediaType }, signal?: AbortSignal): Promise<string>;
  /** Ejects the slot, or every slot holding an image when none is named. */
  ejectMedia(slotId?: string, signal?: AbortSignal): Promise<void>;
}

export interface EventSubscriptionSpec {
  /** Where the BMC posts events: an http(s) URL the orchestrator listens on. */
  readonly destination: string;
  readonly context?: string;
  readonly eventTypes?: readonly string[];
}

export interface EventSubscription {
  /** Handle for `unsubscribe`: the BMC's resource path. */
  readonly id: string;
  readonly destination: string;
}

/** Drivers with the `event-subscription` capability. */
export interface EventSubscriber {
  subscribe(spec: EventSubscriptionSpec, signal?: AbortSignal): Promise<EventSubscription>;
  unsubscribe(id: string, signal?: AbortSignal): Promise<void>;
}

/** The interface behind each capability (`unknown`: the part every driver has). */
export interface CapabilityApi {
  readonly power: unknown;
  readonly 'boot-override': unknown;
  readonly inventory: FruReader;
  readonly sensors: SensorReader;
  readonly 'event-log': EventLogReader;
  readonly bios: BiosConfigurator;
  readonly raid: RaidConfigurator;
  readonly 'virtual-media': VirtualMediaController;
  readonly 'event-subscription': EventSubscriber;
}

/** Narrows `driver` to the interface of `capability` when it has it. */
export function hasCapability<C extends BmcCapability>(driver: BmcDriver, capability: C): driver is BmcDriver & CapabilityApi[C] {
  return driver.capabilities.has(capability);
}
