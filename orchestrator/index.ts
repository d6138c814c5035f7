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
