import type { Random } from '../../sim/index.js';
import { BMC_FLAVOURS, BMC_MODIFIERS, type BmcFlavour, type BmcModifier } from './flavours.js';
import { formatPath, type Problems, type SpecPath } from './problems.js';
import type { Indexed, Salvaged, SalvagedRack } from './salvage.js';
import type { Rack } from './types.js';
import { MAX_RACK_INDEX, type DefaultsInput, type PowerFeedInput, type RowGenerateInput, type RackGenerateInput, type ServerInput, type SwitchInput } from './schema.js';

/**
 * Racks and servers as drafts: generated ones expanded, names and rack indexes
 * assigned, nothing resolved yet. Generation is deterministic: a generated
 * server's picks come from the stream `server:NAME/pick`, so adding a server or
 * a rack never changes another's.
 *
 * Default names: a server is RACK-uNN (its lowest unit, two digits); a generated
 * rack is PREFIX + its number from 1, zero-padded to at least three digits.
 */
export interface ServerDraft {
  /** The server in the file, or the generate block that made it. */
  readonly at: SpecPath;
  readonly generated: boolean;
  readonly name: string;
  readonly unit: number;
  readonly input: Omit<ServerInput, 'name' | 'unit'>;
  readonly defaults: DefaultsChain;
}

/** The `defaults` blocks that apply, innermost first (rack, row, site, datacenter), with where each is written. */
export type DefaultsChain = readonly { readonly at: SpecPath; readonly value: DefaultsInput }[];

export type RackDraft = Pick<Rack, 'site' | 'row' | 'name' | 'index' | 'uHeight' | 'failureDomain' | 'generated'> & {
  /** The rack in the file, or the generate block that made it. */
  readonly at: SpecPath;
  readonly powerFeeds: readonly PowerFeedInput[];
  readonly switches: readonly SwitchInput[];
  readonly servers: readonly ServerDraft[];
};

export interface SiteDraft {
  readonly at: SpecPath;
  readonly name: string;
  readonly rows: readonly { readonly name: string; readonly racks: readonly RackDraft[] }[];
}

