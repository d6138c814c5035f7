/**
 * BIOS: read current and pending settings, stage changes in the pending-settings
 * object the `@Redfish.Settings` annotation names (`/Bios/Settings`, `/Bios/Pending`,
 * whatever the BMC uses), say how they will apply (`@Redfish.SettingsApplyTime`),
 * and on Dell make sure a config job exists (peer 12, field notes 7, 8).
 */
import type { BiosApply, BiosPendingResult, BiosSettings, BiosValue } from '../bmc-driver.js';
import { BmcBadRequestError, NotSupportedError } from '../errors.js';
import type { Resource } from './client.js';
import { jobFrom } from './outcome.js';
import { allowableValues, isObject, link, optObject, optString, pathOf, stringArray, type JsonObject } from './payload.js';
import type { Ctx } from './service.js';
import { awaitAccepted } from './task-monitor.js';

interface BiosResources {
  readonly bios: Resource;
  readonly settingsPath: string | undefined;
  readonly settings: Resource | undefined;
}

async function biosResources(ctx: Ctx, what: string, signal?: AbortSignal): Promise<BiosResources> {
  const system = await ctx.client.get(ctx.service.system.path, what, signal);
  const biosPath = link(system.body, 'Bios');
  if (biosPath === undefined) throw new NotSupportedError(ctx.client.bmc, `Failed to ${what}: ${system.path} links no Bios resource`);
  const bios = await ctx.client.get(biosPath, what, signal);
  const settingsPath = link(optObject(bios.body, '@Redfish.Settings'), 'SettingsObject');
  const settings = settingsPath === undefined ? undefined : await ctx.client.getOptional(settingsPath, what, signal);
  return { bios, settingsPath, settings };
}

function attributes(o: JsonObject | undefined): Record<string, BiosValue> {
  const out: Record<string, BiosValue> = {};
  const attrs = optObject(o, 'Attributes');
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[name] = value;
  }
  return out;
}

/** Apply times the BMC advertises for staged settings. */
function applyTimesOf(r: BiosResources): string[] {
  const fromSettings = allowableValues(optObject(r.settings?.body, '@Redfish.SettingsApplyTime'), 'ApplyTime') ?? [];
  const supported = stringArray(optObject(r.bios.body, '@Redfish.Settings'), 'SupportedApplyTimes');
  return [...new Set([...fromSettings, ...supported])];
}

export async function readBios(ctx: Ctx, signal?: AbortSignal): Promise<BiosSettings> {
  const r = await biosResources(ctx, 'read the BIOS settings', signal);
  const current = attributes(r.bios.body);
  const pending: Record<string, BiosValue> = {};
  for (const [name, value] of Object.entries(attributes(r.settings?.body))) {
    if (current[name] !== value) pending[name] = value;
  }
  return { current, pending, applyTimes: applyTimesOf(r) };
}

export async function stageBios(ctx: Ctx, changes: Readonly<Record<string, BiosValue>>, signal?: AbortSignal): Promise<BiosPendingResult> {
  const what = 'stage BIOS settings';
  if (!isObject(changes) || Object.keys(changes).length === 0) throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: changes is empty — pass { Attribute: value, … }`);
  const r = await biosResources(ctx, what, signal);
  const current = attributes(r.bios.body);
  // Nothing half-applied: every name and type is checked before anything is sent.
  const problems: string[] = [];
  for (const [name, value] of Object.entries(changes)) {
    if (!Object.hasOwn(current, name)) problems.push(`${name}: not a BIOS attribute of this system`);
    else if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') problems.push(`${name}: not a string, number, boolean or null`);
    else if (current[name] !== null && value !== null && typeof current[name] !== typeof value) problems.push(`${name}: is a ${typeof current[name]} on this system, got a ${typeof value}`);
  }
  if (problems.length > 0) throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: ${problems.join('; ')} — fix the BIOS profile`);

  const applyTimes = applyTimesOf(r);
  const applyTime = applyTimes.includes('OnReset') || (ctx.quirks.biosApplyTimeRequired && applyTimes.length === 0) ? 'OnReset' : applyTimes[0];
  const body: JsonObject = {
    Attributes: { ...changes },
    ...(applyTime !== undefined && r.settingsPath !== undefined ? { '@Redfish.SettingsApplyTime': { ApplyTime: applyTime } } : {}),
  };
  const target: Resource = r.settings ?? (r.settingsPath !== undefined ? { path: r.settingsPath, body: {}, etag: undefined } : r.bios);
  // BIOS staging can be held open for a long time (field note 45): the slow timeout.
  const reply = await ctx.client.patch(target, body, what, { signal, slow: true });

  let job = jobFrom(pathOf(reply.headers['location']));
  if (job === undefined) await awaitAccepted(ctx.client, ctx.cfg, reply, what, signal);
  if (job === undefined && ctx.quirks.biosConfigJob && r.settingsPath !== undefined) job = await createConfigJob(ctx, r.settingsPath, signal);
  const apply: BiosApply =
    job !== undefined
      ? { kind: 'job', jobId: job.jobId, jobUri: job.jobUri }
      : applyTime === 'Immediate'
        ? { kind: 'immediate' }
        : applyTime === 'AtMaintenanceWindowStart' || applyTime === 'InMaintenanceWindowOnReset'
          ? { kind: 'maintenance-window' }
          : { kind: 'on-reset' };
  return { apply, resetRequired: apply.kind !== 'immediate' };
}

/**
 * Dell: staged BIOS settings apply only through a config job. The job queue is
 * the manager's `Oem.Dell.Jobs` link, else the manager's `Jobs` child (iDRAC's layout).
 */
async function createConfigJob(ctx: Ctx, settingsPath: string, signal?: AbortSignal): Promise<{ jobId: string; jobUri: string }> {
  const what = 'create the BIOS config job';
  const manager = ctx.service.manager;
  if (manager === undefined) throw new NotSupportedError(ctx.client.bmc, `Failed to ${what}: the system has no manager`);
  const dell = (o: JsonObject | undefined): JsonObject | undefined => optObject(optObject(o, 'Oem'), 'Dell');
  const jobs = link(dell(manager.body), 'Jobs') ?? link(dell(optObject(manager.body, 'Links')), 'Jobs') ?? `${manager.path.replace(/\/+$/, '')}/Jobs`;
  const reply = await ctx.client.post(jobs, { TargetSettingsURI: settingsPath }, what, { signal });
  const job = jobFrom(pathOf(reply.headers['location'])) ?? jobFrom(optString(isObject(reply.body) ? reply.body : undefined, '@odata.id'));
  if (job === undefined) throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: the BMC accepted it (${reply.status}) but named no job`);
  return job;
}
