/**
 * RAID volumes through the standard Storage/Volumes resources: list, create
 * (with `@Redfish.OperationApplyTime` where the collection supports it), delete.
 * Dell refuses OperationApplyTime on delete (field note 6) and answers SYS518
 * while it reloads after a delete (FN 5: retried through the profile).
 */
import type { OperationOutcome, RaidLevel, RaidVolume, RaidVolumeSpec } from '../bmc-driver.js';
import { BmcBadRequestError, NotSupportedError } from '../errors.js';
import type { Resource } from './client.js';
import { outcomeOf } from './outcome.js';
import { link, links, optNumber, optObject, optText, resourceId, stringArray, type JsonObject } from './payload.js';
import { readMembers, type Ctx } from './service.js';

const LEVELS: readonly RaidLevel[] = ['RAID0', 'RAID1', 'RAID5', 'RAID6', 'RAID10', 'RAID50', 'RAID60'];

async function storages(ctx: Ctx, what: string, signal?: AbortSignal): Promise<Resource[]> {
  const system = await ctx.client.get(ctx.service.system.path, what, signal);
  const storage = link(system.body, 'Storage');
  if (storage === undefined) throw new NotSupportedError(ctx.client.bmc, `Failed to ${what}: ${system.path} links no Storage collection (SimpleStorage cannot hold volumes)`);
  return readMembers(ctx.client, storage, what, signal);
}

export async function listVolumes(ctx: Ctx, signal?: AbortSignal): Promise<RaidVolume[]> {
  const what = 'list RAID volumes';
  const out: RaidVolume[] = [];
  const all = await storages(ctx, what, signal);
  // No controller exposes Volumes (iLO 5 keeps SmartArray logical drives in its OEM SmartStorage):
  // the BMC cannot say what volumes exist, and "none" would be a claim it never made.
  if (!all.some((s) => link(s.body, 'Volumes') !== undefined)) {
    throw new NotSupportedError(ctx.client.bmc, `Failed to ${what}: no storage controller of ${ctx.service.system.path} exposes a Volumes collection — configure RAID through the vendor's own tools`);
  }
  for (const storage of all) {
    const volumes = link(storage.body, 'Volumes');
    if (volumes === undefined) continue;
    for (const v of await readMembers(ctx.client, volumes, what, signal)) {
      const name = optText(v.body, 'Name');
      const raidLevel = optText(v.body, 'RAIDType') ?? optText(v.body, 'VolumeType');
      const capacityBytes = optNumber(v.body, 'CapacityBytes');
      out.push({
        id: v.path,
        ...(name === undefined ? {} : { name }),
        ...(raidLevel === undefined ? {} : { raidLevel }),
        ...(capacityBytes === undefined ? {} : { capacityBytes }),
        drives: links(optObject(v.body, 'Links'), 'Drives'),
        controller: storage.path,
      });
    }
  }
  return out;
}

const lastSegment = (path: string): string => path.replace(/\/+$/, '').split('/').pop() ?? path;
const samePath = (a: string, b: string): boolean => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/** Apply time to ask for, from `@Redfish.OperationApplyTimeSupport`; undefined when the BMC says nothing. */
function operationApplyTime(o: JsonObject | undefined): string | undefined {
  const supported = stringArray(optObject(o, '@Redfish.OperationApplyTimeSupport'), 'SupportedValues');
  return supported.includes('Immediate') ? 'Immediate' : supported.includes('OnReset') ? 'OnReset' : undefined;
}

export async function createVolume(ctx: Ctx, spec: RaidVolumeSpec, signal?: AbortSignal): Promise<OperationOutcome> {
  const what = `create a ${String(spec.raidLevel)} volume`;
  if (!LEVELS.includes(spec.raidLevel)) throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: raidLevel — use one of ${LEVELS.join(', ')}`);
  if (!Array.isArray(spec.drives) || spec.drives.length === 0) throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: drives is empty — name the member drives`);
  if (spec.capacityBytes !== undefined && (!Number.isSafeInteger(spec.capacityBytes) || spec.capacityBytes <= 0)) {
    throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: capacityBytes must be a positive integer`);
  }
  const all = await storages(ctx, what, signal);
  const candidates = spec.controller === undefined ? all : all.filter((s) => samePath(s.path, spec.controller!) || resourceId(s.body, s.path) === spec.controller);
  if (candidates.length === 0) throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: no storage controller ${JSON.stringify(spec.controller)} — use one of ${all.map((s) => s.path).join(', ')}`);
  for (const storage of candidates) {
    const drivePaths = links(storage.body, 'Drives');
    const resolved = spec.drives.map((d) => drivePaths.find((p) => samePath(p, d) || lastSegment(p) === d));
    if (resolved.some((p) => p === undefined)) continue;
    const volumes = link(storage.body, 'Volumes');
    if (volumes === undefined) throw new NotSupportedError(ctx.client.bmc, `Failed to ${what}: ${storage.path} has no Volumes collection`);
    const collection = await ctx.client.get(volumes, what, signal);
    const applyTime = operationApplyTime(collection.body);
    const body: JsonObject = {
      RAIDType: spec.raidLevel,
      Links: { Drives: resolved.map((p) => ({ '@odata.id': p! })) },
      ...(spec.name === undefined ? {} : { Name: spec.name }),
      ...(spec.capacityBytes === undefined ? {} : { CapacityBytes: spec.capacityBytes }),
      ...(applyTime === undefined ? {} : { '@Redfish.OperationApplyTime': applyTime }),
    };
    const reply = await ctx.client.post(volumes, body, what, { signal });
    return outcomeOf(ctx, reply, what, applyTime, signal);
  }
  throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: drives ${spec.drives.join(', ')} are not all on one controller — name drives that the same Storage lists`);
}

export async function deleteVolume(ctx: Ctx, id: string, signal?: AbortSignal): Promise<OperationOutcome> {
  const what = `delete volume ${id}`;
  // Only paths the BMC lists as volumes are deleted: an id is never sent blind.
  const known = (await listVolumes(ctx, signal)).find((v) => samePath(v.id, id));
  if (known === undefined) throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: no such volume — use an id from volumes()`);
  const volume = await ctx.client.get(known.id, what, signal);
  const applyTime = ctx.quirks.volumeDeleteNoApplyTime ? undefined : operationApplyTime(volume.body);
  const reply = await ctx.client.delete(known.id, what, { signal, ...(applyTime === undefined ? {} : { body: { '@Redfish.OperationApplyTime': applyTime } }) });
  return outcomeOf(ctx, reply, what, applyTime, signal);
}
