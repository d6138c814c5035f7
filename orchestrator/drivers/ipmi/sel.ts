/**
 * System Event Log records (IPMI v2.0 rev 1.1, §32, Tables 36-1–36-3 and
 * 42-1–42-3): system event records become readable entries; OEM records
 * keep their type and manufacturer.
 */
import type { EventLogEntry } from '../bmc-driver.js';
import { ByteReader, hex } from './bytes.js';

const SENSOR_TYPES: readonly string[] = [
  'Reserved', 'Temperature', 'Voltage', 'Current', 'Fan', 'Physical Security', 'Platform Security', 'Processor',
  'Power Supply', 'Power Unit', 'Cooling Device', 'Other Units-based Sensor', 'Memory', 'Drive Slot',
  'POST Memory Resize', 'System Firmware Progress', 'Event Logging Disabled', 'Watchdog 1', 'System Event',
  'Critical Interrupt', 'Button / Switch', 'Module / Board', 'Microcontroller / Coprocessor', 'Add-in Card', 'Chassis',
  'Chip Set', 'Other FRU', 'Cable / Interconnect', 'Terminator', 'System Boot Initiated', 'Boot Error', 'OS Boot',
  'OS Stop / Shutdown', 'Slot / Connector', 'System ACPI Power State', 'Watchdog 2', 'Platform Alert',
  'Entity Presence', 'Monitor ASIC', 'LAN', 'Management Subsystem Health', 'Battery', 'Session Audit',
  'Version Change', 'FRU State',
];

export function sensorTypeName(type: number): string {
  return SENSOR_TYPES[type] ?? (type >= 0xc0 ? `OEM sensor type ${hex(type)}` : `sensor type ${hex(type)}`);
}

const THRESHOLD_EVENTS: readonly string[] = [
  'Lower Non-critical going low', 'Lower Non-critical going high', 'Lower Critical going low', 'Lower Critical going high',
  'Lower Non-recoverable going low', 'Lower Non-recoverable going high', 'Upper Non-critical going low',
  'Upper Non-critical going high', 'Upper Critical going low', 'Upper Critical going high',
  'Upper Non-recoverable going low', 'Upper Non-recoverable going high',
];

/** Sensor-specific offsets (event/reading type 6Fh) for the sensor types fleets log most. */
const SENSOR_SPECIFIC: Readonly<Record<number, readonly string[]>> = {
  0x07: ['IERR', 'Thermal trip', 'FRB1/BIST failure', 'FRB2/Hang in POST failure', 'FRB3/Processor startup failure', 'Configuration error', 'SM BIOS uncorrectable CPU-complex error', 'Presence detected', 'Processor disabled', 'Terminator presence detected', 'Processor automatically throttled'],
  0x08: ['Presence detected', 'Power supply failure detected', 'Predictive failure', 'Power supply AC lost', 'AC lost or out-of-range', 'AC out-of-range, but present', 'Configuration error'],
  0x09: ['Power off / down', 'Power cycle', '240VA power down', 'Interlock power down', 'AC lost', 'Soft power control failure', 'Power unit failure detected', 'Predictive failure'],
  0x0c: ['Correctable ECC', 'Uncorrectable ECC', 'Parity', 'Memory scrub failed', 'Memory device disabled', 'Correctable ECC logging limit reached', 'Presence detected', 'Configuration error', 'Spare', 'Memory automatically throttled', 'Critical overtemperature'],
  0x10: ['Correctable memory error logging disabled', 'Event type logging disabled', 'Log area reset/cleared', 'All event logging disabled', 'SEL full', 'SEL almost full'],
  0x12: ['System reconfigured', 'OEM system boot event', 'Undetermined system hardware failure', 'Entry added to auxiliary log', 'PEF action', 'Timestamp clock synchronization'],
  0x1d: ['Initiated by power up', 'Initiated by hard reset', 'Initiated by warm reset', 'User requested PXE boot', 'Automatic boot to diagnostic', 'OS / run-time software initiated hard reset', 'OS / run-time software initiated warm reset', 'System restart'],
  0x20: ['Critical stop during OS load', 'Run-time critical stop', 'OS graceful stop', 'OS graceful shutdown', 'Soft shutdown initiated by PEF', 'Agent not responding'],
};

function eventText(sensorType: number, eventType: number, offset: number): string {
  if (eventType === 0x01) return THRESHOLD_EVENTS[offset] ?? `threshold offset ${offset}`;
  if (eventType === 0x6f) return SENSOR_SPECIFIC[sensorType]?.[offset] ?? `sensor-specific offset ${offset}`;
  return `event type ${hex(eventType)} offset ${offset}`;
}

export type SensorNamer = (generatorId: number, sensorNumber: number) => string | undefined;

/** One 16-byte SEL record. */
export function parseSelRecord(bytes: Uint8Array, bmc: string, nameOf: SensorNamer = () => undefined): EventLogEntry {
  const r = new ByteReader(bytes, bmc, 'SEL record');
  if (bytes.length < 16) r.fail(`a SEL record is 16 bytes, got ${bytes.length}`);
  const id = r.u16le('record id');
  const type = r.u8('record type');
  if (type >= 0xe0) return { id, timestampMs: 0, sensor: 'OEM', message: `OEM record ${hex(type)} (not timestamped)` };
  const timestampMs = r.u32le('timestamp') * 1000;
  if (type >= 0xc0) {
    const manufacturer = r.u8('manufacturer id') | (r.u8('manufacturer id') << 8) | (r.u8('manufacturer id') << 16);
    return { id, timestampMs, sensor: 'OEM', message: `OEM record ${hex(type)} from manufacturer ${manufacturer}` };
  }
  if (type !== 0x02) return { id, timestampMs, sensor: 'unknown', message: `record type ${hex(type)}` };
  const generatorId = r.u16le('generator id');
  r.u8('event message format revision');
  const sensorType = r.u8('sensor type');
  const sensorNumber = r.u8('sensor number');
  const dirType = r.u8('event direction and type');
  const data1 = r.u8('event data 1');
  const sensor = nameOf(generatorId, sensorNumber) ?? `${sensorTypeName(sensorType)} #${hex(sensorNumber)}`;
  const text = eventText(sensorType, dirType & 0x7f, data1 & 0x0f);
  return { id, timestampMs, sensor, message: `${text} (${dirType & 0x80 ? 'deasserted' : 'asserted'})` };
}
