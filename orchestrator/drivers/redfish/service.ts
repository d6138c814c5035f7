/**
 * Finding our way around one BMC's Redfish service by its links: the service
 * root, the ComputerSystem we drive, its Manager and Chassis, and collections
 * (with paging and already-expanded members). Nothing here hard-codes a path
 * below the service root.
 */
import { BmcProtocolError, NotSupportedError } from '../errors.js';
import { isSuccess } from './classify.js';
import { SERVICE_ROOT, type RedfishClient, type Resource } from './client.js';
import type { ResolvedConfig } from './config.js';
import { isObject, link, links, optArray, optObject, optString, optText, type JsonObject } from './payload.js';
import { selectProfile, type Quirks, type SelectedProfile, type ServiceFacts } from './profiles.js';

/** Members read from one collection at most; pages followed at most. */
export const MAX_MEMBERS = 1024;
const MAX_PAGES = 32;

export interface Service {
  readonly root: Resource;
  readonly system: Resource;
  readonly manager: Resource | undefined;
  readonly chassis: Resource | undefined;
  readonly facts: ServiceFacts;
  readonly profile: SelectedProfile;
  /** The query that has this service put a collection's members inline (`$expand`), when its root says it can. */
  readonly expandMembers: string | undefined;
}

/** What every operation works with. */
export interface Ctx {
  readonly client: RedfishClient;
  readonly cfg: ResolvedConfig;
  readonly service: Service;
  readonly quirks: Quirks;
}

/** Reads the service root, picks the system, its manager and chassis, and the vendor profile. */
export async function discover(client: RedfishClient, cfg: ResolvedConfig, signal?: AbortSignal): Promise<Service> {
  const root = await client.get(SERVICE_ROOT, 'read the service root', signal);
  const systemsUri = link(root.body, 'Systems');
  if (systemsUri === undefined) throw new NotSupportedError(client.bmc, 'Failed to find the computer system: the service root links no Systems collection');
  const systemPaths = await memberPaths(client, systemsUri, 'list the systems', signal);
  let systemPath: string | undefined;
  if (cfg.systemId !== undefined) {
    const want = cfg.systemId.replace(/\/+$/, '');
    systemPath = systemPaths.find((p) => p.replace(/\/+$/, '') === want || p.replace(/\/+$/, '').split('/').pop() === want);
    if (systemPath === undefined) throw new NotSupportedError(client.bmc, `Failed to find system ${JSON.stringify(cfg.systemId)}: the BMC lists ${systemPaths.join(', ') || 'none'} — fix systemId`);
  } else {
    systemPath = systemPaths[0];
    if (systemPaths.length > 1) cfg.log.warn(`Redfish BMC ${client.bmc} manages ${systemPaths.length} systems; driving ${String(systemPath)} — set systemId to choose`);
  }
  if (systemPath === undefined) throw new NotSupportedError(client.bmc, 'Failed to find the computer system: the Systems collection is empty');
  const system = await client.get(systemPath, 'read the computer system', signal);

  const systemLinks = optObject(system.body, 'Links');
  const managerPath = links(systemLinks, 'ManagedBy')[0] ?? (await firstMember(client, link(root.body, 'Managers'), 'list the managers', signal));
  const manager = managerPath === undefined ? undefined : await client.get(managerPath, 'read the manager', signal);
  const chassisPath = links(systemLinks, 'Chassis')[0] ?? (await firstMember(client, link(root.body, 'Chassis'), 'list the chassis', signal));
  const chassis = chassisPath === undefined ? undefined : await client.getOptional(chassisPath, 'read the chassis', signal);

  const rootOem = optObject(root.body, 'Oem');
  const facts: ServiceFacts = {
    vendor: optText(root.body, 'Vendor'),
    oemKeys: rootOem === undefined ? [] : Object.keys(rootOem),
    manufacturer: optText(system.body, 'Manufacturer'),
    managerModel: optText(manager?.body, 'Model'),
    systemModel: optText(system.body, 'Model'),
  };
  const profile = selectProfile(facts, cfg.profile);
  return { root, system, manager, chassis, facts, profile, expandMembers: expandMembersQuery(root.body) };
}

