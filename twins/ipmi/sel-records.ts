import type { LogEntry, LogEventKind } from '../server/index.js';
import { ipmiTimestamp, u16, u32 } from './bytes.js';

/**
 * The server's event log as IPMI System Event Log records (IPMI v2.0 §32.1,
 * table 32-1): 16-byte system event records (type 02h) from the BMC (generator
 * 20h), event message format 04h, sensor-specific events (type 6Fh) of:
 * - Power Unit (sensor type 09h, sensor 50h): 00h power off/down, 01h power cycle;
 * - System Boot/Restart Initiated (1Dh, sensor 51h): 00h by power up, 01h by hard reset;
 * - Event Logging Disabled (10h, sensor 52h): 02h log area reset/cleared.
 */
const SYSTEM_EVENT_RECORD = 0x02;
const EVM_REV = 0x04;
const SENSOR_SPECIFIC = 0x6f;

const EVENTS: Readonly<Record<LogEventKind, { sensorType: number; sensorNumber: number; offset: number }>> = {
  'power-off': { sensorType: 0x09, sensorNumber: 0x50, offset: 0x00 },
  'soft-off': { sensorType: 0x09, sensorNumber: 0x50, offset: 0x00 },
  'power-cycle': { sensorType: 0x09, sensorNumber: 0x50, offset: 0x01 },
  'power-on': { sensorType: 0x1d, sensorNumber: 0x51, offset: 0x00 },
  'hard-reset': { sensorType: 0x1d, sensorNumber: 0x51, offset: 0x01 },
  'log-cleared': { sensorType: 0x10, sensorNumber: 0x52, offset: 0x02 },
};

export function encodeSelRecord(entry: LogEntry): Uint8Array {
  const event = EVENTS[entry.kind];
  return Uint8Array.from([
    ...u16(entry.id), SYSTEM_EVENT_RECORD, ...u32(ipmiTimestamp(entry.atMs)),
    0x20, 0x00, EVM_REV, event.sensorType, event.sensorNumber, SENSOR_SPECIFIC,
    event.offset, 0xff, 0xff, // event data 2 and 3 unspecified
  ]);
}
