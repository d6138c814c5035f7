import { formatSeed, parseSeed, SeededRandom } from '../../sim/index.js';
import { InvalidSpecError } from '../errors.js';
import { buildServer, claimExplicitMacs, templateOf, who, type BuildContext } from './build-server.js';
import { CredentialResolver, type Env } from './credentials.js';
import { expand, type ServerDraft } from './expand.js';
import { UniquePool } from './identity.js';
import { planNetworks } from './networks.js';
import { formatPath, Problems, type Locator, type SpecPath } from './problems.js';
import { checkRack, checkSpines, placeSwitches } from './rack-checks.js';
import { salvage } from './salvage.js';
import { datacenterSchema, knownKeysAt } from './schema.js';
import { resolveTemplates } from './templates.js';
import type { Datacenter, Rack, ResolvedServer, Site, Switch } from './types.js';

export interface ResolveOptions {
  /** Names the spec in errors and in `Datacenter.source`. Default `(spec)`. */
  readonly source?: string;
  /** Where `passwordEnv` variables are read; pass `process.env` at the entry point. Default: empty. */
  readonly env?: Env;
  /** Places problems in the source text (parseDatacenterSpec passes one). */
  readonly locate?: Locator;
  /** Serves the spec with this addressing whatever it says (e.g. shared-host for a user who cannot bind ports below 1024). */
  readonly bmcAddressing?: 'per-bmc' | 'shared-host';
}

const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Host names (servers, switches) are datacenter-wide and must stay valid DNS labels once defaults are applied. */
class HostNames {
  /** The holder is formatted only on a clash: 10,000 servers should not cost 10,000 path strings. */
  private readonly owners = new Map<string, { what: string; at: SpecPath }>();
  constructor(private readonly problems: Problems) {}

  claim(name: string, at: SpecPath, what: string, group?: string): void {
    if (!HOST_NAME.test(name)) {
      this.problems.add(at, `${what} name ${JSON.stringify(name)} is not a valid host name (at most 63 letters, digits and inner hyphens)`, 'shorten the rack name or name prefix, or set name explicitly', group);
      return;
    }
    const holder = this.owners.get(name);
    if (holder !== undefined) this.problems.add(at, `${what} name ${JSON.stringify(name)} is already used by the ${holder.what} at ${formatPath(holder.at)}`, 'give every server and switch its own name (names are datacenter-wide)', group);
    else this.owners.set(name, { what, at });
  }
}

/** Addresses and endpoints are datacenter-wide: two interfaces never share one. */
class AddressBook {
  /** `127.1.0.1`, or `tcp 127.0.0.1:20000` for a shared-host endpoint → the server holding it. */
  private readonly owners = new Map<string, string>();
  constructor(private readonly problems: Problems) {}

  claim(key: string, shown: string, d: ServerDraft, at: SpecPath): void {
    const holder = this.owners.get(key);
    if (holder === undefined) this.owners.set(key, d.name);
    else this.problems.add(at, `${who(d)}${shown} is already used by server ${holder}`, 'give each its own address (or port), or leave it out to follow the addressing rule', d.generated ? 'address-collision' : undefined);
  }
}

/**
 * A datacenter from a plain value (parsed YAML or JSON): validated, expanded and
 * resolved, or an InvalidSpecError listing every problem. Nothing half-loaded.
 */
