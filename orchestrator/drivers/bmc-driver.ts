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
