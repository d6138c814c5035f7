/** Event subscriptions in the EventService's Subscriptions collection. Context is optional (field note 46). */
import type { EventSubscription, EventSubscriptionSpec } from '../bmc-driver.js';
import { BmcBadRequestError, BmcProtocolError, NotSupportedError } from '../errors.js';
import { isObject, link, odataId, pathOf, stringArray, type JsonObject } from './payload.js';
import { memberPaths, type Ctx } from './service.js';

async function subscriptionsCollection(ctx: Ctx, what: string, signal?: AbortSignal): Promise<{ path: string; eventTypes: string[] }> {
  const eventService = link(ctx.service.root.body, 'EventService');
  if (eventService === undefined) throw new NotSupportedError(ctx.client.bmc, `Failed to ${what}: the service root links no EventService`);
  const service = await ctx.client.get(eventService, what, signal);
  const path = link(service.body, 'Subscriptions');
  if (path === undefined) throw new NotSupportedError(ctx.client.bmc, `Failed to ${what}: the EventService has no Subscriptions collection`);
  return { path, eventTypes: stringArray(service.body, 'EventTypesForSubscription') };
}

export async function subscribe(ctx: Ctx, spec: EventSubscriptionSpec, signal?: AbortSignal): Promise<EventSubscription> {
  const what = `subscribe ${String(spec.destination)} to events`;
  let url: URL | undefined;
  try {
    url = new URL(spec.destination);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: destination is not an http(s) URL — pass the orchestrator's event listener URL`);
  }
  if (spec.context !== undefined && typeof spec.context !== 'string') throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: context must be a string`);
  const collection = await subscriptionsCollection(ctx, what, signal);
  const unknown = (spec.eventTypes ?? []).filter((t) => collection.eventTypes.length > 0 && !collection.eventTypes.includes(t));
  if (unknown.length > 0) throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: event types ${unknown.join(', ')} — this BMC offers ${collection.eventTypes.join(', ')}`);
  const body: JsonObject = {
    Destination: spec.destination,
    Protocol: 'Redfish',
    ...(spec.context === undefined ? {} : { Context: spec.context }),
    ...(spec.eventTypes === undefined || spec.eventTypes.length === 0 ? {} : { EventTypes: [...spec.eventTypes] }),
  };
  const reply = await ctx.client.post(collection.path, body, what, { signal });
  const id = pathOf(reply.headers['location']) ?? (isObject(reply.body) ? odataId(reply.body) : undefined);
  if (id === undefined) throw new BmcProtocolError(ctx.client.bmc, `Failed to ${what}: the BMC created it (${reply.status}) but named no subscription`);
  return { id, destination: spec.destination };
}

export async function unsubscribe(ctx: Ctx, id: string, signal?: AbortSignal): Promise<void> {
  const what = `delete event subscription ${id}`;
  const collection = await subscriptionsCollection(ctx, what, signal);
  // Only a member of the Subscriptions collection is deleted: an id is never sent blind.
  const known = (await memberPaths(ctx.client, collection.path, what, signal)).find((p) => p.replace(/\/+$/, '') === id.replace(/\/+$/, ''));
  if (known === undefined) throw new BmcBadRequestError(ctx.client.bmc, `Failed to ${what}: no such subscription — use the id subscribe() returned`);
  await ctx.client.delete(known, what, { signal });
}
