/**
 * Virtual media: the most vendor-fragile path (peer 8). Slots are found under the
 * manager or the system (iDRAC: FN 1), a slot of the right type with an
 * InsertMedia action is preferred (KVM-only slots lack it: FN 34), CD requests
 * take DVD-only slots (Cisco: FN 33), a slot holding another image is ejected
 * first (FN 8), BMCs without actions get a PATCH (XCC: FN 21), EjectMedia gets
 * an empty JSON body (iLO: FN 16), and the payload follows the profile
 * (Supermicro FN 28/29, Nokia FN 37).
 */
import type { VirtualMediaSlot, VirtualMediaType } from '../bmc-driver.js';
import { BmcBadRequestError, NotSupportedError } from '../errors.js';
import type { Resource } from './client.js';
import { allowableValues, link, optBoolean, optObject, optString, optText, stringArray, type JsonObject } from './payload.js';
import { readMembers, type Ctx } from './service.js';
import { awaitAccepted } from './task-monitor.js';

const TYPES: readonly VirtualMediaType[] = ['CD', 'DVD', 'USBStick', 'Floppy'];
const ACCEPTS: Readonly<Record<VirtualMediaType, readonly string[]>> = { CD: ['CD', 'DVD'], DVD: ['DVD', 'CD'], USBStick: ['USBStick'], Floppy: ['Floppy'] };
const SCHEMES: Readonly<Record<string, string>> = { 'http:': 'HTTP', 'https:': 'HTTPS', 'nfs:': 'NFS', 'cifs:': 'CIFS', 'smb:': 'CIFS' };

async function slotResources(ctx: Ctx, what: string, signal?: AbortSignal): Promise<Resource[]> {
  const system = await ctx.client.get(ctx.service.system.path, what, signal);
  const fromManager = link(ctx.service.manager?.body, 'VirtualMedia');
  const fromSystem = link(system.body, 'VirtualMedia');
  const order = ctx.quirks.virtualMediaFirst === 'system' ? [fromSystem, fromManager] : [fromManager, fromSystem];
  for (const collection of order) {
    if (collection === undefined) continue;
    const slots = await readMembers(ctx.client, collection, what, signal);
    if (slots.length > 0) return slots;
  }
  throw new NotSupportedError(ctx.client.bmc, `Failed to ${what}: neither the manager nor the system has VirtualMedia slots`);
}

function toSlot(r: Resource): VirtualMediaSlot {
  const image = optText(r.body, 'Image');
  return { id: r.path, mediaTypes: stringArray(r.body, 'MediaTypes'), inserted: optBoolean(r.body, 'Inserted') ?? image !== undefined, image };
}

const action = (r: Resource, name: string): JsonObject | undefined => optObject(optObject(r.body, 'Actions'), `#VirtualMedia.${name}`);

export async function listVirtualMedia(ctx: Ctx, signal?: AbortSignal): Promise<VirtualMediaSlot[]> {
  return (await slotResources(ctx, 'list virtual media', signal)).map(toSlot);
}

export async function insertMedia(ctx: Ctx, media: { readonly imageUrl: string; readonly type?: VirtualMediaType }, signal?: AbortSignal): Promise<string> {
  const type = media.type ?? 'CD';
  const what = `insert ${type} image ${String(media.imageUrl)}`;
  if (!TYPES.includes(type)) throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: type — use one of ${TYPES.join(', ')}`);
  let url: URL;
  try {
    url = new URL(media.imageUrl);
  } catch {
    throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: imageUrl is not a URL — pass http(s)://…/image.iso`);
  }
  const protocol = SCHEMES[url.protocol];
  if (protocol === undefined) throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: imageUrl scheme ${url.protocol} — use http, https, nfs or cifs`);
  if (ctx.quirks.vmediaUrlNoQuery && /[?=]/.test(media.imageUrl)) {
    throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: this BMC rejects ? and = in the URL (field note 29) — serve the image at a plain path`);
  }

  const slots = (await slotResources(ctx, what, signal)).filter((s) => toSlot(s).mediaTypes.some((t) => ACCEPTS[type].includes(t)));
  if (slots.length === 0) throw new NotSupportedError(ctx.client.bmc, `Failed to ${what}: no slot takes ${type}`);
  const already = slots.find((s) => toSlot(s).image === media.imageUrl && toSlot(s).inserted);
  if (already !== undefined) return already.path;
  const withAction = slots.filter((s) => action(s, 'InsertMedia') !== undefined);
  const pool = withAction.length > 0 ? withAction : slots;
  const slot = pool.find((s) => !toSlot(s).inserted) ?? pool[0]!;
  if (toSlot(slot).inserted) await ejectSlot(ctx, slot, signal);

  const insert = action(slot, 'InsertMedia');
  const transferTypes = allowableValues(insert, 'TransferProtocolType');
  const flags = ctx.quirks.insertMediaOmitFlags ? {} : { Inserted: true, WriteProtected: true };
  const transfer = ctx.quirks.insertMediaTransferProtocol || transferTypes !== undefined ? { TransferProtocolType: protocol } : {};
  const target = optString(insert, 'target');
  if (target !== undefined) {
    const reply = await ctx.client.post(target, { Image: media.imageUrl, ...flags, ...transfer }, what, { signal });
    await awaitAccepted(ctx.client, ctx.cfg, reply, what, signal);
  } else {
    // No InsertMedia action (XCC SD530): PATCH the slot; it still needs Inserted (field note 21).
    const fresh = await ctx.client.get(slot.path, what, signal);
    const reply = await ctx.client.patch(fresh, { Image: media.imageUrl, Inserted: true, ...transfer }, what, { signal });
    await awaitAccepted(ctx.client, ctx.cfg, reply, what, signal);
  }
  return slot.path;
}

async function ejectSlot(ctx: Ctx, slot: Resource, signal?: AbortSignal): Promise<void> {
  const what = `eject virtual media ${slot.path}`;
  const target = optString(action(slot, 'EjectMedia'), 'target');
  if (target !== undefined) {
    const reply = await ctx.client.post(target, {}, what, { signal }); // `{}`, not no body (iLO: field note 16)
    await awaitAccepted(ctx.client, ctx.cfg, reply, what, signal);
    return;
  }
  const fresh = await ctx.client.get(slot.path, what, signal);
  const reply = await ctx.client.patch(fresh, { Image: null, Inserted: false }, what, { signal });
  await awaitAccepted(ctx.client, ctx.cfg, reply, what, signal);
}

export async function ejectMedia(ctx: Ctx, slotId: string | undefined, signal?: AbortSignal): Promise<void> {
  const slots = await slotResources(ctx, 'eject virtual media', signal);
  if (slotId !== undefined) {
    const slot = slots.find((s) => s.path.replace(/\/+$/, '') === slotId.replace(/\/+$/, '') || s.path.split('/').pop() === slotId);
    if (slot === undefined) throw new BmcBadRequestError(ctx.client.bmc, `Failed to eject virtual media ${slotId}: no such slot — use an id from virtualMedia()`);
    // Ejecting an empty slot is a no-op (its Inserted may lag just after an eject: field note 43).
    if (toSlot(slot).inserted) await ejectSlot(ctx, slot, signal);
    return;
  }
  for (const slot of slots) if (toSlot(slot).inserted) await ejectSlot(ctx, slot, signal);
}
