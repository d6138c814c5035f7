import type { NodeRecord, Versioned } from '../store/index.js';
import type { DiscoveryFacts } from './discovery-facts.js';

export type MatchedBy = 'mac' | 'uuid' | 'serial';

/** Records never change in place, so a node's MACs are worked out once per record version. */
const known = new WeakMap<NodeRecord, ReadonlySet<string>>();

/** Every MAC a node is known by: its BMC inventory's NICs (in use and burned-in) and what discovery reported. */
export function macsOf(node: NodeRecord): ReadonlySet<string> {
  const cached = known.get(node);
  if (cached) return cached;
  const macs = new Set<string>();
  for (const nic of node.inventory?.hardware?.nics ?? []) {
    macs.add(nic.macAddress.toLowerCase());
    if (nic.permanentMacAddress) macs.add(nic.permanentMacAddress.toLowerCase());
  }
  for (const mac of node.provisioning?.macs ?? []) macs.add(mac);
  known.set(node, macs);
  return macs;
}

function uuidsOf(node: NodeRecord): string[] {
  return [node.inventory?.hardware?.uuid].filter((u): u is string => typeof u === 'string' && u !== '').map((u) => u.toLowerCase());
}

function serialsOf(node: NodeRecord): string[] {
  const hw = node.inventory?.hardware;
  const fru = node.inventory?.fru;
  return [hw?.serialNumber, hw?.serviceTag, fru?.productSerial, fru?.chassisSerial, fru?.boardSerial].filter((s): s is string => typeof s === 'string' && s.trim() !== '').map((s) => s.trim());
}

/** The one node `key` picks out, or undefined when none or several do (a shared placeholder serial must not pick a node). */
function only(nodes: Iterable<Versioned<NodeRecord>>, has: (node: NodeRecord) => boolean): Versioned<NodeRecord> | undefined {
  let found: Versioned<NodeRecord> | undefined;
  for (const node of nodes) {
    if (!has(node.value)) continue;
    if (found) return undefined;
    found = node;
  }
  return found;
}

export function nodeByMac(nodes: ReadonlyMap<string, Versioned<NodeRecord>>, mac: string): Versioned<NodeRecord> | undefined {
  return only(nodes.values(), (node) => macsOf(node).has(mac));
}

/** The node discovery facts belong to: by the boot MAC or any NIC's, then the system UUID, then the serial number. */
export function matchDiscovery(nodes: ReadonlyMap<string, Versioned<NodeRecord>>, mac: string, facts: DiscoveryFacts): { node: Versioned<NodeRecord>; by: MatchedBy } | undefined {
  for (const candidate of [mac, ...facts.nics.map((nic) => nic.mac)]) {
    const node = nodeByMac(nodes, candidate);
    if (node) return { node, by: 'mac' };
  }
  const uuid = facts.system.uuid?.toLowerCase();
  const byUuid = uuid ? only(nodes.values(), (node) => uuidsOf(node).includes(uuid)) : undefined;
  if (byUuid) return { node: byUuid, by: 'uuid' };
  const serial = facts.system.serialNumber?.trim();
  const bySerial = serial ? only(nodes.values(), (node) => serialsOf(node).includes(serial)) : undefined;
  return bySerial ? { node: bySerial, by: 'serial' } : undefined;
}