/**
 * `$expand=.` (references outside Links: a collection's Members) where the root
 * lists `ExpandQuery.NoLinks`, else `*` where it lists `ExpandAll`; one level.
 * A service that lists neither is never sent `$expand`.
 */
function expandMembersQuery(root: JsonObject): string | undefined {
  const expand = optObject(optObject(root, 'ProtocolFeaturesSupported'), 'ExpandQuery');
  const form = expand?.['NoLinks'] === true ? '.' : expand?.['ExpandAll'] === true ? '*' : undefined;
  if (form === undefined) return undefined;
  return `$expand=${form}${expand?.['Levels'] === true ? '($levels=1)' : ''}`;
}

async function firstMember(client: RedfishClient, collection: string | undefined, what: string, signal?: AbortSignal): Promise<string | undefined> {
  if (collection === undefined) return undefined;
  return (await memberPaths(client, collection, what, signal))[0];
}

/** The member paths of a collection, following `Members@odata.nextLink` pages. */
export async function memberPaths(client: RedfishClient, collection: string, what: string, signal?: AbortSignal): Promise<string[]> {
  return (await collectMembers(client, collection, what, signal)).map((m) => m.path);
}

/**
 * The members of a collection as resources: expanded members are used as they
 * are; the others are read one by one. Bounded by MAX_MEMBERS and MAX_PAGES.
 * With `expand` (Service.expandMembers) the collection is first asked for its
 * members inline: one read instead of one per member. A service that refuses
 * that read (iDRAC answers 400, 404 or 405 on some resources, and fails a whole
 * expansion over one member it may not show) is read the plain way, and one
 * that ignores it gives plain members, which are then read one by one.
 */
export async function readMembers(client: RedfishClient, collection: string, what: string, signal?: AbortSignal, expand?: string): Promise<Resource[]> {
  const out: Resource[] = [];
  for (const member of await collectMembers(client, collection, what, signal, expand)) {
    out.push(member.expanded ?? (await client.get(member.path, what, signal)));
  }
  return out;
}

interface Member {
  readonly path: string;
  readonly expanded: Resource | undefined;
}

async function collectMembers(client: RedfishClient, collection: string, what: string, signal?: AbortSignal, expand?: string): Promise<Member[]> {
  const out: Member[] = [];
  let next: string | undefined = collection;
  const visited = new Set<string>();
  for (let page = 0; page < MAX_PAGES && next !== undefined && !visited.has(next); page++) {
    visited.add(next);
    const res = (page === 0 && expand !== undefined ? await readExpanded(client, next, expand, signal) : undefined) ?? (await client.get(next, what, signal));
    const members = res.body['Members'];
    if (members !== undefined && !Array.isArray(members)) throw new BmcProtocolError(client.bmc, `Failed to ${what}: ${next} has Members that is not an array`);
    for (const item of optArray(res.body, 'Members')) {
      if (!isObject(item)) continue;
      const path = optString(item, '@odata.id');
      if (path === undefined || path === '') continue;
      out.push({ path, expanded: isExpanded(item) ? { path, body: item, etag: undefined } : undefined });
      if (out.length >= MAX_MEMBERS) return out;
    }
    next = optString(res.body, 'Members@odata.nextLink');
  }
  return out;
}

/** The collection read with `expand`, or undefined when the service did not answer that with a resource. */
async function readExpanded(client: RedfishClient, collection: string, expand: string, signal: AbortSignal | undefined): Promise<Resource | undefined> {
  const path = `${collection}${collection.includes('?') ? '&' : '?'}${expand}`;
  const reply = await client.exchange('GET', path, { signal });
  return isSuccess(reply.status) && isObject(reply.body) ? { path: collection, body: reply.body, etag: undefined } : undefined;
}

/** A member carrying more than its link (and its type) came expanded. */
function isExpanded(item: JsonObject): boolean {
  return Object.keys(item).some((k) => !k.startsWith('@odata.'));
}
