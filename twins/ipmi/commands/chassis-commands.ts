import type { BootDevice, PowerAction } from '../../server/index.js';
import { Privilege } from '../privilege.js';
import { commandTable, CompletionCode, fail, NetFn, ok, type CommandContext, type CommandHandler, type Reply } from './command.js';

/** Chassis commands (IPMI v2.0 §28): status, power control, identify, system boot options. */

const CONTROL_ACTIONS: ReadonlyArray<PowerAction | undefined> = ['off', 'on', 'cycle', 'hard-reset', undefined, 'soft-off'];

/** Boot device selector (param 5, data 2 bits 5:2) ↔ the server's boot device. */
const DEVICE_CODES: Readonly<Record<BootDevice, number>> = { None: 0x0, Pxe: 0x1, Hdd: 0x2, Cd: 0x5, BiosSetup: 0x6 };
const DEVICES_BY_CODE = new Map<number, BootDevice>([...Object.entries(DEVICE_CODES).map(([d, c]) => [c, d as BootDevice] as const), [0x3, 'Hdd']]);

const BOOT_FLAGS = 5;
/** Writable parameters and their lengths; 5 (boot flags) lives partly on the server. */
const BOOT_PARAMETER_LENGTHS = new Map<number, number>([
  [0, 1], // set in progress
  [1, 1], // service partition selector
  [2, 1], // service partition scan
  [3, 1], // BMC boot flag valid bit clearing
  [4, 2], // boot info acknowledge
  [BOOT_FLAGS, 5],
  [6, 9], // boot initiator info
]);

function getChassisStatus(ctx: CommandContext): Reply {
  const { server } = ctx;
  const identify = server.identify;
  const identifyState = !identify.on ? 0 : identify.untilMs === undefined ? 0x20 : 0x10;
  // Power restore policy "previous" (01b); last power event: power on via IPMI command.
  const lastEvent = server.eventLog.some((e) => e.kind === 'power-on') ? 0x10 : 0x00;
  return ok([(server.isPowered() ? 0x01 : 0x00) | 0x20, lastEvent, 0x40 | identifyState]);
}

function chassisControl(ctx: CommandContext, data: Uint8Array): Reply {
  const action = CONTROL_ACTIONS[data[0]! & 0x0f];
  if (action === undefined) return fail(CompletionCode.invalidDataField);
  ctx.server.powerAction(action); // a refusal (cycle while off) becomes D5h in the router
  return ok();
}

function chassisIdentify(ctx: CommandContext, data: Uint8Array): Reply {
  const forceOn = data.length >= 2 && (data[1]! & 0x01) !== 0;
  const seconds = data.length >= 1 ? data[0]! : 15;
  ctx.server.setIdentify(forceOn ? 'indefinite' : seconds * 1000);
  return ok();
}

function bootFlags(ctx: CommandContext): Uint8Array {
  const override = ctx.server.bootOverride;
  const stored = ctx.memory.bootParameters.get(BOOT_FLAGS) ?? new Uint8Array(5);
  const valid = override.device !== 'None';
  const data1 = (valid ? 0x80 : 0) | (override.persistence === 'Persistent' ? 0x40 : 0) | (override.mode === 'Uefi' ? 0x20 : 0);
  const data2 = (stored[1]! & 0xc3) | (DEVICE_CODES[override.device] << 2);
  return Uint8Array.from([data1, data2, stored[2]!, stored[3]!, stored[4]!]);
}

function setBootOptions(ctx: CommandContext, data: Uint8Array): Reply {
  const parameter = data[0]! & 0x7f;
  const length = BOOT_PARAMETER_LENGTHS.get(parameter);
  if (length === undefined) return fail(CompletionCode.specific80);
  const value = data.slice(1);
  if (value.length !== length) return fail(CompletionCode.lengthInvalid);
  if (parameter === BOOT_FLAGS) {
    const valid = (value[0]! & 0x80) !== 0;
    const device = DEVICES_BY_CODE.get((value[1]! >> 2) & 0x0f);
    if (device === undefined) return fail(CompletionCode.invalidDataField);
    ctx.server.setBootOverride({
      device: valid ? device : 'None',
      persistence: value[0]! & 0x40 ? 'Persistent' : 'Once',
      mode: value[0]! & 0x20 ? 'Uefi' : 'Legacy',
    });
  }
  ctx.memory.bootParameters.set(parameter, value);
  return ok();
}

function getBootOptions(ctx: CommandContext, data: Uint8Array): Reply {
  const parameter = data[0]! & 0x7f;
  const length = BOOT_PARAMETER_LENGTHS.get(parameter);
  if (length === undefined) return fail(CompletionCode.specific80);
  const value = parameter === BOOT_FLAGS ? bootFlags(ctx) : (ctx.memory.bootParameters.get(parameter) ?? new Uint8Array(length));
  return ok([0x01, parameter, ...value]);
}

export const CHASSIS_COMMANDS: readonly CommandHandler[] = commandTable(NetFn.chassis, [
  [0x01, 'Get Chassis Status', Privilege.user, [0, 0], getChassisStatus],
  [0x02, 'Chassis Control', Privilege.operator, [1, 1], chassisControl],
  [0x04, 'Chassis Identify', Privilege.operator, [0, 2], chassisIdentify],
  [0x08, 'Set System Boot Options', Privilege.operator, [1, 17], setBootOptions],
  [0x09, 'Get System Boot Options', Privilege.operator, [3, 3], getBootOptions],
]);
