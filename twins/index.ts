export { TwinError, InvalidSpecError, type TwinErrorCode, type SpecProblem } from './errors.js';
export * from './spec/index.js';
export { TwinStateError, InvalidTwinConfigError } from './errors.js';
export {
  SimulatedServer,
  checkServerIdentity,
  guidBytes,
  POWER_TIMING_PROFILES,
  checkPowerTimings,
  DEFAULT_SENSORS,
  SENSOR_UNITS,
  SENSOR_STEP_MS,
  sensorStatus,
  type SimulatedServerOptions,
  type PowerState,
  type PowerAction,
  type PowerActionOutcome,
  type BootDevice,
  type BootMode,
  type BootPersistence,
  type BootOverride,
  type BootRecord,
  type IdentifyState,
  type ServerEvent,
  type ServerListener,
  type ServerIdentity,
  type PowerTimings,
  type PowerTimingProfile,
  type DurationRange,
  type SensorSpec,
  type SensorKind,
  type SensorEntity,
  type SensorThresholds,
  type SensorReading,
  type SensorStatus,
  type LogEntry,
  type SensorCrossing,
  type LogEventKind,
} from './server/index.js';
export { IpmiBmc, IPMI_PORT as IPMI_BMC_PORT, IpmiResponder, CIPHER_SUITES, COMMANDS as IPMI_COMMANDS, type IpmiBmcOptions, type IpmiResponderOptions, type IpmiUser, type CipherSuite, type UserPrivilege } from './ipmi/index.js';
export { RedfishBmc, serveRedfishHttps, TwinCa, modifierFaults, loadRedfishSharedData, defaultSharedDir, redfishFlavour, REDFISH_FLAVOURS, REDFISH_FLAVOUR_DATA, RESET_TYPES, DEFAULT_HARDWARE, checkHardware, raidCapacityBytes, RAID_TYPES, etagOf } from './redfish/index.js';
export type { RedfishBmcOptions, RedfishCredentials, RedfishRole, RedfishRequest, RedfishReply, EventStream, RedfishFlavour, RedfishFlavourName, ResetType, AttributeDef, RedfishHardware, BmcNetwork, RedfishSharedData, RaidType, ServeRedfishOptions, RedfishEndpoint, RedfishHttpsHost, ServedRedfishBmc, BmcModifierName } from './redfish/index.js';
export { BootScriptError } from './errors.js';
export * from './boot/index.js';
export * from './machines/index.js';
