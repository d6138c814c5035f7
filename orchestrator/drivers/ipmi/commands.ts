/**
 * The IPMI commands this driver sends, by network function and number
 * (IPMI v2.0 rev 1.1, Appendix G), each with the verb phrase its errors use.
 */
export interface Command {
  /** Completes "Failed to …", e.g. `read FRU data`. */
  readonly what: string;
  readonly netFn: number;
  readonly cmd: number;
}

const NETFN_CHASSIS = 0x00;
const NETFN_SENSOR = 0x04;
const NETFN_APP = 0x06;
const NETFN_STORAGE = 0x0a;

export const Commands = {
  getDeviceId: { what: 'get the device id', netFn: NETFN_APP, cmd: 0x01 },
  getDeviceGuid: { what: 'get the device GUID', netFn: NETFN_APP, cmd: 0x08 },
  getChannelAuthCapabilities: { what: 'get the channel authentication capabilities', netFn: NETFN_APP, cmd: 0x38 },
  setSessionPrivilege: { what: 'set the session privilege level', netFn: NETFN_APP, cmd: 0x3b },
  closeSession: { what: 'close the session', netFn: NETFN_APP, cmd: 0x3c },
  getChannelCipherSuites: { what: 'get the channel cipher suites', netFn: NETFN_APP, cmd: 0x54 },
  getChassisStatus: { what: 'get the chassis status', netFn: NETFN_CHASSIS, cmd: 0x01 },
  chassisControl: { what: 'send a chassis control', netFn: NETFN_CHASSIS, cmd: 0x02 },
  setSystemBootOptions: { what: 'set the system boot options', netFn: NETFN_CHASSIS, cmd: 0x08 },
  getSensorReading: { what: 'get a sensor reading', netFn: NETFN_SENSOR, cmd: 0x2d },
  getFruInventoryAreaInfo: { what: 'get the FRU inventory area info', netFn: NETFN_STORAGE, cmd: 0x10 },
  readFruData: { what: 'read FRU data', netFn: NETFN_STORAGE, cmd: 0x11 },
  reserveSdrRepository: { what: 'reserve the SDR repository', netFn: NETFN_STORAGE, cmd: 0x22 },
  getSdr: { what: 'get an SDR record', netFn: NETFN_STORAGE, cmd: 0x23 },
  getSelInfo: { what: 'get the SEL info', netFn: NETFN_STORAGE, cmd: 0x40 },
  getSelEntry: { what: 'get a SEL entry', netFn: NETFN_STORAGE, cmd: 0x43 },
} as const satisfies Record<string, Command>;
