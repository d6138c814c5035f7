import type { LogEntry, LogEventKind, SensorCrossing, SensorSpec } from '../server/index.js';
import { ipmiTimestamp, u16, u32 } from './bytes.js';
import { linearisationFor, rawThresholds, sensorTypeOf, toRaw, type SdrRepository } from './sdr-repository.js';

/**
 * The server's event log as IPMI System Event Log records (IPMI v2.0 §32.1,
 * table 32-1): 16-byte system event records (type 02h) from the BMC (generator
 * 20h), event message format 04h, sensor-specific events (type 6Fh) of:
 * - Power Unit (sensor type 09h, sensor 50h): 00h power off/down, 01h power cycle;
 * - System Boot/Restart Initiated (1Dh, sensor 51h): 00h by power up, 01h by hard reset;
 * - Event Logging Disabled (10h, sensor 52h): 02h log area reset/cleared;
 * and threshold events (type 01h, §29.7) of the SDR's own sensors: the offset of
 * the threshold crossed, asserted going out of range and deasserted coming back,
 * with the trigger reading and threshold (raw) in event data 2 and 3.
 */
const SYSTEM_EVENT_RECORD = 0x02;
const EVM_REV = 0x04;
const SENSOR_SPECIFIC = 0x6f;

const THRESHOLD = 0x01;
const DEASSERTION = 0x80;
/** Event data 1: trigger reading in byte 2, trigger threshold in byte 3. */
const TRIGGER_BYTES = 0x50;

const EVENTS: Readonly<Record<Exclude<LogEventKind, 'sensor-threshold'>, { sensorType: number; sensorNumber: number; offset: number }>> = {
  'power-off': { sensorType: 0x09, sensorNumber: 0x50, offset: 0x00 },
  'soft-off': { sensorType: 0x09, sensorNumber: 0x50, offset: 0x00 },
  'power-cycle': { sensorType: 0x09, sensorNumber: 0x50, offset: 0x01 },
  'power-on': { sensorType: 0x1d, sensorNumber: 0x51, offset: 0x00 },
  'hard-reset': { sensorType: 0x1d, sensorNumber: 0x51, offset: 0x01 },
  'log-cleared': { sensorType: 0x10, sensorNumber: 0x52, offset: 0x02 },
};

/** Threshold offsets (table 42-2) and the threshold value each compares to, by side and level. */
function thresholdOf(spec: SensorSpec, side: SensorCrossing['side'], level: 'non-critical' | 'critical'): { offset: number; index: number } {
  if (side === 'upper') return level === 'critical' ? { offset: 0x09, index: 4 } : { offset: 0x07, index: 3 };
  return level === 'critical' ? { offset: 0x02, index: 1 } : { offset: 0x00, index: 0 };
}

function thresholdRecord(entry: LogEntry, crossing: SensorCrossing, sdr: SdrRepository): Uint8Array {
  const found = [...sdr.sensors].find(([, spec]) => spec.id === crossing.sensor);
  if (!found) throw new Error(`Invariant violated: log entry ${entry.id} names sensor ${crossing.sensor}, which has no SDR`);
  const [number, spec] = found;
  // Going out of range asserts the new level; coming back deasserts the level it left.
  const worse = crossing.to !== 'ok' && (crossing.from === 'ok' || crossing.to === 'critical');
  const level = (worse ? crossing.to : crossing.from) as 'non-critical' | 'critical';
  const { offset, index } = thresholdOf(spec, crossing.side, level);
  const lin = linearisationFor(spec);
  return Uint8Array.from([
    ...u16(entry.id), SYSTEM_EVENT_RECORD, ...u32(ipmiTimestamp(entry.atMs)),
    0x20, 0x00, EVM_REV, sensorTypeOf(spec), number, THRESHOLD | (worse ? 0 : DEASSERTION),
    TRIGGER_BYTES | offset, toRaw(crossing.value, lin), rawThresholds(spec, lin).values[index] ?? 0xff,
  ]);
}

export function encodeSelRecord(entry: LogEntry, sdr: SdrRepository): Uint8Array {
  if (entry.kind === 'sensor-threshold') {
    if (!entry.crossing) throw new Error(`Invariant violated: sensor-threshold log entry ${entry.id} without a crossing`);
    return thresholdRecord(entry, entry.crossing, sdr);
  }
  const event = EVENTS[entry.kind];
  return Uint8Array.from([
    ...u16(entry.id), SYSTEM_EVENT_RECORD, ...u32(ipmiTimestamp(entry.atMs)),
    0x20, 0x00, EVM_REV, event.sensorType, event.sensorNumber, SENSOR_SPECIFIC,
    event.offset, 0xff, 0xff, // event data 2 and 3 unspecified
  ]);
}
