/**
 * Identity and inventory from the service root, manager, system and the
 * collections they link: processors, memory, drives (Storage, else
 * SimpleStorage), NICs with MACs (EthernetInterfaces; empty MACs and the
 * host-to-BMC interface skipped: field note 46), firmware (UpdateService).
 * A missing collection is an empty list (Cisco has no EthernetInterfaces: FN 33).
 */
import type {
  BmcIdentity,
  DriveInfo,
  FirmwareInfo,
  FruInventory,
  HardwareInventory,
  MemoryModuleInfo,
  NicInfo,
  ProcessorInfo,
} from '../bmc-driver.js';
import type { Resource } from './client.js';
import { isObject, link, links, optArray, optNumber, optObject, optString, optText, resourceId, type JsonObject } from './payload.js';
import { readMembers, type Ctx } from './service.js';

/** What a Redfish probe adds to the common identity. */
export interface RedfishIdentity extends BmcIdentity {
  readonly redfishVersion?: string;
  /** The vendor profile the driver chose (`generic`, `dell-idrac`, …). */
  readonly profile: string;
  readonly managerModel?: string;
  readonly systemPath: string;
  readonly serialNumber?: string;
  readonly serviceTag?: string;
}

/** Copies the defined values only (exactOptionalPropertyTypes). */
function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}

const absent = (o: JsonObject): boolean => optString(optObject(o, 'Status'), 'State') === 'Absent';

export function identity(ctx: Ctx): RedfishIdentity {
  const { root, system, manager, profile } = ctx.service;
  const serial = optText(system.body, 'SerialNumber');
  return {
    protocol: 'redfish',
    manufacturer: optText(system.body, 'Manufacturer') ?? optText(root.body, 'Vendor') ?? 'unknown',
    model: optText(system.body, 'Model') ?? 'unknown',
    firmwareVersion: optText(manager?.body, 'FirmwareVersion') ?? 'unknown',
    profile: profile.id,
    systemPath: system.path,
    ...defined({
      uuid: optText(system.body, 'UUID') ?? optText(root.body, 'UUID'),
      redfishVersion: optText(root.body, 'RedfishVersion'),
      managerModel: optText(manager?.body, 'Model'),
      serialNumber: serial,
      serviceTag: ctx.quirks.serviceTagInSku ? optText(system.body, 'SKU') : undefined,
    }),
  };
}

export function fru(ctx: Ctx): FruInventory {
  const { system, chassis } = ctx.service;
  return defined({
    productManufacturer: optText(system.body, 'Manufacturer'),
    productName: optText(system.body, 'Model'),
    productSerial: optText(system.body, 'SerialNumber'),
    productPartNumber: optText(system.body, 'PartNumber'),
    chassisSerial: optText(chassis?.body, 'SerialNumber'),
    boardManufacturer: optText(chassis?.body, 'Manufacturer'),
    boardProduct: optText(chassis?.body, 'Model'),
  });
}

async function membersOf(ctx: Ctx, owner: JsonObject | undefined, key: string, what: string, signal?: AbortSignal): Promise<Resource[]> {
  const collection = link(owner, key);
  return collection === undefined ? [] : readMembers(ctx.client, collection, what, signal, ctx.service.expandMembers);
}

async function processors(ctx: Ctx, system: Resource, signal?: AbortSignal): Promise<ProcessorInfo[]> {
  const out: ProcessorInfo[] = [];
  for (const p of await membersOf(ctx, system.body, 'Processors', 'list processors', signal)) {
    const type = optString(p.body, 'ProcessorType');
    if (absent(p.body) || (type !== undefined && type !== 'CPU')) continue;
    out.push({
      id: resourceId(p.body, p.path),
      ...defined({
        socket: optText(p.body, 'Socket'),
        manufacturer: optText(p.body, 'Manufacturer'),
        model: optText(p.body, 'Model'),
        cores: optNumber(p.body, 'TotalCores'),
        threads: optNumber(p.body, 'TotalThreads'),
        maxSpeedMHz: optNumber(p.body, 'MaxSpeedMHz'),
      }),
    });
  }
  return out;
}

async function memory(ctx: Ctx, system: Resource, signal?: AbortSignal): Promise<MemoryModuleInfo[]> {
  const out: MemoryModuleInfo[] = [];
  for (const m of await membersOf(ctx, system.body, 'Memory', 'list memory', signal)) {
    const capacityMiB = optNumber(m.body, 'CapacityMiB');
    if (absent(m.body) || capacityMiB === 0) continue;
    const speeds = optArray(m.body, 'AllowedSpeedsMHz');
    out.push({
      id: resourceId(m.body, m.path),
      ...defined({
        capacityMiB,
        type: optText(m.body, 'MemoryDeviceType') ?? optText(m.body, 'MemoryType'),
        speedMHz: optNumber(m.body, 'OperatingSpeedMhz') ?? (typeof speeds[0] === 'number' ? speeds[0] : undefined),
        manufacturer: optText(m.body, 'Manufacturer'),
        serialNumber: optText(m.body, 'SerialNumber'),
      }),
    });
  }
  return out;
}

