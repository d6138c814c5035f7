import { ApiClient } from '../client/api-client.js';
import { resolveConnection, type ConnectionOptions } from '../client/connection.js';
import { table } from '../output/table.js';

export interface QueryOptions extends ConnectionOptions {
  json?: boolean;
}

interface NodeView {
  name: string;
  lifecycle?: string;
  reachable: boolean;
  paused: boolean;
  bmc?: { address: string; port: number; protocol: string; manufacturer: string; model: string; firmwareVersion: string; profile?: string; uuid?: string };
  version: number;
}

interface Inventory {
  source: string;
  hardware?: {
    serialNumber?: string;
    processors: { model?: string; cores?: number }[];
    memory: { capacityMiB?: number }[];
    drives: { id: string; model?: string; capacityBytes?: number; mediaType?: string }[];
    nics: { id: string; macAddress: string; speedMbps?: number }[];
  };
  fru?: Record<string, string>;
  sensors?: { name: string; value?: number; unit: string; status: string }[];
}

/** `drill nodes list`: one row per node. */
export async function nodesList(options: QueryOptions, out: (line: string) => void): Promise<number> {
  const nodes = await new ApiClient(resolveConnection(options)).call<NodeView[]>('GET', '/api/v1/nodes');
  if (options.json) {
    out(JSON.stringify(nodes, null, 2));
    return 0;
  }
  const rows = nodes.map((n) => [n.name, n.lifecycle ?? '-', n.bmc?.protocol ?? '-', n.bmc ? `${n.bmc.address}:${n.bmc.port}` : '-', n.bmc?.manufacturer ?? '-', n.bmc?.model ?? '-', n.bmc?.firmwareVersion ?? '-']);
  for (const text of table(['NAME', 'LIFECYCLE', 'PROTOCOL', 'BMC', 'VENDOR', 'MODEL', 'FIRMWARE'], rows)) out(text);
  return 0;
}

/** `drill nodes show NAME`: the node, its BMC and its inventory. */
export async function nodesShow(name: string, options: QueryOptions, out: (line: string) => void): Promise<number> {
  const client = new ApiClient(resolveConnection(options));
  const path = `/api/v1/nodes/${encodeURIComponent(name)}`;
  const node = await client.call<NodeView>('GET', path);
  const inventory = node.bmc ? await client.call<Inventory>('GET', `${path}/inventory`).catch(() => undefined) : undefined;
  if (options.json) {
    out(JSON.stringify({ ...node, ...(inventory ? { inventory } : {}) }, null, 2));
    return 0;
  }
  const fields: [string, string][] = [
    ['name', node.name],
    ['lifecycle', node.lifecycle ?? '-'],
    ['reachable', String(node.reachable)],
    ['paused', String(node.paused)],
  ];
  if (node.bmc) {
    const b = node.bmc;
    fields.push(['bmc', `${b.protocol} at ${b.address}:${b.port}`], ['vendor', `${b.manufacturer} ${b.model}`], ['firmware', b.firmwareVersion]);
    if (b.profile) fields.push(['profile', b.profile]);
    if (b.uuid) fields.push(['uuid', b.uuid]);
  }
  for (const text of table(['FIELD', 'VALUE'], fields)) out(text);
  const hw = inventory?.hardware;
  if (hw) {
    out('');
    const memoryGiB = hw.memory.reduce((sum, m) => sum + (m.capacityMiB ?? 0), 0) / 1024;
    out(`${hw.processors.length} CPU(s) ${hw.processors[0]?.model ?? ''}, ${memoryGiB} GiB memory${hw.serialNumber ? `, serial ${hw.serialNumber}` : ''}`);
    for (const text of table(['DRIVE', 'MODEL', 'TYPE', 'GB'], hw.drives.map((d) => [d.id, d.model ?? '-', d.mediaType ?? '-', d.capacityBytes ? String(Math.round(d.capacityBytes / 1e9)) : '-']))) out(text);
    for (const text of table(['NIC', 'MAC', 'Mbps'], hw.nics.map((n) => [n.id, n.macAddress, n.speedMbps ? String(n.speedMbps) : '-']))) out(text);
  } else if (inventory) {
    out('');
    for (const text of table(['FRU', 'VALUE'], Object.entries(inventory.fru ?? {}))) out(text);
    for (const text of table(['SENSOR', 'VALUE', 'STATUS'], (inventory.sensors ?? []).map((s) => [s.name, s.value === undefined ? '-' : `${s.value} ${s.unit}`, s.status]))) out(text);
  }
  return 0;
}