export interface ExpandContext {
  readonly random: Random;
  readonly problems: Problems;
  /** Height of a template in units; 1 for an unknown one (reported elsewhere). */
  readonly heightOf: (template: string | undefined) => number;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const serverName = (rack: string, unit: number): string => `${rack}-u${pad(unit, 2)}`;

/** The first defined value along the chain of defaults, with the path of the block that gave it. */
export function fromDefaults<K extends keyof DefaultsInput>(chain: DefaultsChain, key: K): { value: NonNullable<DefaultsInput[K]>; at: SpecPath } | undefined {
  for (const d of chain) {
    const value = d.value[key];
    if (value !== undefined) return { value, at: [...d.at, key] };
  }
  return undefined;
}

const link = (chain: DefaultsChain, at: SpecPath, value: DefaultsInput | undefined): DefaultsChain => (value === undefined ? chain : [{ at, value }, ...chain]);

function pickFlavour(random: Random, weights: Partial<Record<BmcFlavour, number>>): BmcFlavour | undefined {
  const entries = BMC_FLAVOURS.map((f) => [f, weights[f] ?? 0] as const).filter(([, w]) => w > 0);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (total === 0) return undefined;
  let x = random.float() * total;
  for (const [flavour, weight] of entries) {
    if (x < weight) return flavour;
    x -= weight;
  }
  return entries.at(-1)![0];
}

function pickModifiers(random: Random, chances: Partial<Record<BmcModifier, number>>): BmcModifier[] {
  return BMC_MODIFIERS.filter((m) => chances[m] !== undefined && random.chance(chances[m]));
}

type GenerateInput = RowGenerateInput | RackGenerateInput;

/** Servers a generate block makes in one rack, stacked from `firstUnit`; what does not fit is reported once. */
function generateServers(gen: GenerateInput, count: number, rack: { name: string; uHeight: number; at: SpecPath }, chain: DefaultsChain, ctx: ExpandContext): ServerDraft[] {
  const template = gen.template ?? fromDefaults(chain, 'template')?.value;
  const heightU = ctx.heightOf(template);
  const fits = Math.max(0, Math.floor((rack.uHeight - gen.firstUnit + 1) / heightU));
  if (count > fits) {
    ctx.problems.add(
      rack.at,
      `${count} servers of ${heightU}U from U${gen.firstUnit} need units up to U${gen.firstUnit + count * heightU - 1}, but the rack has ${rack.uHeight} units`,
      `generate at most ${fits} servers per rack, or raise the rack's uHeight`,
      'too-many-generated',
    );
  }
  const out: ServerDraft[] = [];
  for (let k = 0; k < Math.min(count, fits); k++) {
    const unit = gen.firstUnit + k * heightU;
    const name = serverName(rack.name, unit);
    const pick = ctx.random.fork(`server:${name}`).fork('pick');
    const flavour = gen.flavours === undefined ? undefined : pickFlavour(pick, gen.flavours);
    const modifiers = gen.modifiers === undefined ? undefined : pickModifiers(pick, gen.modifiers);
    const input: ServerDraft['input'] = {
      ...(template !== undefined ? { template } : {}),
      ...(flavour !== undefined ? { flavour } : {}),
      ...(modifiers !== undefined ? { modifiers } : {}),
    };
    out.push({ at: rack.at, generated: true, name, unit, input, defaults: chain });
  }
  return out;
}

function checkGeneratedFlavours(gen: GenerateInput, at: SpecPath, chain: DefaultsChain, problems: Problems): void {
  if (gen.flavours !== undefined && Object.values(gen.flavours).every((w) => !(w > 0))) {
    problems.add([...at, 'flavours'], 'every weight is 0, so no flavour can be drawn', 'give at least one flavour a weight > 0, e.g. dmtf: 1');
  } else if (gen.flavours === undefined && fromDefaults(chain, 'flavour') === undefined) {
    problems.add([...at, 'flavours'], 'generated servers get no BMC flavour', 'add flavours: { dmtf: 1 } here or a defaults.flavour above');
  }
}

/** Expands the salvaged spec into racks and servers, naming and indexing them; reports clashes of names and indexes. */
export function expand(spec: Salvaged, ctx: ExpandContext): SiteDraft[] {
  const { problems } = ctx;
  const rackNames = new Map<string, SpecPath>();
  const rackIndexes = new Map<number, string>();
  const siteNames = new Map<string, SpecPath>();
  let nextIndex = 0;

  const claimRack = (at: SpecPath, name: string, index: number, label: string): void => {
    const first = rackNames.get(name);
    if (first !== undefined) problems.add(at, `rack name ${JSON.stringify(name)}${label} is already used by ${formatPath(first)}`, 'give every rack its own name (names are datacenter-wide)', 'rack-name');
    else rackNames.set(name, at);
    const holder = rackIndexes.get(index);
    if (holder !== undefined) problems.add(at, `rack index ${index}${label} is already used by rack ${holder}`, 'give racks distinct index values, or leave index out to count on from the previous rack', 'rack-index');
    else rackIndexes.set(index, name);
  };

  return spec.sites.map(({ at: siteAt, value: { site, rows } }) => {
    const sitePath: SpecPath = ['sites', siteAt];
    const first = siteNames.get(site.name);
    if (first !== undefined) problems.add([...sitePath, 'name'], `site name ${JSON.stringify(site.name)} is already used by ${formatPath(first)}`, 'give every site its own name');
    else siteNames.set(site.name, sitePath);
    const rowNames = new Map<string, SpecPath>();
    const siteChain = link(link([], ['defaults'], spec.top.defaults), [...sitePath, 'defaults'], site.defaults);

    const rowDrafts = rows.map(({ at: rowAt, value: { row, racks } }) => {
      const rowPath: SpecPath = [...sitePath, 'rows', rowAt];
      const firstRow = rowNames.get(row.name);
      if (firstRow !== undefined) problems.add([...rowPath, 'name'], `row name ${JSON.stringify(row.name)} is already used by ${formatPath(firstRow)}`, 'give every row of a site its own name');
      else rowNames.set(row.name, rowPath);
      const rowChain = link(siteChain, [...rowPath, 'defaults'], row.defaults);

      const listed = racks.map(({ at: rackAt, value }: Indexed<SalvagedRack>): RackDraft => {
        const { rack, servers } = value;
        const rackPath: SpecPath = [...rowPath, 'racks', rackAt];
        const index = rack.index ?? nextIndex;
        nextIndex = index + 1;
        if (index > MAX_RACK_INDEX) problems.add([...rackPath, 'name'], `rack index ${index} is above ${MAX_RACK_INDEX}`, 'set an index from 0 on an earlier rack');
        claimRack([...rackPath, 'name'], rack.name, index, '');
        const chain = link(rowChain, [...rackPath, 'defaults'], rack.defaults);
        const drafts: ServerDraft[] = servers.map(({ at: serverAt, value: { name, unit, ...input } }) => ({
          at: [...rackPath, 'servers', serverAt],
          generated: false,
          name: name ?? serverName(rack.name, unit),
          unit,
          input,
          defaults: chain,
        }));
        if (rack.generate !== undefined) {
          const genPath = [...rackPath, 'generate'];
          checkGeneratedFlavours(rack.generate, genPath, chain, problems);
          drafts.push(...generateServers(rack.generate, rack.generate.servers, { name: rack.name, uHeight: rack.uHeight, at: genPath }, chain, ctx));
        }
        return {
          at: rackPath,
          generated: false,
          site: site.name,
          row: row.name,
          name: rack.name,
          index,
          uHeight: rack.uHeight,
          failureDomain: rack.failureDomain ?? row.failureDomain ?? rack.name,
          powerFeeds: rack.powerFeeds,
          switches: rack.switches,
          servers: drafts,
        };
      });

      const generated: RackDraft[] = [];
      const gen = row.generate;
      if (gen !== undefined) {
        const genPath: SpecPath = [...rowPath, 'generate'];
        checkGeneratedFlavours(gen, genPath, rowChain, problems);
        const firstIndex = gen.firstIndex ?? nextIndex;
        if (firstIndex + gen.racks - 1 > MAX_RACK_INDEX) {
          problems.add([...genPath, 'racks'], `racks would reach index ${firstIndex + gen.racks - 1}, above ${MAX_RACK_INDEX}`, `generate at most ${MAX_RACK_INDEX - firstIndex + 1} racks here`);
        }
        const prefix = gen.namePrefix ?? `${row.name}-r`;
        const width = Math.max(3, String(gen.racks).length);
        const shape = gen.rack ?? { uHeight: 42, powerFeeds: [], switches: [] };
        for (let k = 0; k < gen.racks && firstIndex + k <= MAX_RACK_INDEX; k++) {
          const name = `${prefix}${pad(k + 1, width)}`;
          const index = firstIndex + k;
          claimRack(genPath, name, index, ` (generated rack ${k + 1})`);
          const servers = generateServers(gen, gen.serversPerRack, { name, uHeight: shape.uHeight, at: genPath }, rowChain, ctx);
          generated.push({
            at: genPath,
            generated: true,
            site: site.name,
            row: row.name,
            name,
            index,
            uHeight: shape.uHeight,
            failureDomain: shape.failureDomain ?? row.failureDomain ?? name,
            powerFeeds: shape.powerFeeds,
            switches: shape.switches,
            servers,
          });
        }
        nextIndex = firstIndex + gen.racks;
      }
      return { name: row.name, racks: [...listed, ...generated] };
    });
    return { at: sitePath, name: site.name, rows: rowDrafts };
  });
}