export function resolveDatacenter(document: unknown, options: ResolveOptions = {}): Datacenter {
  const input = options.bmcAddressing && typeof document === 'object' && document !== null && !Array.isArray(document) ? { ...document, bmcAddressing: options.bmcAddressing } : document;
  const source = options.source ?? '(spec)';
  const found = new Problems();
  const structural = datacenterSchema.safeParse(input);
  if (!structural.success) for (const issue of structural.error.issues) found.addIssue(issue, [], knownKeysAt);

  const spec = salvage(input);
  let seed = 0n;
  try {
    seed = parseSeed(spec.top.seed);
  } catch {
    found.add(['seed'], `${String(spec.top.seed)} is out of range`, 'use an integer from 0 to 2^64-1, e.g. seed: 0x5eed');
  }
  const random = new SeededRandom(seed);
  const networks = planNetworks(spec, found);
  const templates = resolveTemplates(spec, networks, found);
  const lookup = { templates, brokenTemplates: spec.brokenTemplates, problems: found };
  const sites = expand(spec, { random, problems: found, heightOf: (name) => (name === undefined ? undefined : templates.get(name))?.heightU ?? 1 });

  const credentials = new CredentialResolver(options.env ?? {}, spec.top.fidelity, found);
  const macs = new UniquePool();
  const ctx: BuildContext = {
    random,
    problems: found,
    templates,
    brokenTemplates: spec.brokenTemplates,
    networks,
    credentials,
    macs,
    serials: new UniquePool(),
    top: spec.top,
    fidelity: spec.top.fidelity,
  };
  const names = new HostNames(found);
  const addresses = new AddressBook(found);
  const shared = spec.top.bmcAddressing === 'shared-host';
  if (!shared && spec.top.sharedHost !== undefined) found.add(['sharedHost'], 'sharedHost is set but bmcAddressing is per-bmc', 'add bmcAddressing: shared-host, or remove sharedHost');

  for (const site of sites) for (const row of site.rows) for (const rack of row.racks) for (const d of rack.servers) claimExplicitMacs(d, found, macs);

  const resolvedSites: Site[] = [];
  const allRacks: Rack[] = [];
  const allServers: ResolvedServer[] = [];
  spec.sites.forEach(({ value: { site: siteInput } }, s) => {
    const site = sites[s]!;
    const spines: Switch[] = siteInput.spines.map((sp) => ({ name: sp.name, role: 'spine', model: sp.model, ports: sp.ports, speedGbps: sp.speedGbps, unit: undefined, heightU: undefined, uplinks: [] }));
    spines.forEach((sp, i) => names.claim(sp.name, [...site.at, 'spines', i, 'name'], 'spine'));
    const spineNames = new Set(spines.map((sp) => sp.name));
    const torsBySite: Switch[][] = [];
    const rows = site.rows.map((row) => {
      const racks = row.racks.map((rack): Rack => {
        const switches = placeSwitches(rack, [...spineNames]);
        torsBySite.push(switches);
        switches.forEach((sw, i) => names.claim(sw.name, rack.generated ? rack.at : [...rack.at, 'switches', i], 'switch', rack.generated ? 'switch-name' : undefined));
        const misplaced = checkRack({ rack, switches, templates: rack.servers.map((d) => templateOf(d, lookup, false)), spines: spineNames }, found);
        const servers: ResolvedServer[] = [];
        for (const d of rack.servers) {
          names.claim(d.name, d.generated ? d.at : [...d.at, 'name'], 'server', d.generated ? 'server-name' : undefined);
          const built = buildServer(d, rack, ctx);
          if (built === undefined) continue;
          const { server } = built;
          servers.push(server);
          // A server in another's units has that one's rule addresses: one problem, already reported.
          if (misplaced.has(d)) continue;
          for (const nic of server.nics) {
            for (const { network, address } of nic.networks) {
              if (built.misplaced.has(network)) continue;
              const at = d.input.addresses?.[network] !== undefined ? [...d.at, 'addresses', network] : d.at;
              addresses.claim(address, `address ${address} (${nic.name} on ${network})`, d, at);
            }
          }
          const bmcAt = d.input.bmc?.address !== undefined ? [...d.at, 'bmc', 'address'] : d.at;
          if (built.misplaced.has('bmc')) continue;
          if (!shared) addresses.claim(server.bmc.address, `BMC address ${server.bmc.address}`, d, bmcAt);
          else {
            if (server.bmc.redfishPort !== undefined) addresses.claim(`tcp ${server.bmc.address}:${server.bmc.redfishPort}`, `Redfish endpoint ${server.bmc.address}:${server.bmc.redfishPort}`, d, bmcAt);
            addresses.claim(`udp ${server.bmc.address}:${server.bmc.ipmiPort}`, `IPMI endpoint ${server.bmc.address}:${server.bmc.ipmiPort}`, d, bmcAt);
          }
        }
        return { name: rack.name, site: rack.site, row: rack.row, index: rack.index, uHeight: rack.uHeight, failureDomain: rack.failureDomain, powerFeeds: rack.powerFeeds.map((f) => ({ name: f.name, capacityWatts: f.capacityWatts })), switches, servers, generated: rack.generated };
      });
      allRacks.push(...racks);
      for (const rack of racks) allServers.push(...rack.servers);
      return { name: row.name, site: site.name, racks };
    });
    checkSpines(site.at, spines, torsBySite, found);
    resolvedSites.push({ name: site.name, spines, rows });
  });
  if (shared) {
    // The shared host address must not also be some machine's own address.
    const host = spec.top.sharedHost?.address ?? '127.0.0.1';
    for (const server of allServers) {
      for (const nic of server.nics) if (nic.networks.some((n) => n.address === host)) found.add(['sharedHost', 'address'], `${host} is also ${server.name}'s address on ${nic.name}`, 'pick a shared BMC address no machine uses', 'shared-host');
    }
  }
  // A boot server is the provisioner's address: no machine may hold it too.
  const bootServers = new Map([...networks.byName.values()].flatMap((n) => (n.network.bootServer ? [[n.network.name, { address: n.network.bootServer.address, at: n.at }] as const] : [])));
  if (bootServers.size > 0) {
    for (const server of allServers) {
      for (const nic of server.nics) {
        for (const { network, address } of nic.networks) {
          const boot = bootServers.get(network);
          if (boot?.address === address) found.add([...boot.at, 'bootServer', 'address'], `${address} is also ${server.name}'s address on ${nic.name}`, 'pick a boot server address no machine uses, e.g. near the top of the network');
        }
      }
    }
  }
  credentials.finish();

  if (found.size > 0) throw new InvalidSpecError(source, found.render(options.locate ?? (() => undefined)));
  return {
    name: spec.top.name,
    seed: formatSeed(seed),
    fidelity: spec.top.fidelity,
    bmcAddressing: spec.top.bmcAddressing,
    source,
    networks: [...networks.byName.values()].map((n) => n.network),
    templates: [...templates.values()],
    sites: resolvedSites,
    racks: allRacks,
    servers: allServers,
  };
}
