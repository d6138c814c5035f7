import {
  canonicalCidr,
  cidrContains,
  cidrLast,
  cidrsOverlap,
  cidrWithin,
  DOCKER_DEFAULT_BRIDGE,
  formatIpv4,
  hasHostBits,
  LOOPBACK,
  parseCidr,
  parseIpv4,
  PRIVATE_RANGES,
  type Cidr,
} from './ipv4.js';
import { formatPath, type Problems, type SpecPath } from './problems.js';
import type { Salvaged } from './salvage.js';
import { NETWORK_ROLES, type Fidelity, type NetworkInput, type NetworkRole } from './schema.js';
import type { Network } from './types.js';

/**
 * Networks, checked on their own and against the fidelity:
 * - model, wire: every network inside 127.0.0.0/8, so twin traffic never leaves the machine;
 * - container: the bmc network stays on loopback (simulated BMCs listen on the host);
 *   the others are Docker networks the project creates: RFC 1918, not Docker's default
 *   bridge 172.17.0.0/16, and Docker takes the first address as the gateway;
 * - hardware: real addresses.
 * When the spec leaves networks out it gets DEFAULT_NETWORKS.
 */
const DEFAULT_NETWORKS: Readonly<Record<string, NetworkInput>> = {
  bmc: { role: 'bmc', cidr: '127.0.0.0/10', allocateFrom: '127.1.0.0', mtu: 1500 },
  provisioning: { role: 'provisioning', cidr: '127.64.0.0/10', mtu: 1500 },
};

export interface PlannedNetwork {
  readonly network: Network;
  readonly cidr: Cidr;
  readonly allocateFrom: number;
  readonly gateway: number | undefined;
  readonly at: SpecPath;
}

export interface NetworkPlan {
  readonly byName: ReadonlyMap<string, PlannedNetwork>;
  readonly bmc: PlannedNetwork | undefined;
  /** Names that exist but could not be planned: references to them are not reported again. */
  readonly broken: ReadonlySet<string>;
}

function fidelityRule(fidelity: Fidelity, role: NetworkRole, cidr: Cidr): { problem: string; fix: string } | undefined {
  if (fidelity === 'hardware') return undefined;
  if (fidelity === 'container' && role !== 'bmc') {
    if (!PRIVATE_RANGES.some((range) => cidrWithin(cidr, range))) {
      return { problem: `${cidr.text} is not a private range, and container fidelity puts machines on Docker networks the project creates`, fix: 'use a subnet of 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16' };
    }
    if (cidrsOverlap(cidr, DOCKER_DEFAULT_BRIDGE)) {
      return { problem: `${cidr.text} overlaps Docker's default bridge 172.17.0.0/16`, fix: 'pick another private subnet, e.g. 10.20.0.0/16' };
    }
    return undefined;
  }
  if (!cidrWithin(cidr, LOOPBACK)) {
    const why = fidelity === 'container' ? 'simulated BMCs listen on this machine in container fidelity' : `twin addresses stay on this machine in ${fidelity} fidelity`;
    return { problem: `${cidr.text} is outside 127.0.0.0/8 (${why})`, fix: 'use a loopback range such as 127.65.0.0/16, or set fidelity: hardware for real addresses' };
  }
  return undefined;
}

/** A boot server belongs to a provisioning network and lives on one of its host addresses. */
function checkBootServer(input: NetworkInput, role: NetworkRole, base: Cidr, gateway: number | undefined, at: SpecPath, problems: Problems): Network['bootServer'] {
  const boot = input.bootServer;
  if (boot === undefined) return undefined;
  if (role !== 'provisioning') {
    problems.add([...at, 'bootServer'], `a network with role ${role} has no boot server (machines network-boot on the provisioning network)`, 'move bootServer to the network with role: provisioning');
    return undefined;
  }
  const value = parseIpv4(boot.address)!;
  const first = base.base + 1;
  const last = cidrLast(base) - 1;
  if (!cidrContains(base, value) || value < first || value > last) {
    problems.add([...at, 'bootServer', 'address'], `${boot.address} is not a host address of the network ${base.text}`, `use an address from ${formatIpv4(first)} to ${formatIpv4(last)}`);
  } else if (value === gateway) {
    problems.add([...at, 'bootServer', 'address'], `${boot.address} is the network's gateway`, 'give the boot server an address of its own');
  }
  return { address: boot.address, port: boot.port };
}

