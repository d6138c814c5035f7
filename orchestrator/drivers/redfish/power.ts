/**
 * Power state and actions. The ResetType is picked from what the system allows
 * (`ResetType@Redfish.AllowableValues` on the action, or its `@Redfish.ActionInfo`),
 * with fallbacks; actions are idempotent against the current state.
 */
import type { PowerAction, PowerState } from '../bmc-driver.js';
import { BmcProtocolError, BmcUnreachableError, NotSupportedError } from '../errors.js';
import { isStateConflict } from './classify.js';
import { allowableValues, isObject, optArray, optObject, optString, stringArray } from './payload.js';
import type { Ctx } from './service.js';
import { awaitAccepted } from './task-monitor.js';

/** Transient PowerState values some BMCs report mid-transition (iLO Gen11: field note 19). */
const TRANSIENT_READS = 3;
/** How long an action waits for a PoweringOn/PoweringOff transition to end before acting (ForceOff does not wait). */
export const POWER_SETTLE_MS = 120_000;
/** ForceOff → On gap where a single restart hangs the host (field note 25). */
export const OFF_ON_GAP_MS = 10_000;

/** ResetType names in order of preference for each action. */
const PREFERENCES: Readonly<Record<PowerAction, readonly string[]>> = {
  On: ['On', 'ForceOn', 'PushPowerButton'],
  ForceOff: ['ForceOff'],
  GracefulShutdown: ['GracefulShutdown', 'PushPowerButton'],
  // One reset beats off-then-on (peer 5); PowerCycle and ForceRestart stand in for each other.
  ForceRestart: ['ForceRestart', 'PowerCycle'],
  PowerCycle: ['PowerCycle', 'ForceRestart'],
};

export async function readPowerState(ctx: Ctx, signal?: AbortSignal): Promise<PowerState> {
  let last: unknown;
  for (let read = 0; read < TRANSIENT_READS; read++) {
    if (read > 0) await ctx.cfg.clock.sleep(ctx.cfg.retryBaseDelayMs, signal);
    const system = await ctx.client.get(ctx.service.system.path, 'read the power state', signal);
    last = system.body['PowerState'];
    switch (last) {
      case 'On':
      case 'Paused':
        return 'On';
      case 'Off':
        return 'Off';
      case 'PoweringOn':
        return 'PoweringOn';
      case 'PoweringOff':
        return 'PoweringOff';
      default:
        continue; // Reset, Unknown, null, absent: read again
    }
  }
  throw new BmcProtocolError(ctx.client.bmc, `Failed to read the power state: the BMC reports ${JSON.stringify(last) ?? 'none'} after ${TRANSIENT_READS} reads`);
}

interface ResetAction {
  readonly target: string;
  /** undefined: the BMC does not say; any standard type is tried. */
  readonly allowed: readonly string[] | undefined;
}

async function resetAction(ctx: Ctx, signal?: AbortSignal): Promise<ResetAction> {
  const system = await ctx.client.get(ctx.service.system.path, 'read the computer system', signal);
  const action = optObject(optObject(system.body, 'Actions'), '#ComputerSystem.Reset');
  const target = optString(action, 'target');
  if (target === undefined) throw new NotSupportedError(ctx.client.bmc, `Failed to change the power: ${system.path} offers no #ComputerSystem.Reset action`);
  let allowed = allowableValues(action, 'ResetType');
  const infoPath = optString(action, '@Redfish.ActionInfo');
  if (allowed === undefined && infoPath !== undefined) {
    const info = await ctx.client.getOptional(infoPath, 'read the reset action info', signal);
    const parameter = optArray(info?.body, 'Parameters').find((p) => isObject(p) && p['Name'] === 'ResetType');
    const values = isObject(parameter) ? stringArray(parameter, 'AllowableValues') : [];
    if (values.length > 0) allowed = values;
  }
  return { target, allowed };
}

/** The ResetType to send for `action`, or undefined when none fits. */
export function chooseResetType(action: PowerAction, allowed: readonly string[] | undefined): string | undefined {
  const prefs = PREFERENCES[action];
  if (allowed === undefined) return prefs[0];
  return prefs.find((p) => allowed.includes(p));
}

