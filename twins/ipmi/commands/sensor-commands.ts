import { Privilege } from '../privilege.js';
import { linearisationFor, rawThresholds, thresholdStatus, toRaw } from '../sdr-repository.js';
import { commandTable, CompletionCode, fail, NetFn, ok, type CommandContext, type CommandHandler, type Reply } from './command.js';

/** Sensor/Event commands (IPMI v2.0 §35): readings and thresholds of the server's sensors. */

/** Event messages and scanning enabled (byte 2 bits 7, 6); bit 5 marks a reading that is unavailable. */
const SCANNING = 0xc0;
const UNAVAILABLE = 0x20;

function getSensorReading(ctx: CommandContext, data: Uint8Array): Reply {
  const spec = ctx.sdr.sensors.get(data[0]!);
  if (!spec) return fail(CompletionCode.notPresent);
  const reading = ctx.server.readSensor(spec.id);
  if (!reading || reading.value === undefined) return ok([0x00, SCANNING | UNAVAILABLE, 0xc0]);
  const lin = linearisationFor(spec);
  const raw = toRaw(reading.value, lin);
  return ok([raw, SCANNING, 0xc0 | thresholdStatus(raw, rawThresholds(spec, lin))]);
}

function getSensorThresholds(ctx: CommandContext, data: Uint8Array): Reply {
  const spec = ctx.sdr.sensors.get(data[0]!);
  if (!spec) return fail(CompletionCode.notPresent);
  const thresholds = rawThresholds(spec);
  return ok([thresholds.mask, ...thresholds.values]);
}

export const SENSOR_COMMANDS: readonly CommandHandler[] = commandTable(NetFn.sensorEvent, [
  [0x27, 'Get Sensor Thresholds', Privilege.user, [1, 1], getSensorThresholds],
  [0x2d, 'Get Sensor Reading', Privilege.user, [1, 1], getSensorReading],
]);
