import type { RackDraft } from './expand.js';
import { suggest, type Problems, type SpecPath } from './problems.js';
import type { HardwareTemplate, Switch } from './types.js';

/**
 * What a rack must satisfy physically: everything fits its height, nothing
 * shares a unit, the power feeds carry the load, the top-of-rack switches have a
 * port for every connected NIC and uplink to spines that exist.
 */

/** `r1-tor`, or `r1-tor1`, `r1-tor2` … when a rack has several; stacked down from the top unit. */
export function placeSwitches(rack: RackDraft, spines: readonly string[]): Switch[] {
  let top = rack.uHeight;
  return rack.switches.map((s, i) => {
    const unit = s.unit ?? top - s.heightU + 1;
    top = Math.min(top, unit - 1);
    const name = 'name' in s && typeof s.name === 'string' ? s.name : `${rack.name}-tor${rack.switches.length > 1 ? i + 1 : ''}`;
    return { name, role: 'top-of-rack', model: s.model, ports: s.ports, speedGbps: s.speedGbps, unit, heightU: s.heightU, uplinks: s.uplinks ?? spines };
  });
}

export interface RackCheckInput {
  readonly rack: RackDraft;
  readonly switches: readonly Switch[];
  /** Each server's template, when it has one (units of a server without one count as 1). */
  readonly templates: readonly (HardwareTemplate | undefined)[];
  readonly spines: ReadonlySet<string>;
}

const watts = (n: number): string => `${n.toLocaleString('en-US')} W`;

/** Returns the servers that do not fit where they are: their addresses would only repeat the problem as collisions. */
export function checkRack({ rack, switches, templates, spines }: RackCheckInput, problems: Problems): Set<RackDraft['servers'][number]> {
  const group = rack.generated ? 'generated-rack' : undefined;
  const at = (...rest: (string | number)[]): SpecPath => (rack.generated ? rack.at : [...rack.at, ...rest]);
  const prefix = rack.generated ? `rack ${rack.name}: ` : '';
  const holders: (string | undefined)[] = new Array<string | undefined>(rack.uHeight + 1);

  const misplaced = new Set<RackDraft['servers'][number]>();
  /** False when it does not fit. */
  const occupy = (what: string, first: number, height: number, where: SpecPath, kind: string): boolean => {
    const last = first + height - 1;
    if (last > rack.uHeight) {
      problems.add(where, `${prefix}${what} ${height === 1 ? `sits at U${first}` : `spans U${first}–U${last}`}, above the rack's ${rack.uHeight} units`, `move it down, or raise the rack's uHeight`, group && `${kind}-height`);
      return false;
    }
    for (let u = first; u <= last; u++) {
      const holder = holders[u];
      if (holder !== undefined) {
        problems.add(where, `${prefix}${what} needs U${u}, which ${holder} already occupies`, 'give it free units (a server of height h at unit u occupies u … u+h−1)', group && `${kind}-overlap`);
        return false;
      }
    }
    for (let u = first; u <= last; u++) holders[u] = what;
    return true;
  };

  let unitsNeeded = 0;
  rack.servers.forEach((server, i) => {
    const height = templates[i]?.heightU ?? 1;
    unitsNeeded += height;
    if (!occupy(`server ${server.name}`, server.unit, height, server.generated ? server.at : [...server.at, 'unit'], 'server')) misplaced.add(server);
  });
  switches.forEach((s, i) => {
    unitsNeeded += s.heightU ?? 1;
    occupy(`switch ${s.name}`, s.unit ?? 1, s.heightU ?? 1, at('switches', i), 'switch');
    s.uplinks.forEach((spine, j) => {
      if (!spines.has(spine)) problems.add(at('switches', i, 'uplinks', j), `${prefix}spine ${JSON.stringify(spine)} is not defined in this site`, suggest(spine, [...spines], 'spine under the site'), group && 'uplink');
    });
  });
  if (unitsNeeded > rack.uHeight) {
    problems.add(at('servers'), `${prefix}${rack.servers.length} servers and ${switches.length} switches need ${unitsNeeded} units, but the rack has ${rack.uHeight}`, 'move servers to another rack, or raise uHeight', group && 'units');
  }

  const connected = templates.reduce((sum, t) => sum + (t?.nics.filter((n) => n.networks.length > 0).length ?? 0), 0);
  const ports = switches.reduce((sum, s) => sum + s.ports, 0);
  if (switches.length > 0 && connected > ports) {
    problems.add(at('switches'), `${prefix}${connected} connected server NICs but the top-of-rack switches have ${ports} ports`, 'use switches with more ports, or add a switch', group && 'ports');
  }

  if (templates.every((t) => t?.powerWatts !== undefined)) {
    const load = templates.reduce((sum, t) => sum + (t?.powerWatts ?? 0), 0);
    rack.powerFeeds.forEach((feed, i) => {
      if (feed.capacityWatts !== undefined && load > feed.capacityWatts) {
        const why = rack.powerFeeds.length > 1 ? ' (each feed must carry the whole rack when another fails)' : '';
        problems.add(at('powerFeeds', i, 'capacityWatts'), `${prefix}servers draw up to ${watts(load)} but feed ${feed.name} carries ${watts(feed.capacityWatts)}${why}`, 'raise the feed capacity, or move servers to another rack', group && 'power');
      }
    });
  }
  return misplaced;
}

/** A spine needs a port for every top-of-rack switch that uplinks to it. */
export function checkSpines(sitePath: SpecPath, spines: readonly Switch[], racks: readonly (readonly Switch[])[], problems: Problems): void {
  spines.forEach((spine, i) => {
    const uplinks = racks.reduce((sum, switches) => sum + switches.filter((s) => s.uplinks.includes(spine.name)).length, 0);
    if (uplinks > spine.ports) {
      problems.add([...sitePath, 'spines', i, 'ports'], `${uplinks} top-of-rack switches uplink to ${spine.name}, which has ${spine.ports} ports`, 'use a larger spine, add spines, or set uplinks on the switches', 'spine-ports');
    }
  });
}