async function postReset(ctx: Ctx, reset: ResetAction, resetType: string, signal?: AbortSignal): Promise<void> {
  const what = `power ${resetType} the system`;
  const reply = await ctx.client.post(reset.target, { ResetType: resetType }, what, {
    signal,
    // iDRAC10 answers 409 shortly after a power-off (field note 11), iLO a 400 "invalid for current system state" (FN 17).
    retryIf: isStateConflict,
  });
  await awaitAccepted(ctx.client, ctx.cfg, reply, what, signal);
}

/**
 * The power state once any transition has ended, bounded by POWER_SETTLE_MS:
 * BMCs refuse most resets mid-transition (iLO ResourceInUse, FN 17; peer 5).
 */
async function settledPowerState(ctx: Ctx, signal?: AbortSignal): Promise<PowerState> {
  const deadline = ctx.cfg.clock.now() + POWER_SETTLE_MS;
  const pollMs = Math.max(1, Math.min(ctx.cfg.taskPollIntervalMs, 5_000));
  let state = await readPowerState(ctx, signal);
  for (let poll = 0; poll < Math.ceil(POWER_SETTLE_MS / pollMs) && (state === 'PoweringOn' || state === 'PoweringOff'); poll++) {
    if (ctx.cfg.clock.now() >= deadline) break;
    await ctx.cfg.clock.sleep(pollMs, signal);
    state = await readPowerState(ctx, signal);
  }
  return state;
}

export async function changePower(ctx: Ctx, action: PowerAction, signal?: AbortSignal): Promise<void> {
  const state = action === 'ForceOff' ? await readPowerState(ctx, signal) : await settledPowerState(ctx, signal);
  const off = state === 'Off' || state === 'PoweringOff';
  // Idempotent: some BMCs error when asked for the state they are in (field note 48).
  if (action === 'On' && !off) return;
  if ((action === 'ForceOff' || action === 'GracefulShutdown') && off) return;
  const reset = await resetAction(ctx, signal);
  // Restarting a machine that is off: just power it on.
  const effective: PowerAction = (action === 'ForceRestart' || action === 'PowerCycle') && state === 'Off' ? 'On' : action;
  const offThenOn = (effective === 'ForceRestart' || effective === 'PowerCycle') && (ctx.quirks.forceRestartHangs || chooseResetType(effective, reset.allowed) === undefined);
  if (offThenOn) {
    const forceOff = chooseResetType('ForceOff', reset.allowed);
    const on = chooseResetType('On', reset.allowed);
    if (forceOff === undefined || on === undefined) throw notSupported(ctx, action, reset.allowed);
    await postReset(ctx, reset, forceOff, signal);
    await ctx.cfg.clock.sleep(OFF_ON_GAP_MS, signal);
    await postReset(ctx, reset, on, signal);
    return;
  }
  const resetType = chooseResetType(effective, reset.allowed);
  if (resetType === undefined) throw notSupported(ctx, action, reset.allowed);
  if (effective === 'On' || effective === 'ForceOff' || effective === 'GracefulShutdown') {
    await postTowardState(ctx, reset, resetType, effective === 'On', signal);
    return;
  }
  // A restart cannot be told apart from "not done" by the power state: never sent twice.
  await postReset(ctx, reset, resetType, signal);
}

/**
 * A reset whose goal the power state shows (on, or off): when the POST is lost
 * on the way (connection reset or no answer — flaky firmware and BMCs that drop
 * pooled connections, field notes 4, 39) the driver does not guess. It reads the
 * power state and sends again only if the goal is not reached, so the action
 * stays idempotent; bounded by retryAttempts.
 */
async function postTowardState(ctx: Ctx, reset: ResetAction, resetType: string, wantOn: boolean, signal?: AbortSignal): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await postReset(ctx, reset, resetType, signal);
      return;
    } catch (error) {
      if (!(error instanceof BmcUnreachableError) || attempt >= ctx.cfg.retryAttempts) throw error;
      await ctx.cfg.clock.sleep(ctx.cfg.retryBaseDelayMs * attempt, signal);
      const now = await readPowerState(ctx, signal);
      if (wantOn ? now !== 'Off' : now === 'Off' || now === 'PoweringOff') return;
    }
  }
}

function notSupported(ctx: Ctx, action: PowerAction, allowed: readonly string[] | undefined): NotSupportedError {
  return new NotSupportedError(ctx.client.bmc, `Failed to power ${action} the system: the BMC allows only ${allowed?.join(', ') || 'no reset types'} — use another action`);
}
