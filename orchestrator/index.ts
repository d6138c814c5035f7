export type { Clock, TimerHandle } from './ports/clock.js';
export type { Random } from './ports/random.js';
export type { DatagramSocket, DatagramTransport, Endpoint, Subscription } from './ports/datagram.js';
export type {
  BmcCapability,
  BmcDriver,
  BmcIdentity,
  BmcProtocol,
  BootDevice,
  BootMode,
  BootOverride,
  EventLogEntry,
  EventLogReader,
  FruInventory,
  FruReader,
  PowerAction,
  PowerState,
  SensorKind,
  SensorReader,
  SensorReading,
} from './drivers/bmc-driver.js';
export {
  BmcError,
  BmcAuthError,
  BmcUnreachableError,
  NotSupportedError,
  BmcBusyError,
  BmcBadRequestError,
  BmcProtocolError,
  type BmcErrorCode,
} from './drivers/errors.js';
export * from './annealer/index.js';
export * from './store/index.js';
export * from './engine/index.js';
export * from './api/index.js';
export * from './tls/index.js';
export { IpmiDriver, type IpmiDriverConfig, type PrivilegeLevel } from './drivers/ipmi/index.js';
export type {
  BiosApply,
  BiosConfigurator,
  BiosPendingResult,
  BiosSettings,
  BiosValue,
  BootOverrideReader,
  BootOverrideState,
  CapabilityApi,
  DriveInfo,
  EventSubscriber,
  EventSubscription,
  EventSubscriptionSpec,
  FirmwareInfo,
  HardwareInventory,
  HardwareInventoryReader,
  MemoryModuleInfo,
  NicInfo,
  OperationOutcome,
  ProcessorInfo,
  RaidConfigurator,
  RaidLevel,
  RaidVolume,
  RaidVolumeSpec,
  VirtualMediaController,
  VirtualMediaSlot,
  VirtualMediaType,
} from './drivers/bmc-driver.js';
export { hasCapability } from './drivers/bmc-driver.js';
export {
  RedfishDriver,
  NodeHttpTransport,
  FetchTransport,
  MessageTransport,
  TransportError,
  MAX_RESPONSE_BYTES,
  VENDOR_PROFILES,
  GENERIC_QUIRKS,
  PROFILE_IDS,
  selectProfile,
  type RedfishDriverConfig,
  type RedfishCredentials,
  type RedfishTls,
  type RedfishLog,
  type RedfishIdentity,
  type HttpTransport as RedfishHttpTransport,
  type HttpRequest as RedfishHttpRequest,
  type HttpResponse as RedfishHttpResponse,
  type NodeHttpTransportOptions,
  type VendorProfile,
  type Quirks as RedfishQuirks,
  type ServiceFacts as RedfishServiceFacts,
} from './drivers/redfish/index.js';
export * from './credentials/index.js';
export * from './discovery/index.js';
export * from './lifecycle/index.js';
export * from './hardware/index.js';
export * from './agent/index.js';
export * from './provisioner/index.js';
export * from './roles/index.js';
export * from './ready-state/index.js';
