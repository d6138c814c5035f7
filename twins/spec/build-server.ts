import type { Random } from '../../sim/index.js';
import { IPMI_PORT, REDFISH_PORT, ruleAddress, rulePort, UNITS_PER_PORT_BLOCK } from './addressing.js';
import type { CredentialResolver } from './credentials.js';
import { fromDefaults, type RackDraft, type ServerDraft } from './expand.js';
import { FLAVOUR_PROFILES } from './flavours.js';
import { DISK_SERIAL_SHAPES, diskName, drawMac, drawSerial, drawUuid, macProblem, normaliseMac, type UniquePool } from './identity.js';
import { cidrContains, cidrLast, formatIpv4, LOOPBACK, parseIpv4 } from './ipv4.js';
import type { NetworkPlan, PlannedNetwork } from './networks.js';
import { formatPath, suggest, type Problems, type SpecPath } from './problems.js';
import type { DatacenterInput, Fidelity } from './schema.js';
import type { Disk, HardwareTemplate, Nic, ResolvedServer } from './types.js';

/**
 * One server from its draft: references followed, identity drawn, addresses
 * placed. Problems name the server's path (or, for a generated server, its
 * generate block and the server's name). Returns undefined when a reference is
 * missing; the caller never builds a Datacenter once anything is reported.
 */
export interface BuildContext {
  readonly random: Random;
  readonly problems: Problems;
  readonly templates: ReadonlyMap<string, HardwareTemplate>;
  readonly brokenTemplates: ReadonlySet<string>;
  readonly networks: NetworkPlan;
  readonly credentials: CredentialResolver;
  readonly macs: UniquePool;
  readonly serials: UniquePool;
  readonly top: Pick<DatacenterInput, 'bmcAddressing' | 'sharedHost'>;
  readonly fidelity: Fidelity;
}

/** `a-r017-u03: ` for a generated server, whose path is its generate block; nothing for a listed one. */
export const who = (d: ServerDraft): string => (d.generated ? `server ${d.name}: ` : '');

/** The template a draft names (or inherits), when it exists; problems for a missing or unknown one. */
export function templateOf(d: ServerDraft, ctx: Pick<BuildContext, 'templates' | 'brokenTemplates' | 'problems'>, report: boolean): HardwareTemplate | undefined {
  const inherited = fromDefaults(d.defaults, 'template');
  const name = d.input.template ?? inherited?.value;
  const at: SpecPath = d.input.template !== undefined ? [...d.at, 'template'] : (inherited?.at ?? d.at);
  if (name === undefined) {
    if (report) ctx.problems.add(d.at, `${who(d)}no hardware template`, 'set template here, or defaults.template on the rack, row, site or datacenter', 'no-template');
    return undefined;
  }
  const template = ctx.templates.get(name);
  if (template === undefined && report && !ctx.brokenTemplates.has(name)) {
    // Reported once per place the name is written: a default shared by many servers is one mistake.
    ctx.problems.addOnce(at, `template ${JSON.stringify(name)} is not defined`, suggest(name, [...ctx.templates.keys()], 'template under templates'));
  }
  return template;
}

/**
 * An address must lie inside its network and be neither the network, broadcast
 * nor gateway address. `value` may exceed 32 bits when a rack index runs past the network.
 * False when it is reported.
 */
function checkInNetwork(value: number, planned: PlannedNetwork, explicitAt: SpecPath | undefined, d: ServerDraft, rack: RackDraft, problems: Problems): boolean {
  const { cidr, network } = planned;
  const text = value > 0xffff_ffff ? 'beyond 255.255.255.255' : formatIpv4(value);
  const explicit = explicitAt !== undefined;
  const at = explicitAt ?? d.at;
  if (value > 0xffff_ffff || !cidrContains(cidr, value)) {
    const fix = explicit
      ? `use an address from ${formatIpv4(cidr.base)} to ${formatIpv4(cidrLast(cidr))}`
      : `widen network ${network.name} (each rack index takes 256 addresses from ${network.allocateFrom}), or set an explicit address`;
    problems.add(at, `${who(d)}address ${text}${explicit ? '' : ` (rack index ${rack.index}, U${d.unit})`} is outside network ${network.name} ${cidr.text}`, fix, `outside:${network.name}`);
  } else if (cidr.prefix <= 30 && (value === cidr.base || value === cidrLast(cidr))) {
    problems.add(at, `${who(d)}address ${text} is the ${value === cidr.base ? 'network' : 'broadcast'} address of ${network.name}`, 'use a host address inside the network', `edge:${network.name}`);
  } else if (planned.gateway === value) {
    problems.add(at, `${who(d)}address ${text} is the gateway of network ${network.name}`, `move allocateFrom of ${network.name} past the gateway, or set another address`, `gateway:${network.name}`);
  } else return true;
  return false;
}