export function planNetworks(spec: Salvaged, problems: Problems): NetworkPlan {
  const fidelity = spec.top.fidelity;
  const declared = spec.networks ?? new Map(Object.entries(DEFAULT_NETWORKS));
  const byName = new Map<string, PlannedNetwork>();
  const broken = new Set(spec.brokenNetworks);
  const vlans = new Map<number, string>();

  for (const [name, input] of declared) {
    const at: SpecPath = spec.networks === undefined ? ['networks'] : ['networks', name];
    const role = input.role ?? NETWORK_ROLES.find((r) => r === name);
    if (role === undefined) {
      problems.add([...at, 'role'], `network ${JSON.stringify(name)} has no role`, `say what it carries: role: one of ${NETWORK_ROLES.join(', ')}`);
      broken.add(name);
      continue;
    }
    const cidr = parseCidr(input.cidr)!;
    if (hasHostBits(cidr)) problems.add([...at, 'cidr'], `${input.cidr} has host bits set`, `write the network address: ${canonicalCidr(cidr)}`);
    const base = parseCidr(canonicalCidr(cidr))!;
    const rule = fidelityRule(fidelity, role, base);
    if (rule) problems.add([...at, 'cidr'], rule.problem, rule.fix);

    const address = (field: 'allocateFrom' | 'gateway'): number | undefined => {
      const text = input[field];
      if (text === undefined) return undefined;
      const value = parseIpv4(text)!;
      if (!cidrContains(base, value)) problems.add([...at, field], `${text} is outside the network ${base.text}`, `use an address from ${formatIpv4(base.base)} to ${formatIpv4(cidrLast(base))}`);
      return value;
    };
    const allocateFrom = address('allocateFrom') ?? base.base;
    // Docker gives a network's first address to its gateway unless told otherwise.
    const gateway = address('gateway') ?? (fidelity === 'container' && role !== 'bmc' ? base.base + 1 : undefined);

    if (input.vlan !== undefined) {
      const holder = vlans.get(input.vlan);
      if (holder !== undefined) problems.add([...at, 'vlan'], `VLAN ${input.vlan} is already used by network ${holder}`, 'give each network its own VLAN id (or leave vlan out for untagged)');
      else vlans.set(input.vlan, name);
    }
    const overlapped = [...byName.values()].find((other) => cidrsOverlap(base, other.cidr));
    if (overlapped) {
      problems.add([...at, 'cidr'], `${base.text} overlaps network ${overlapped.network.name} (${overlapped.cidr.text}, at ${formatPath(overlapped.at)})`, 'give each network its own, non-overlapping range');
      // Its addresses would collide with the other network's: one problem is enough.
      broken.add(name);
      continue;
    }
    const network: Network = {
      name,
      role,
      cidr: base.text,
      vlan: input.vlan,
      mtu: input.mtu,
      gateway: gateway === undefined ? undefined : formatIpv4(gateway),
      allocateFrom: formatIpv4(allocateFrom),
      bootServer: checkBootServer(input, role, base, gateway, at, problems),
    };
    byName.set(name, { network, cidr: base, allocateFrom, gateway, at });
  }

  const bmcNetworks = [...byName.values()].filter((n) => n.network.role === 'bmc');
  if (bmcNetworks.length > 1) {
    problems.add(['networks'], `${bmcNetworks.length} networks have role bmc (${bmcNetworks.map((n) => n.network.name).join(', ')})`, 'keep one bmc network; BMC addresses are allocated from it');
  } else if (bmcNetworks.length === 0 && spec.top.bmcAddressing === 'per-bmc' && !spec.partial && broken.size === 0) {
    problems.add(['networks'], 'no network has role bmc', 'add one, e.g. bmc: { role: bmc, cidr: 127.0.0.0/10, allocateFrom: 127.1.0.0 }');
  }
  return { byName, bmc: bmcNetworks[0], broken };
}
