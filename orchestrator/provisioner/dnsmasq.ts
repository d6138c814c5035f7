import { isIP } from 'node:net';
import { z } from 'zod';
import type { NodeRecord } from '../store/index.js';
import { MAC_PATTERN } from './discovery-facts.js';
import { ProvisionerError } from './errors.js';
import { macsOf } from './node-match.js';

/**
 * dnsmasq's side of network boot on real hardware (docs/provisioning.md
 * "DHCP and TFTP with dnsmasq"): firmware PXE gets iPXE by TFTP, iPXE (which
 * says so in its DHCP user class) gets `B/boot/ipxe`, and from there the boot
 * server decides per MAC. Either dnsmasq hands out the addresses (`range`) or
 * it only adds boot options beside the site's DHCP server (`proxy`).
 */

const IPV4_ERROR = 'must be an IPv4 address — e.g. "10.0.0.1"';
const ipv4 = z.string({ error: IPV4_ERROR }).refine((s) => isIP(s) === 4, { error: IPV4_ERROR });
/** A dnsmasq option value: no separator or line break it could misread. */
const word = (example: string) => z.string({ error: `must be a string — e.g. ${example}` }).regex(/^[A-Za-z0-9._:/@%+-]+$/, { error: `must be one word without spaces, commas or quotes — e.g. ${example}` });

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export const DnsmasqHost = z
  .object({
    name: z.string().regex(HOST_NAME, { error: 'must be a DNS label (letters, digits, -) — rename the node or leave it out' }),
    macs: z.array(z.string().regex(MAC_PATTERN, { error: 'must be lower-case, colon-separated — e.g. "52:54:00:12:34:56"' })).min(1, { error: 'must list at least one MAC — or leave the host out' }),
    ipv4: ipv4.optional(),
  })
  .strict();

export const DnsmasqConfigInput = z
  .object({
    /** The NIC on the provisioning network. */
    interface: word('"eno1"'),
    dhcp: z.discriminatedUnion(
      'kind',
      [
        z.object({ kind: z.literal('proxy'), network: ipv4, netmask: ipv4 }).strict(),
        z
          .object({
            kind: z.literal('range'),
            start: ipv4,
            end: ipv4,
            netmask: ipv4,
            leaseTime: z.string().regex(/^(\d+[smhd]?|infinite)$/, { error: 'must be like "12h", "30m" or "infinite"' }),
            router: ipv4.optional(),
            dnsServers: z.array(ipv4).optional(),
          })
          .strict(),
      ],
      { error: 'must be proxy (another server hands out addresses) or range (dnsmasq does)' },
    ),
    /** `B`, the boot server's base URL. */
    bootUrl: word('"http://10.0.0.1:8080"').refine((s) => /^https?:\/\//.test(s), { error: 'must be an http:// URL — e.g. "http://10.0.0.1:8080"' }),
    /** Holds iPXE's `undionly.kpxe` (BIOS) and `ipxe.efi` (UEFI). */
    tftpRoot: word('"/srv/tftp"').refine((s) => s.startsWith('/'), { error: 'must be an absolute path — e.g. "/srv/tftp"' }),
    hosts: z.array(DnsmasqHost),
  })
  .strict();

export type DnsmasqHost = z.infer<typeof DnsmasqHost>;
export type DnsmasqConfigInput = z.input<typeof DnsmasqConfigInput>;

/** One host entry per node the orchestrator knows a MAC of (BMC inventory or discovery), named after it. */
export function dnsmasqHosts(nodes: Iterable<NodeRecord>): DnsmasqHost[] {
  const hosts: DnsmasqHost[] = [];
  for (const node of nodes) {
    const macs = [...macsOf(node)].filter((mac) => MAC_PATTERN.test(mac)).sort();
    if (macs.length > 0 && HOST_NAME.test(node.name)) hosts.push({ name: node.name, macs });
  }
  return hosts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The configuration file; every problem of `input` at once as a ProvisionerError (`path: problem — fix`). */
export function dnsmasqConfig(input: DnsmasqConfigInput): string {
  const parsed = DnsmasqConfigInput.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`);
    throw new ProvisionerError('PROVISIONER_BAD_INPUT', `Failed to generate the dnsmasq configuration:\n  ${problems.join('\n  ')}`);
  }
  const c = parsed.data;
  const dhcp =
    c.dhcp.kind === 'proxy'
      ? [`dhcp-range=${c.dhcp.network},proxy,${c.dhcp.netmask}`]
      : [
          `dhcp-range=${c.dhcp.start},${c.dhcp.end},${c.dhcp.netmask},${c.dhcp.leaseTime}`,
          ...(c.dhcp.router ? [`dhcp-option=option:router,${c.dhcp.router}`] : []),
          ...(c.dhcp.dnsServers?.length ? [`dhcp-option=option:dns-server,${c.dhcp.dnsServers.join(',')}`] : []),
        ];
  const script = `${c.bootUrl}/boot/ipxe`;
  // Proxy DHCP can only answer PXE through boot-service menus; a full DHCP server names the file directly.
  const boot =
    c.dhcp.kind === 'proxy'
      ? ['x86PC', 'X86-64_EFI'].flatMap((arch) => [
          `pxe-service=tag:!ipxe,${arch},"drill: chain to iPXE",${arch === 'x86PC' ? 'undionly.kpxe' : 'ipxe.efi'}`,
          `pxe-service=tag:ipxe,${arch},"drill: boot server",${script}`,
        ])
      : ['dhcp-match=set:efi64,option:client-arch,7', 'dhcp-match=set:efi64,option:client-arch,9', 'dhcp-boot=tag:!ipxe,tag:efi64,ipxe.efi', 'dhcp-boot=tag:!ipxe,tag:!efi64,undionly.kpxe', `dhcp-boot=tag:ipxe,${script}`];
  return [
    '# Generated by drill for network boot: do not edit, generate it again.',
    '# DHCP and TFTP only: no DNS.',
    'port=0',
    `interface=${c.interface}`,
    'bind-interfaces',
    'log-dhcp',
    ...dhcp,
    'enable-tftp',
    `tftp-root=${c.tftpRoot}`,
    '# iPXE says who it is in its user class: it gets the boot server; firmware PXE gets iPXE first.',
    'dhcp-userclass=set:ipxe,iPXE',
    ...boot,
    ...(c.hosts.length > 0 ? ['# Machines the orchestrator knows, by MAC.'] : []),
    ...c.hosts.map((h) => `dhcp-host=${[...h.macs, h.name, ...(h.ipv4 && c.dhcp.kind === 'range' ? [h.ipv4] : [])].join(',')}`),
    '',
  ].join('\n');
}