/** Claims a server's explicit MACs before anyone draws, so generated MACs step around them. */
export function claimExplicitMacs(d: ServerDraft, problems: Problems, macs: UniquePool): void {
  const claim = (mac: string, at: SpecPath): void => {
    const bad = macProblem(normaliseMac(mac));
    if (bad !== undefined) return problems.add(at, `${who(d)}MAC ${mac} ${bad}`, 'use a unicast MAC, e.g. 02:00:5e:10:00:01');
    const holder = macs.claim(normaliseMac(mac), d.name);
    if (holder !== undefined) problems.add(at, `${who(d)}MAC ${mac} is already used by server ${holder}`, 'give every NIC its own MAC, or leave mac out to generate one');
  };
  for (const [nic, mac] of Object.entries(d.input.macs ?? {})) claim(mac, [...d.at, 'macs', nic]);
  if (d.input.bmc?.mac !== undefined) claim(d.input.bmc.mac, [...d.at, 'bmc', 'mac']);
}

function buildDisks(template: HardwareTemplate, random: Random, name: string, serials: UniquePool): Disk[] {
  const counters = { nvme: 0, sd: 0 };
  const disks: Disk[] = [];
  for (const group of template.disks) {
    for (let k = 0; k < group.count; k++) {
      const n = group.type === 'nvme' ? counters.nvme++ : counters.sd++;
      const diskNameText = diskName(group.type, n);
      disks.push({
        name: diskNameText,
        type: group.type,
        sizeGB: group.sizeGB,
        model: group.model ?? `DRILL ${group.type.toUpperCase()} ${group.sizeGB}GB`,
        serial: serials.draw(random, name, (r) => drawSerial(r, DISK_SERIAL_SHAPES[group.type])),
      });
    }
  }
  return disks;
}

export interface BuiltServer {
  readonly server: ResolvedServer;
  /** Networks (`bmc` for the BMC) whose address is already reported as misplaced. */
  readonly misplaced: ReadonlySet<string>;
}

