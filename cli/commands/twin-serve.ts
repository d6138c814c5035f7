import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SystemClock } from '../../sim/index.js';
import { serveTwin, type ServedTwin } from '../../scenarios/index.js';
import { InvalidSpecError, loadDatacenterSpec, type ServerEvent } from '../../twins/index.js';
import { CliError } from '../errors.js';

export interface TwinServeOptions {
  limit?: string;
  stateDir: string;
}

export function describeEvent(event: ServerEvent): string | undefined {
  switch (event.type) {
    case 'power':
      return `power ${event.from} → ${event.to}`;
    case 'boot-override':
      return `boot override ${event.override.device} (${event.override.persistence}, ${event.override.mode})`;
    case 'booted':
      return `booted from ${event.boot.device === 'None' ? 'the boot order' : event.boot.device} (${event.boot.mode})`;
    case 'identify':
      return `identify ${event.identify.on ? 'on' : 'off'}`;
    case 'sensor':
      return `${event.reading.spec.name} ${event.crossing.from} → ${event.crossing.to} (${Math.round(event.crossing.value * 10) / 10})`;
    case 'log':
      return undefined;
  }
}

export function bindProblem(error: NodeJS.ErrnoException): string | undefined {
  if (error.code === 'EACCES') {
    return 'binding BMC ports below 1024 needs root or CAP_NET_BIND_SERVICE — run as root, or set bmcAddressing: shared-host in the spec for high ports';
  }
  if (error.code === 'EADDRNOTAVAIL') {
    return 'this system does not answer on the whole 127.0.0.0/8 range (Linux does) — set bmcAddressing: shared-host in the spec for one address with distinct ports';
  }
  if (error.code === 'EADDRINUSE') return 'a BMC address is already in use — is another twin running?';
  return undefined;
}

/**
 * `drill twin serve FILE`: the spec's BMCs on real loopback sockets until
 * interrupted, printing how to reach each and every power change as it happens.
 */
export async function twinServe(file: string, options: TwinServeOptions, out: (line: string) => void, stop: Promise<void>): Promise<number> {
  const limit = options.limit === undefined ? undefined : Number(options.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) throw new CliError(`--limit: ${JSON.stringify(options.limit)} is not a whole number ≥ 1 — e.g. --limit 12`, 2);
  let datacenter;
  try {
    datacenter = await loadDatacenterSpec(file, { env: process.env });
  } catch (error) {
    if (error instanceof InvalidSpecError) throw new CliError(`${file}: ${error.problems.length} problem(s)\n  ${error.problems.join('\n  ')}`, 2);
    throw error;
  }
  const clock = new SystemClock();
  let twin: ServedTwin;
  try {
    twin = await serveTwin({
      datacenter,
      clock,
      ...(limit === undefined ? {} : { limit }),
      onServerEvent: (server, event) => {
        const text = describeEvent(event);
        if (text) out(`${new Date(event.atMs).toISOString().slice(11, 19)}  ${server}  ${text}`);
      },
    });
  } catch (error) {
    const problem = bindProblem(error as NodeJS.ErrnoException);
    if (problem) throw new CliError(`Failed to serve the twin: ${problem}`, 1);
    throw error;
  }
  mkdirSync(options.stateDir, { recursive: true });
  const caPath = join(options.stateDir, 'twin-ca.crt');
  writeFileSync(caPath, twin.caPem);
  out(`drill twin serve — ${datacenter.name}: ${twin.bmcs.length} BMCs on loopback (wire fidelity), twin CA in ${caPath}`);
  out('');
  out(`${'server'.padEnd(16)} ${'flavour'.padEnd(22)} ${'Redfish'.padEnd(26)} ${'IPMI'.padEnd(20)} user  (password from)`);
  for (const bmc of twin.bmcs) {
    const flavour = [bmc.flavour, ...bmc.modifiers].join('+');
    out(`${bmc.server.padEnd(16)} ${flavour.padEnd(22)} ${(bmc.redfishUrl ?? '-').padEnd(26)} ${(bmc.ipmiAddress ?? '-').padEnd(20)} ${bmc.user}  (${bmc.passwordFrom})`);
  }
  const first = twin.bmcs.find((b) => b.redfishUrl) ?? twin.bmcs[0];
  if (first) {
    out('');
    out('try:');
    if (first.redfishUrl) out(`  curl --cacert ${caPath} -u ${first.user}:PASSWORD ${first.redfishUrl}/redfish/v1/Systems`);
    if (first.ipmiAddress) {
      const [host, port] = first.ipmiAddress.split(':');
      out(`  ipmitool -I lanplus -C 17 -H ${host} -p ${port} -U ${first.user} -P PASSWORD chassis power status`);
    }
  }
  out('');
  out('serving until interrupted (Ctrl-C)…');
  await stop;
  await twin.dispose();
  out('twin stopped');
  return 0;
}
