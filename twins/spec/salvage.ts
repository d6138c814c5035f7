import type { z } from 'zod';
import {
  datacenterSchema,
  partSchemas,
  type DatacenterInput,
  type NetworkInput,
  type RackInput,
  type RowInput,
  type ServerInput,
  type SiteInput,
  type TemplateInput,
} from './schema.js';

/**
 * The parts of a spec that are well-formed on their own, each with the index it
 * had in the file. The schema reports what is malformed; the resolver checks
 * references, collisions and addresses over what is salvaged here, so one bad
 * server does not hide the problems of the other 9,999. A name whose part is
 * malformed is remembered, so referring to it is not reported as unknown too.
 */
export interface Indexed<T> {
  readonly at: number;
  readonly value: T;
}

export interface SalvagedRack {
  readonly rack: Omit<RackInput, 'servers'>;
  readonly servers: readonly Indexed<ServerInput>[];
}
export interface SalvagedRow {
  readonly row: Omit<RowInput, 'racks'>;
  readonly racks: readonly Indexed<SalvagedRack>[];
}
export interface SalvagedSite {
  readonly site: Omit<SiteInput, 'rows'>;
  readonly rows: readonly Indexed<SalvagedRow>[];
}

type Top = Omit<DatacenterInput, 'sites' | 'templates' | 'networks'>;

export interface Salvaged {
  readonly top: Top;
  /** Undefined when the spec leaves networks out (the defaults apply). */
  readonly networks: ReadonlyMap<string, NetworkInput> | undefined;
  readonly templates: ReadonlyMap<string, TemplateInput>;
  readonly sites: readonly Indexed<SalvagedSite>[];
  /** Names that exist in the spec but whose part is malformed. */
  readonly brokenNetworks: ReadonlySet<string>;
  readonly brokenTemplates: ReadonlySet<string>;
  /** True when anything was left out: checks of the whole (e.g. "no bmc network") then stay quiet. */
  readonly partial: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function salvage(input: unknown): Salvaged {
  let partial = false;
  const parse = <S extends z.ZodType>(schema: S, value: unknown): z.output<S> | undefined => {
    const result = schema.safeParse(value);
    if (!result.success) partial = true;
    return result.success ? result.data : undefined;
  };
  const list = (value: unknown): unknown[] => {
    if (value === undefined) return [];
    if (Array.isArray(value)) return value;
    partial = true;
    return [];
  };
  const named = <T>(value: unknown, schema: z.ZodType<T>, broken: Set<string>, droppable: readonly string[] = []): Map<string, T> => {
    const out = new Map<string, T>();
    if (!isRecord(value)) return out;
    for (const [name, part] of Object.entries(value)) {
      // A field whose absence starts no check of its own (a network's VLAN or MTU) is dropped rather than losing the part.
      const parsed = parse(schema, part) ?? (isRecord(part) ? parse(schema, Object.fromEntries(Object.entries(part).filter(([k]) => !droppable.includes(k)))) : undefined);
      if (parsed === undefined) broken.add(name);
      else out.set(name, parsed);
    }
    return out;
  };

  const raw = isRecord(input) ? input : {};
  const shape = datacenterSchema.shape;
  // The top fields one by one: a bad seed must not stop the checks of every rack.
  const field = <K extends keyof Top>(key: K, fallback: Top[K]): Top[K] => (parse(shape[key], raw[key]) as Top[K] | undefined) ?? fallback;
  const top: Top = {
    version: 1,
    name: field('name', 'datacenter'),
    seed: field('seed', 0),
    fidelity: field('fidelity', 'model'),
    bmcAddressing: field('bmcAddressing', 'per-bmc'),
    sharedHost: field('sharedHost', undefined),
    defaults: field('defaults', undefined),
  };
  if (!isRecord(input)) partial = true;

  const brokenNetworks = new Set<string>();
  const brokenTemplates = new Set<string>();
  const networks = raw.networks === undefined ? undefined : named(raw.networks, partSchemas.network, brokenNetworks, ['vlan', 'mtu']);
  const templates = named(raw.templates, partSchemas.template, brokenTemplates);

  const sites: Indexed<SalvagedSite>[] = [];
  list(raw.sites).forEach((rawSite, siteAt) => {
    const site = parse(partSchemas.site, rawSite);
    if (site === undefined) return;
    const rows: Indexed<SalvagedRow>[] = [];
    list(isRecord(rawSite) ? rawSite.rows : undefined).forEach((rawRow, rowAt) => {
      const row = parse(partSchemas.row, rawRow);
      if (row === undefined) return;
      const racks: Indexed<SalvagedRack>[] = [];
      list(isRecord(rawRow) ? rawRow.racks : undefined).forEach((rawRack, rackAt) => {
        const rack = parse(partSchemas.rack, rawRack);
        if (rack === undefined) return;
        const servers: Indexed<ServerInput>[] = [];
        list(isRecord(rawRack) ? rawRack.servers : undefined).forEach((rawServer, serverAt) => {
          const server = parse(partSchemas.server, rawServer);
          if (server !== undefined) servers.push({ at: serverAt, value: server });
        });
        racks.push({ at: rackAt, value: { rack, servers } });
      });
      rows.push({ at: rowAt, value: { row, racks } });
    });
    sites.push({ at: siteAt, value: { site, rows } });
  });

  return { top, networks, templates, sites, brokenNetworks, brokenTemplates, partial };
}
