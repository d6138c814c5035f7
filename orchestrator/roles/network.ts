import { isIP } from 'node:net';
import { z } from 'zod';
import type { Resource } from '../agent/index.js';
import type { AgentRole } from './role.js';
import { managedFile, onceFor, parseInputs, readyStateSpec } from './role.js';

const IFACE = /^[A-Za-z][A-Za-z0-9_-]{0,14}$/;
const iface = z.string({ error: 'must be an interface name — e.g. "eno1"' }).regex(IFACE, { error: 'must be an interface name (letter first, up to 15 characters) — e.g. "eno1"' });
const CIDR_ERROR = 'must be an IPv4 address with its prefix length — e.g. "10.0.1.5/24"';
const cidr = z.string({ error: CIDR_ERROR }).refine((s) => {
  const [address, prefix, ...rest] = s.split('/');
  return rest.length === 0 && isIP(address ?? '') === 4 && /^\d{1,2}$/.test(prefix ?? '') && Number(prefix) <= 32;
}, { error: CIDR_ERROR });
const gateway = z.string({ error: 'must be an IPv4 address — e.g. "10.0.1.1"' }).refine((s) => isIP(s) === 4, { error: 'must be an IPv4 address — e.g. "10.0.1.1"' });
const mtu = z.number().int().min(576, { error: 'must be at least 576' }).max(9216, { error: 'must be at most 9216' });

const BOND_MODES = ['802.3ad', 'active-backup', 'balance-rr', 'balance-xor', 'broadcast', 'balance-tlb', 'balance-alb'] as const;

const Inputs = z.object({
  'network.bonds': z
    .array(
      z
        .object({
          name: iface,
          interfaces: z.array(iface).min(1, { error: 'must list the bond\'s member NICs — e.g. ["eno1", "eno2"]' }),
          mode: z.enum(BOND_MODES, { error: `must be one of ${BOND_MODES.join(', ')}` }),
          address: cidr.optional(),
          gateway: gateway.optional(),
          mtu: mtu.optional(),
        })
        .strict(),
      { error: 'must be a list of bonds — e.g. [{"name": "bond0", "interfaces": ["eno1", "eno2"], "mode": "802.3ad"}]' },
    )
    .optional(),
  'network.vlans': z
    .array(
      z
        .object({
          id: z.number({ error: 'must be a VLAN id — e.g. 100' }).int().min(1, { error: 'must be 1–4094' }).max(4094, { error: 'must be 1–4094' }),
          device: iface,
          address: cidr.optional(),
          gateway: gateway.optional(),
          mtu: mtu.optional(),
        })
        .strict(),
      { error: 'must be a list of VLANs — e.g. [{"id": 100, "device": "bond0", "address": "10.0.100.5/24"}]' },
    )
    .optional(),
});

function addressing(address: string | undefined, gw: string | undefined, mtuBytes: number | undefined): string[] {
  return [...(address ? [`    address ${address}`] : []), ...(gw ? [`    gateway ${gw}`] : []), ...(mtuBytes ? [`    mtu ${mtuBytes}`] : [])];
}

const method = (address: string | undefined): string => (address ? 'static' : 'manual');

/**
 * Bonds and VLANs as ifupdown stanzas in `/etc/network/interfaces.d/`, one
 * file per interface, brought up (again) once per version of the file. An interface
 * the attributes no longer name keeps its file: removing links is the
 * operator's call.
 */
export const NETWORK_ROLE: AgentRole = {
  spec: readyStateSpec('network', ['network.bonds', 'network.vlans']),
  resources: (inputs) => {
    const parsed = parseInputs('network', Inputs, inputs);
    const bonds = parsed['network.bonds'] ?? [];
    const vlans = parsed['network.vlans'] ?? [];
    const files: Array<{ name: string; lines: string[] }> = [
      ...bonds.map((b) => ({
        name: b.name,
        lines: [
          ...b.interfaces.flatMap((nic) => [`auto ${nic}`, `iface ${nic} inet manual`, `    bond-master ${b.name}`, '']),
          `auto ${b.name}`,
          `iface ${b.name} inet ${method(b.address)}`,
          `    bond-slaves ${b.interfaces.join(' ')}`,
          `    bond-mode ${b.mode}`,
          '    bond-miimon 100',
          ...(b.mode === '802.3ad' ? ['    bond-lacp-rate fast', '    bond-xmit-hash-policy layer3+4'] : []),
          ...addressing(b.address, b.gateway, b.mtu),
        ],
      })),
      ...vlans.map((v) => ({
        name: `${v.device}.${v.id}`,
        lines: [`auto ${v.device}.${v.id}`, `iface ${v.device}.${v.id} inet ${method(v.address)}`, `    vlan-raw-device ${v.device}`, ...addressing(v.address, v.gateway, v.mtu)],
      })),
    ];
    if (files.length === 0) return [];
    const resources: Resource[] = [
      { kind: 'package', name: 'ifupdown', state: 'present' },
      ...(bonds.length > 0 ? [{ kind: 'package' as const, name: 'ifenslave', state: 'present' as const }] : []),
      ...(vlans.length > 0 ? [{ kind: 'package' as const, name: 'vlan', state: 'present' as const }] : []),
      {
        kind: 'check',
        run: 'grep -Eq "^(source|source-directory) +/etc/network/interfaces.d" "$DRILL_ROOT/etc/network/interfaces"',
        description: '/etc/network/interfaces reads /etc/network/interfaces.d',
      },
    ];
    for (const file of files) {
      const resource = managedFile(`/etc/network/interfaces.d/drill-${file.name}`, file.lines);
      // ifup leaves an interface that is already up as it was: take it down first so the new stanza applies.
      resources.push(resource, onceFor(`ifup-${file.name}`, resource.content, `if ifquery --state ${file.name} >/dev/null 2>&1; then ifdown ${file.name}; fi\nifup ${file.name}`));
    }
    return resources;
  },
};
