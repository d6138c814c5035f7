import { BMC_FLAVOURS, BMC_MODIFIERS } from './flavours.js';
import type { Datacenter, PasswordSource } from './types.js';

const plural = (n: number, word: string, words = `${word}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? word : words}`;

function passwordText(source: PasswordSource): string {
  switch (source.kind) {
    case 'inline':
      return 'inline in the spec';
    case 'env':
      return `from $${source.variable}`;
    case 'fallback':
      return `the spec's twin fallback, as $${source.variable} is unset`;
  }
}

/** One paragraph an operator can check a spec against: counts, flavours, networks, where passwords come from. */
export function summarizeDatacenter(dc: Datacenter): string {
  const rows = dc.sites.reduce((n, s) => n + s.rows.length, 0);
  const switches = dc.racks.reduce((n, r) => n + r.switches.length, 0);
  const spines = dc.sites.reduce((n, s) => n + s.spines.length, 0);
  const flavours = BMC_FLAVOURS.map((f) => [f, dc.servers.filter((s) => s.bmc.flavour === f).length] as const).filter(([, n]) => n > 0);
  const modifiers = BMC_MODIFIERS.map((m) => [m, dc.servers.filter((s) => s.bmc.modifiers.includes(m)).length] as const).filter(([, n]) => n > 0);
  const passwords = new Map<string, number>();
  for (const s of dc.servers) {
    const text = passwordText(s.bmc.credentials.passwordSource);
    passwords.set(text, (passwords.get(text) ?? 0) + 1);
  }
  const first = dc.servers[0];
  const parts = [
    `${dc.name} (seed ${dc.seed}, ${dc.fidelity} fidelity, ${dc.bmcAddressing} BMC addressing):`,
    `${plural(dc.sites.length, 'site')}, ${plural(rows, 'row')}, ${plural(dc.racks.length, 'rack')}, ${plural(dc.servers.length, 'server')}`,
    `(${flavours.map(([f, n]) => `${f} ${n.toLocaleString('en-US')}`).join(', ')}${modifiers.length > 0 ? `; ${modifiers.map(([m, n]) => `${m} ${n}`).join(', ')}` : ''}),`,
    `${plural(switches, 'top-of-rack switch', 'top-of-rack switches')} and ${plural(spines, 'spine')};`,
    `networks ${dc.networks.map((n) => `${n.name} ${n.cidr}${n.vlan === undefined ? '' : ` VLAN ${n.vlan}`}${n.bootServer === undefined ? '' : ` (boot server ${n.bootServer.address}:${n.bootServer.port})`}`).join(', ')};`,
    `BMC passwords ${[...passwords].map(([text, n]) => `${text} (${plural(n, 'server')})`).join(', ')}.`,
  ];
  if (first) {
    const ports = [first.bmc.redfishPort === undefined ? undefined : `Redfish ${first.bmc.redfishPort}`, `IPMI ${first.bmc.ipmiPort}`].filter((p) => p !== undefined).join(', ');
    parts.push(`First BMC: ${first.name} at ${first.bmc.address} (${ports}).`);
  }
  return parts.join(' ');
}