export function buildServer(d: ServerDraft, rack: RackDraft, ctx: BuildContext): BuiltServer | undefined {
  const { problems } = ctx;
  const template = templateOf(d, ctx, true);
  const flavour = d.input.flavour ?? fromDefaults(d.defaults, 'flavour')?.value;
  if (flavour === undefined) problems.add(d.at, `${who(d)}no BMC flavour`, 'set flavour here, or defaults.flavour on the rack, row, site or datacenter', 'no-flavour');
  const inherited = fromDefaults(d.defaults, 'credentials');
  const credentialsInput = d.input.credentials ?? inherited?.value;
  const credentialsAt = d.input.credentials !== undefined ? [...d.at, 'credentials'] : (inherited?.at ?? d.at);
  if (credentialsInput === undefined) problems.add(d.at, `${who(d)}no BMC credentials`, 'set credentials here, or defaults.credentials on the rack, row, site or datacenter', 'no-credentials');
  const credentials = credentialsInput === undefined ? undefined : ctx.credentials.resolve(credentialsInput, credentialsAt);

  // Overrides must name things this server has, whatever else is wrong with it.
  const nicNames = template?.nics.map((n) => n.name) ?? [];
  const attached = template?.nics.flatMap((n) => n.networks) ?? [];
  if (template !== undefined) {
    for (const nic of Object.keys(d.input.macs ?? {})) {
      if (!nicNames.includes(nic)) problems.add([...d.at, 'macs', nic], `template ${template.name} has no NIC ${nic}`, suggest(nic, nicNames, 'NIC'));
    }
    for (const net of Object.keys(d.input.addresses ?? {})) {
      if (!attached.includes(net)) {
        const known = ctx.networks.byName.has(net) || ctx.networks.broken.has(net);
        problems.add([...d.at, 'addresses', net], known ? `no NIC of template ${template.name} attaches to network ${net}` : `network ${JSON.stringify(net)} is not defined`, known ? `attach a NIC to ${net} in the template, or drop this address` : suggest(net, [...ctx.networks.byName.keys()], 'network'));
      }
    }
  }
  if (template === undefined || flavour === undefined || credentials === undefined) return undefined;

  const profile = FLAVOUR_PROFILES[flavour];
  const stream = ctx.random.fork(`server:${d.name}`);
  const modifiers = [...new Set(d.input.modifiers ?? fromDefaults(d.defaults, 'modifiers')?.value ?? [])];

  /** Networks (and `bmc`) whose address is reported as misplaced: not to be claimed again as a collision. */
  const misplaced = new Set<string>();
  const nics: Nic[] = template.nics.map((nic) => {
    const explicit = d.input.macs?.[nic.name];
    return {
      name: nic.name,
      speedGbps: nic.speedGbps,
      mac: explicit !== undefined ? normaliseMac(explicit) : ctx.macs.draw(stream.fork(`mac:${nic.name}`), d.name, drawMac),
      macSource: explicit !== undefined ? 'spec' : 'generated',
      networks: nic.networks.flatMap((net) => {
        const planned = ctx.networks.byName.get(net);
        if (planned === undefined || planned.network.role === 'bmc') return [];
        const explicitAddress = d.input.addresses?.[net];
        const value = explicitAddress !== undefined ? parseIpv4(explicitAddress)! : ruleAddress(planned.allocateFrom, rack.index, d.unit);
        if (!checkInNetwork(value, planned, explicitAddress !== undefined ? [...d.at, 'addresses', net] : undefined, d, rack, ctx.problems)) misplaced.add(net);
        return [{ network: net, address: formatIpv4(value >>> 0) }];
      }),
    };
  });

  const shared = ctx.top.bmcAddressing === 'shared-host';
  const sharedHost = ctx.top.sharedHost ?? { address: '127.0.0.1', redfishBasePort: 20_000, ipmiBasePort: 40_000 };
  const bmcNetwork = ctx.networks.bmc;
  const explicitBmc = d.input.bmc?.address;
  const bmcValue = explicitBmc !== undefined ? parseIpv4(explicitBmc)! : shared ? parseIpv4(sharedHost.address)! : bmcNetwork && ruleAddress(bmcNetwork.allocateFrom, rack.index, d.unit);
  if (bmcValue === undefined) return undefined;
  const bmcAt = explicitBmc !== undefined ? [...d.at, 'bmc', 'address'] : undefined;
  if (!shared && bmcNetwork !== undefined) {
    if (!checkInNetwork(bmcValue, bmcNetwork, bmcAt, d, rack, problems)) misplaced.add('bmc');
  } else if (ctx.fidelity !== 'hardware' && !cidrContains(LOOPBACK, bmcValue)) {
    misplaced.add('bmc');
    problems.add(bmcAt ?? ['sharedHost', 'address'], `${who(d)}BMC address ${formatIpv4(bmcValue)} is outside 127.0.0.0/8`, 'keep twin BMCs on loopback, or set fidelity: hardware for real BMCs', 'bmc-loopback');
  }
  const bmcAddress = formatIpv4(bmcValue);
  const speaksRedfish = profile.protocols.includes('redfish');
  if (!speaksRedfish && d.input.bmc?.redfishPort !== undefined) {
    problems.add([...d.at, 'bmc', 'redfishPort'], `flavour ${flavour} speaks no Redfish`, 'drop redfishPort, or pick a flavour with Redfish');
  }
  const redfishPort = speaksRedfish ? (d.input.bmc?.redfishPort ?? (shared ? rulePort(sharedHost.redfishBasePort, rack.index, d.unit) : REDFISH_PORT)) : undefined;
  const ipmiPort = d.input.bmc?.ipmiPort ?? (shared ? rulePort(sharedHost.ipmiBasePort, rack.index, d.unit) : IPMI_PORT);
  for (const [port, base] of [[redfishPort, 'redfishBasePort'], [ipmiPort, 'ipmiBasePort']] as const) {
    if (port !== undefined && port > 65_535) {
      problems.add(['sharedHost', base], `${who(d)}port ${port} for rack index ${rack.index} U${d.unit} is above 65535`, `lower ${base} (each rack takes ${UNITS_PER_PORT_BLOCK} ports), or use bmcAddressing: per-bmc`, 'port-range');
    }
  }
  // One stream for the system's own identity, drawn in a fixed order; NICs have a stream each.
  const identity = stream.fork('identity');
  const uuid = drawUuid(identity);
  const systemSerial = ctx.serials.draw(identity, d.name, (r) => drawSerial(r, profile.systemSerial));
  const boardSerial = ctx.serials.draw(identity, d.name, (r) => drawSerial(r, profile.boardSerial));

  const server: ResolvedServer = {
    name: d.name,
    specPath: d.generated ? `${formatPath(d.at)} (${d.name})` : formatPath(d.at),
    site: rack.site,
    row: rack.row,
    rack: rack.name,
    rackIndex: rack.index,
    unit: d.unit,
    template: template.name,
    hardware: template,
    identity: {
      manufacturer: template.manufacturer ?? profile.vendor,
      model: template.model,
      systemSerial,
      boardSerial,
      uuid,
      assetTag: d.input.assetTag,
      ipmi: { manufacturerId: profile.ianaEnterprise, productId: profile.ipmiProductId, deviceId: 0x20, firmwareRevision: profile.firmwareVersion, ipmiVersion: '2.0', systemGuid: uuid },
    },
    disks: buildDisks(template, stream.fork('disks'), d.name, ctx.serials),
    nics,
    bmc: {
      flavour,
      modifiers,
      protocols: profile.protocols,
      model: profile.bmcModel,
      firmwareVersion: profile.firmwareVersion,
      address: bmcAddress,
      redfishPort,
      ipmiPort,
      mac: d.input.bmc?.mac !== undefined ? normaliseMac(d.input.bmc.mac) : ctx.macs.draw(stream.fork('mac:bmc'), d.name, drawMac),
      credentials,
    },
  };
  return { server, misplaced };
}
