import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeRoleMove, type EnrollResult } from '../../orchestrator/index.js';
import { enrollSpecServers, serveTwin, startTwinObserver, TwinObserverFeed } from '../../scenarios/index.js';
import { SystemClock } from '../../sim/index.js';
import { InvalidSpecError, parseDatacenterSpec, type Datacenter, type ServerEvent } from '../../twins/index.js';
import { CA_FILE } from '../client/connection.js';
import { CliError } from '../errors.js';
import { readDeployFile } from './deploy.js';
import { startOrchestrator, type RunningOrchestrator } from './serve.js';
import { bindProblem, describeEvent } from './twin-serve.js';
import { visualizerFiles } from './visualizer-files.js';

/** The lab that ships with drill: 12 servers of seven BMC flavours. */
export const DEFAULT_SPEC = fileURLToPath(new URL('../../../scenarios/datacenters/lab.yaml', import.meta.url));

/** The ready-state deployment `drill up` applies to every server of a spec that has a boot server. */
export const DEFAULT_READY = fileURLToPath(new URL('../../../scenarios/deployments/lab-ready.yaml', import.meta.url));

export interface UpOptions {
  spec: string;
  listen: string;
  stateDir: string;
  /** A deployment file to take the servers to ready state with; false: enroll only. */
  ready: string | false;
}

const clockTime = (atMs: number): string => new Date(atMs).toISOString().slice(11, 19);

/**
 * Applies the ready-state deployment and reports each node as it becomes
 * ready; resolves when all of `nodes` are (or never, while they are not).
 */
async function takeToReady(orchestrator: RunningOrchestrator, file: string, nodes: number, out: (line: string) => void): Promise<void> {
  const { deployment, ...plan } = readDeployFile(file);
  let ready = 0;
  const unsubscribe = orchestrator.subscribe((event) => {
    if (event.type === 'node.lifecycle' && event.data['to'] === 'ready') out(`${clockTime(event.atMs)}  ${event.subject}  READY (${++ready}/${nodes})${ready === nodes ? ` — all ${nodes} nodes in ready state` : ''}`);
    const move = nodeRoleMove(event);
    if (move?.to === 'error') out(`${clockTime(event.atMs)}  ${event.subject}  ERROR ${move.message ?? ''}`);
  });
  try {
    await orchestrator.applyPlan(deployment, plan);
  } catch (error) {
    unsubscribe();
    throw new CliError(`--ready ${file}: ${error instanceof Error ? error.message : String(error)} — fix the deployment file, or pass --no-ready`, 2);
  }
  out(`taking ${nodes} servers to ready state with ${deployment} (network boot, install, ops roles); power and boot stages follow`);
}

/**
 * Real BMCs answer on ports 443 and 623, which only root may bind. For anyone
 * else the same spec is served with `bmcAddressing: shared-host` (one loopback
 * address, high ports), so `npm start` works without privileges.
 */
async function loadForThisUser(path: string): Promise<{ datacenter: Datacenter; note?: string }> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`--spec: cannot read ${path} (${error.code ?? error.message}) — pass a datacenter spec file`, 2);
  });
  const datacenter = parseDatacenterSpec(text, { source: path, env: process.env });
  const privileged = datacenter.servers.some((s) => (s.bmc.redfishPort ?? 1024) < 1024 || s.bmc.ipmiPort < 1024);
  if (!privileged || process.getuid?.() === 0) return { datacenter };
  return {
    datacenter: parseDatacenterSpec(text, { source: path, env: process.env, bmcAddressing: 'shared-host' }),
    note: 'not running as root, so the BMCs share 127.0.0.1 on high ports (bmcAddressing: shared-host) instead of 443/623 each',
  };
}

function describeResult(result: EnrollResult): string {
  if (!result.ok) return `  ${result.address.padEnd(14)} failed (${result.reason}): ${result.message}`;
  return `  ${result.node.padEnd(16)} ${result.protocol.padEnd(7)} ${result.manufacturer} ${result.model}, firmware ${result.firmwareVersion}`;
}

/**
 * `drill up`: the twin and the orchestrator together, on one machine — the
 * spec's BMCs on loopback sockets, the orchestrator trusting the twin's CA, and
 * every BMC enrolled with the credentials the spec gives it; then, when the
 * spec has a boot server, every server taken to ready state. It follows power
 * changes and boot stages until interrupted.
 */
