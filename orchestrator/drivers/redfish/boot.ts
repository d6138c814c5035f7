/**
 * Boot override: read, and set once/persistent with UEFI/Legacy. Sends the full
 * payload every time (Enabled + Target + Mode: AMI/ASRock need it, Supermicro
 * reverts to Once otherwise: field notes 30, 36), PATCHes the `@Redfish.Settings`
 * object when the system has one (iDRAC10: FN 11), leaves the mode out where the
 * BMC has none, and re-sets a mode the BMC flipped while setting the device (FN 44);
 * clears it the same way.
 */
import type { BootDevice, BootMode, BootOverride, BootOverrideState } from '../bmc-driver.js';
import { BmcBadRequestError, NotSupportedError } from '../errors.js';
import type { Resource } from './client.js';
import { allowableValues, link, optObject, optString, type JsonObject } from './payload.js';
import type { Ctx } from './service.js';
import { awaitAccepted } from './task-monitor.js';

const DEVICES: readonly BootDevice[] = ['Pxe', 'Hdd', 'Cd', 'BiosSetup'];
const MODES: readonly BootMode[] = ['UEFI', 'Legacy'];

function deviceOf(target: string | undefined): BootDevice | undefined {
  if (target === undefined) return undefined;
  if (target === 'UsbCd' || target === 'Dvd') return 'Cd';
  return DEVICES.find((d) => d === target);
}

/** The system and its Boot object: a system without one has no boot override to read or set. */
async function systemBoot(ctx: Ctx, what: string, signal: AbortSignal | undefined): Promise<{ system: Resource; boot: JsonObject }> {
  const system = await ctx.client.get(ctx.service.system.path, what, signal);
  const boot = optObject(system.body, 'Boot');
  if (boot === undefined) throw new NotSupportedError(ctx.client.bmc, `Failed to ${what}: ${system.path} has no Boot object`);
  return { system, boot };
}

export async function readBootOverride(ctx: Ctx, signal?: AbortSignal): Promise<BootOverrideState> {
  const { boot } = await systemBoot(ctx, 'read the boot override', signal);
  const enabledRaw = optString(boot, 'BootSourceOverrideEnabled');
  const enabled = enabledRaw === 'Once' || enabledRaw === 'Continuous' ? enabledRaw : 'Disabled';
  const rawTarget = optString(boot, 'BootSourceOverrideTarget');
  const modeRaw = optString(boot, 'BootSourceOverrideMode');
  return {
    enabled,
    device: enabled === 'Disabled' || rawTarget === 'None' ? undefined : deviceOf(rawTarget),
    rawTarget,
    mode: MODES.find((m) => m === modeRaw),
  };
}

/** The BMC's target name for `device`, from its allowable values or the profile. */
export function bootTarget(device: BootDevice, allowed: readonly string[] | undefined, cdFallback: 'Cd' | 'UsbCd'): string | undefined {
  if (device !== 'Cd') return allowed === undefined || allowed.includes(device) ? device : undefined;
  if (allowed === undefined) return cdFallback;
  return ['Cd', 'UsbCd', 'Dvd'].find((t) => allowed.includes(t));
}

