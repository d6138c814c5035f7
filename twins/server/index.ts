export { SimulatedServer, type SimulatedServerOptions, type PowerState, type PowerAction, type PowerActionOutcome, type BootDevice, type BootMode, type BootPersistence, type BootOverride, type BootRecord, type IdentifyState, type ServerEvent, type ServerListener } from './simulated-server.js';
export { checkServerIdentity, guidBytes, type ServerIdentity } from './identity.js';
export { POWER_TIMING_PROFILES, checkPowerTimings, type PowerTimings, type PowerTimingProfile, type DurationRange } from './power-timings.js';
export { DEFAULT_SENSORS, SENSOR_UNITS, SENSOR_STEP_MS, sensorStatus, type SensorSpec, type SensorKind, type SensorEntity, type SensorThresholds, type SensorReading, type SensorStatus } from './sensors.js';
export type { LogEntry, LogEventKind, SensorCrossing } from './event-log.js';