export async function up(options: UpOptions, version: string, out: (line: string) => void, stop: Promise<void>): Promise<number> {
  let datacenter;
  let note: string | undefined;
  try {
    ({ datacenter, note } = await loadForThisUser(options.spec));
  } catch (error) {
    if (error instanceof InvalidSpecError) throw new CliError(`${options.spec}: ${error.problems.length} problem(s)\n  ${error.problems.join('\n  ')}`, 2);
    throw error;
  }
  let enrolled = false;
  const feed = new TwinObserverFeed({ datacenter });
  const clock = new SystemClock();
  const twin = await serveTwin({
    datacenter,
    clock,
    onFaultStrike: (strike) => feed.recordFault({ ...strike, atMs: clock.now() }),
    onServerEvent: (server: string, event: ServerEvent) => {
      feed.record(server, event);
      const text = enrolled ? describeEvent(event) : undefined;
      if (text) out(`${clockTime(event.atMs)}  ${server}  ${text}`);
    },
    onMachineEvent: (event) => {
      if (event.type !== 'stage') return;
      // The observer takes boot stages as data beside the server's own events.
      feed.record(event.machine, event as unknown as ServerEvent);
      if (enrolled) out(`${clockTime(event.atMs)}  ${event.machine}  ${event.stage}${event.detail ? `: ${event.detail}` : ''}${event.error ? ` (${event.error})` : ''}`);
    },
  }).catch((error: NodeJS.ErrnoException) => {
    const problem = bindProblem(error);
    throw problem ? new CliError(`Failed to serve the twin: ${problem}`, 1) : error;
  });
  const observer = await startTwinObserver({ feed, host: '127.0.0.1', port: 0 }).catch(async (error: unknown) => {
    await twin.dispose();
    throw error;
  });
  try {
    out(`drill up — ${datacenter.name}: ${twin.bmcs.length} simulated BMCs on loopback (Redfish over HTTPS, IPMI over UDP)`);
    if (note) out(note);
    mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
    const caPath = join(options.stateDir, 'twin-ca.crt');
    writeFileSync(caPath, twin.caPem);
    const ui = visualizerFiles();
    const bootServer = datacenter.networks.find((n) => n.role === 'provisioning')?.bootServer;
    const orchestrator = await startOrchestrator(
      { listen: options.listen, stateDir: options.stateDir, bmcCa: caPath, staticMounts: ui.mounts, ...(bootServer ? { bootListen: `${bootServer.address}:${bootServer.port}` } : {}) },
      version,
      out,
    );
    try {
      out(`twin observer (layout, physical state, events): ${observer.url}/twin/v1/topology`);
      out(`visualizer: ${orchestrator.url}/ui/#twin=${observer.url}`);
      out('  (the page asks for the API token; or append &token=$DRILL_TOKEN — the fragment never reaches a server log)');
      if (ui.problem) out(`warning: ${ui.problem}`);
      out('');
      out(`enrolling ${twin.bmcs.length} BMCs (Redfish first, IPMI for gear without it; 'slow' ones take their time)…`);
      const results = await enrollSpecServers(orchestrator.enroller, datacenter.servers.slice(0, twin.bmcs.length), (result) => out(describeResult(result)));
      const failed = results.filter((r) => !r.ok).length;
      out(`${results.length - failed} nodes enrolled and inventoried${failed > 0 ? `, ${failed} failed` : ''}`);
      out('');
      out('try (with the token above in DRILL_TOKEN):');
      out(`  npx drill nodes list --state-dir ${options.stateDir}`);
      out(`  npx drill nodes power ${datacenter.servers[0]?.name ?? 'NODE'} on --state-dir ${options.stateDir}`);
      out(`  curl --cacert ${join(options.stateDir, CA_FILE)} -H "Authorization: Bearer $DRILL_TOKEN" ${orchestrator.url}/api/v1/nodes`);
      out('');
      enrolled = true;
      if (options.ready !== false && bootServer && failed < results.length) await takeToReady(orchestrator, options.ready, results.length - failed, out);
      else if (options.ready !== false && !bootServer) out(`${options.spec} has no boot server on its provisioning network, so the servers stay powered off (add one to install them)`);
      out('power changes follow; running until interrupted (Ctrl-C)…');
      await stop;
      return failed > 0 ? 1 : 0;
    } finally {
      await orchestrator.stop();
    }
  } finally {
    await observer.close();
    await twin.dispose();
    out('twin and orchestrator stopped');
  }
}