async function drives(ctx: Ctx, system: Resource, signal?: AbortSignal): Promise<DriveInfo[]> {
  const out: DriveInfo[] = [];
  const storages = await membersOf(ctx, system.body, 'Storage', 'list storage', signal);
  for (const storage of storages) {
    const controller = resourceId(storage.body, storage.path);
    for (const path of links(storage.body, 'Drives')) {
      const d = await ctx.client.getOptional(path, 'read a drive', signal);
      if (d === undefined || absent(d.body)) continue;
      out.push({
        id: d.path,
        controller,
        ...defined({
          model: optText(d.body, 'Model'),
          serialNumber: optText(d.body, 'SerialNumber'),
          capacityBytes: optNumber(d.body, 'CapacityBytes'),
          mediaType: optText(d.body, 'MediaType'),
          protocol: optText(d.body, 'Protocol'),
        }),
      });
    }
  }
  if (storages.length > 0) return out;
  // Older BMCs describe disks only through SimpleStorage.
  for (const simple of await membersOf(ctx, system.body, 'SimpleStorage', 'list simple storage', signal)) {
    const controller = resourceId(simple.body, simple.path);
    optArray(simple.body, 'Devices').forEach((device, index) => {
      if (!isObject(device) || absent(device)) return;
      out.push({
        id: `${simple.path}#/Devices/${index}`,
        controller,
        ...defined({ model: optText(device, 'Model'), capacityBytes: optNumber(device, 'CapacityBytes') }),
      });
    });
  }
  return out;
}

/** `AA-BB-…`/`aabb.ccdd…` → `aa:bb:…`; undefined for empty or malformed MACs (field note 46). */
export function normalizeMac(raw: string | undefined): string | undefined {
  const hex = raw?.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
  if (hex === undefined || hex.length !== 12 || /^0+$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

async function nics(ctx: Ctx, system: Resource, signal?: AbortSignal): Promise<NicInfo[]> {
  const out: NicInfo[] = [];
  const seen = new Set<string>();
  for (const n of await membersOf(ctx, system.body, 'EthernetInterfaces', 'list network interfaces', signal)) {
    // The host-to-BMC interface and VLAN/virtual interfaces are not machine NICs.
    if (link(optObject(n.body, 'Links'), 'HostInterface') !== undefined || optString(n.body, 'EthernetInterfaceType') === 'Virtual') continue;
    const permanent = normalizeMac(optString(n.body, 'PermanentMACAddress'));
    const mac = normalizeMac(optString(n.body, 'MACAddress')) ?? permanent;
    if (mac === undefined || seen.has(mac)) continue; // VLAN children share their parent's MAC
    seen.add(mac);
    const link_ = optString(n.body, 'LinkStatus');
    out.push({
      id: resourceId(n.body, n.path),
      macAddress: mac,
      ...defined({
        permanentMacAddress: permanent !== mac ? permanent : undefined,
        speedMbps: optNumber(n.body, 'SpeedMbps'),
        linkUp: link_ === undefined ? undefined : link_ === 'LinkUp',
      }),
    });
  }
  return out;
}

async function firmware(ctx: Ctx, signal?: AbortSignal): Promise<FirmwareInfo[]> {
  const updateService = link(ctx.service.root.body, 'UpdateService');
  if (updateService === undefined) return [];
  const service = await ctx.client.getOptional(updateService, 'read the update service', signal);
  const out: FirmwareInfo[] = [];
  for (const f of await membersOf(ctx, service?.body, 'FirmwareInventory', 'list firmware', signal)) {
    const version = optText(f.body, 'Version');
    if (version === undefined) continue;
    out.push({ id: resourceId(f.body, f.path), version, ...defined({ name: optText(f.body, 'Name') }) });
  }
  return out;
}

export async function readInventory(ctx: Ctx, signal?: AbortSignal): Promise<HardwareInventory> {
  const system = await ctx.client.get(ctx.service.system.path, 'read the computer system', signal);
  // A handful of sequences at once: within the transport's small per-BMC socket pool.
  const [p, m, d, n, f] = await Promise.all([processors(ctx, system, signal), memory(ctx, system, signal), drives(ctx, system, signal), nics(ctx, system, signal), firmware(ctx, signal)]);
  const id = identity(ctx);
  return {
    processors: p,
    memory: m,
    drives: d,
    nics: n,
    firmware: f,
    ...defined({
      manufacturer: optText(system.body, 'Manufacturer'),
      model: optText(system.body, 'Model'),
      serialNumber: optText(system.body, 'SerialNumber'),
      serviceTag: id.serviceTag,
      uuid: optText(system.body, 'UUID'),
      biosVersion: optText(system.body, 'BiosVersion'),
    }),
  };
}