export async function writeBootOverride(ctx: Ctx, override: BootOverride, signal?: AbortSignal): Promise<void> {
  if (!DEVICES.includes(override.device)) throw new BmcBadRequestError(ctx.client.bmc, `Failed to set the boot override: device ${JSON.stringify(override.device)} — use one of ${DEVICES.join(', ')}`);
  if (!MODES.includes(override.mode)) throw new BmcBadRequestError(ctx.client.bmc, `Failed to set the boot override: mode ${JSON.stringify(override.mode)} — use UEFI or Legacy`);
  const what = `set the boot override to ${override.device} (${override.persistent ? 'persistent' : 'once'}, ${override.mode})`;
  const { system, boot } = await systemBoot(ctx, what, signal);

  const targets = allowableValues(boot, 'BootSourceOverrideTarget');
  const target = bootTarget(override.device, targets, ctx.quirks.cdBootTarget);
  if (target === undefined) throw new NotSupportedError(ctx.client.bmc, `Failed to ${what}: the BMC allows targets ${targets?.join(', ') ?? '(none)'}`);
  const enabled = override.persistent ? 'Continuous' : 'Once';
  const enables = allowableValues(boot, 'BootSourceOverrideEnabled');
  if (override.persistent && (ctx.quirks.continuousBootUnsupported || (enables !== undefined && !enables.includes('Continuous')))) {
    throw new NotSupportedError(ctx.client.bmc, `Failed to ${what}: this BMC has no persistent override (field notes 23, 44) — set a one-time override before every boot`);
  }
  const modes = allowableValues(boot, 'BootSourceOverrideMode');
  // Some BMCs have no BootSourceOverrideMode at all: then the mode is the BIOS's business, not the override's.
  const modeSettable = boot['BootSourceOverrideMode'] !== undefined || modes !== undefined;
  if (modeSettable && modes !== undefined && !modes.includes(override.mode)) {
    throw new NotSupportedError(ctx.client.bmc, `Failed to ${what}: the BMC allows boot modes ${modes.join(', ')}`);
  }
  const patch: JsonObject = {
    Boot: { BootSourceOverrideEnabled: enabled, BootSourceOverrideTarget: target, ...(modeSettable ? { BootSourceOverrideMode: override.mode } : {}) },
  };

  const staged = await patchBoot(ctx, system, patch, what, signal);
  if (staged || !modeSettable) return; // staged for the next reset, or nothing to check

  const after = await readBootOverride(ctx, signal);
  if (after.mode !== undefined && after.mode !== override.mode) {
    // Setting the device flipped the mode (field note 44): set the mode again, once.
    const again = await ctx.client.get(ctx.service.system.path, what, signal);
    const fix = await ctx.client.patch(again, { Boot: { BootSourceOverrideMode: override.mode, BootSourceOverrideEnabled: enabled, BootSourceOverrideTarget: target } }, what, { signal });
    await awaitAccepted(ctx.client, ctx.cfg, fix, what, signal);
  }
}

/**
 * Back to the normal boot order. The full payload again (field note 36):
 * Disabled, the None target where the BMC lists it, and the mode as it is, so
 * a BMC that resets what it is not sent keeps its mode.
 */
export async function disableBootOverride(ctx: Ctx, signal?: AbortSignal): Promise<void> {
  const what = 'clear the boot override';
  const { system, boot } = await systemBoot(ctx, what, signal);
  const targets = allowableValues(boot, 'BootSourceOverrideTarget');
  const mode = optString(boot, 'BootSourceOverrideMode');
  const patch: JsonObject = {
    Boot: {
      BootSourceOverrideEnabled: 'Disabled',
      ...(targets === undefined || targets.includes('None') ? { BootSourceOverrideTarget: 'None' } : {}),
      ...(mode === undefined ? {} : { BootSourceOverrideMode: mode }),
    },
  };
  await patchBoot(ctx, system, patch, what, signal);
}

/**
 * PATCHes the boot object where this system takes it: the `@Redfish.Settings`
 * object when it has one (iDRAC10: FN 11), else the system itself. True when
 * the change was staged in a settings object, to apply at the next reset.
 */
async function patchBoot(ctx: Ctx, system: Resource, patch: JsonObject, what: string, signal: AbortSignal | undefined): Promise<boolean> {
  const settingsPath = link(optObject(system.body, '@Redfish.Settings'), 'SettingsObject');
  const resource: Resource = settingsPath === undefined ? system : ((await ctx.client.getOptional(settingsPath, what, signal)) ?? { path: settingsPath, body: {}, etag: undefined });
  const reply = await ctx.client.patch(resource, patch, what, { signal });
  await awaitAccepted(ctx.client, ctx.cfg, reply, what, signal);
  return settingsPath !== undefined;
}
