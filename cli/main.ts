#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { simDemo } from './commands/sim-demo.js';
import { traceDiff } from './commands/trace-diff.js';
import { twinSchema } from './commands/twin-schema.js';
import { twinServe } from './commands/twin-serve.js';
import { twinValidate } from './commands/twin-validate.js';
import { CliError } from './errors.js';
import { DEFAULT_TOKEN_ENV } from './client/connection.js';
import { events } from './commands/events.js';
import { deploy } from './commands/deploy.js';
import { nodesBoot, nodesDecommission, nodesLifecycle, nodesPower, nodesReprovision } from './commands/nodes-control.js';
import { nodesEnroll } from './commands/nodes-enroll.js';
import { nodesList, nodesShow } from './commands/nodes-show.js';
import { serve } from './commands/serve.js';
import { DEFAULT_READY, DEFAULT_SPEC, up } from './commands/up.js';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const out = (line: string): void => void process.stdout.write(`${line}\n`);

/** Resolves on Ctrl-C or SIGTERM: long-running commands stop cleanly on it. */
const interrupted = (): Promise<void> =>
  new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });

/** The options every API client command shares. */
function clientCommand(command: Command): Command {
  return command
    .option('--server <url>', 'orchestrator URL (default: the one `drill serve` wrote to STATE_DIR/server.json)')
    .option('--token-env <var>', 'environment variable holding the API token', DEFAULT_TOKEN_ENV)
    .option('--ca <file>', "orchestrator CA certificate (default: STATE_DIR/tls/ca.crt)")
    .option('--state-dir <dir>', "the orchestrator's state directory, for the defaults above", '.drill')
    .option('--json', 'machine-readable output');
}

function program(): Command {
  const drill = new Command('drill')
    .description('Bare-metal datacenter orchestrator and its digital twin')
    .version(packageJson.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError()
    .exitOverride()
    // One line per error: commander puts its "(Did you mean …?)" suggestion on a second line.
    .configureOutput({ outputError: (text, write) => write(`${text.trimEnd().replace(/^error: /, 'drill: ').replace(/\s*\n\s*/g, ' ')}\n`) });

  const sim = drill.command('sim').description('the deterministic simulation kernel');
  sim
    .command('demo')
    .description('power on a simulated fleet through injected faults on the virtual clock, and print the trace digest')
    .option('--seed <seed>', 'seed (decimal or 0x-hex); the same seed gives the same run, byte for byte')
    .option('--racks <n>', 'racks to simulate', '4')
    .option('--servers <n>', 'servers per rack', '10')
    .option('--trace <file>', 'write the trace as JSONL to this file')
    .action(async (options: { seed?: string; racks: string; servers: string; trace?: string }) => {
      process.exitCode = await simDemo(options, out);
    });

  const trace = drill.command('trace').description('inspect recorded traces');
  trace
    .command('diff')
    .description('show the first event where two traces diverge (exit 0 if identical, 1 if not)')
    .argument('<a>', 'first trace (JSONL)')
    .argument('<b>', 'second trace (JSONL)')
    .action(async (a: string, b: string) => {
      process.exitCode = await traceDiff(a, b, out);
    });

  const twin = drill.command('twin').description('the digital twin: datacenter specs and simulated BMCs');
  twin
    .command('validate')
    .description('check datacenter specs: a summary per valid file, every problem of an invalid one (exit 2)')
    .argument('<files...>', 'datacenter spec files (YAML)')
    .action(async (files: string[]) => {
      process.exitCode = await twinValidate(files, out);
    });
  twin
    .command('serve')
    .description("serve the spec's BMCs on real loopback sockets (Redfish over HTTPS, IPMI over UDP) until interrupted")
    .argument('<file>', 'datacenter spec (YAML), e.g. scenarios/datacenters/lab.yaml')
    .option('--limit <n>', 'serve only the first N servers')
    .option('--state-dir <dir>', 'where to write the twin CA certificate', '.drill')
    .action(async (file: string, options: { limit?: string; stateDir: string }) => {
      process.exitCode = await twinServe(file, options, out, interrupted());
    });
  twin
    .command('schema')
    .description("print the datacenter spec's JSON Schema (scenarios/datacenters/datacenter.schema.json)")
    .action(() => {
      process.exitCode = twinSchema((text) => void process.stdout.write(text));
    });

  drill
    .command('serve')
    .description('run the orchestrator: store, CA, API over HTTPS, event stream, annealer, until interrupted')
    .option('--listen <host:port>', 'where the API listens (port 0: a free one; the bound URL is printed)', '127.0.0.1:8443')
    .option('--state-dir <dir>', 'SQLite store, CA, API tokens and the credentials vault', '.drill')
    .option('--bmc-ca <file>', "PEM CA that signed the BMCs' HTTPS certificates (e.g. .drill/twin-ca.crt)")
    .option('--bmc-insecure', "accept any BMC certificate (factory self-signed ones); say so explicitly")
    .option('--boot-listen <host:port>', 'serve network boot (iPXE scripts, install plans, the node agent) here, on the provisioning network')
    .action(async (options: { listen: string; stateDir: string; bmcCa?: string; bmcInsecure?: boolean; bootListen?: string }) => {
      process.exitCode = await serve(options, packageJson.version, out, interrupted());
    });

  drill
    .command('up')
    .description('the twin and the orchestrator together: serve a spec\'s BMCs, start the orchestrator, enroll every BMC, take every server to ready state, follow what happens')
    .option('--spec <file>', 'datacenter spec (YAML)', DEFAULT_SPEC)
    .option('--listen <host:port>', 'where the orchestrator API listens (port 0: a free one)', '127.0.0.1:8443')
    .option('--state-dir <dir>', 'the orchestrator state and the twin CA certificate', '.drill')
    .option('--ready <file>', 'the deployment that takes every server to ready state, when the spec has a boot server', DEFAULT_READY)
    .option('--no-ready', 'enroll only: leave the servers powered off')
    .action(async (options: { spec: string; listen: string; stateDir: string; ready: string | false }) => {
      process.exitCode = await up(options, packageJson.version, out, interrupted());
    });

  const nodes = drill.command('nodes').description("the orchestrator's nodes: enroll BMCs, list, show, power, boot");
  clientCommand(
    nodes
      .command('enroll')
      .description('enroll BMCs: probe Redfish then IPMI, read the inventory, create the nodes (exit 1 if any failed)')
      .argument('[addresses...]', 'BMC addresses, HOST or HOST:PORT'),
  )
    .option('--file <list>', 'a file with one BMC address per line (# comments)')
    .option('--user <user>', 'BMC user name', 'root')
    .option('--password-env <var>', 'environment variable holding the BMC password', 'DRILL_BMC_PASSWORD')
    .option('--protocol <protocol>', 'auto (Redfish, then IPMI), redfish or ipmi', 'auto')
    .option('--concurrency <n>', 'BMCs enrolled at once', '32')
    .action(async (addresses: string[], options: Parameters<typeof nodesEnroll>[1]) => {
      process.exitCode = await nodesEnroll(addresses, options, out);
    });
  clientCommand(nodes.command('list').description('list nodes as a table')).action(async (options: Parameters<typeof nodesList>[0]) => {
    process.exitCode = await nodesList(options, out);
  });
  clientCommand(nodes.command('show').description('show a node, its BMC and its inventory').argument('<name>', 'node name')).action(
    async (name: string, options: Parameters<typeof nodesShow>[1]) => {
      process.exitCode = await nodesShow(name, options, out);
    },
  );
  clientCommand(
    nodes
      .command('power')
      .description("drive a node's power through its BMC")
      .argument('<name>', 'node name')
      .argument('<action>', 'on, off, cycle, restart or graceful'),
  ).action(async (name: string, action: string, options: Parameters<typeof nodesPower>[2]) => {
    process.exitCode = await nodesPower(name, action, options, out);
  });
  clientCommand(
    nodes
      .command('boot')
      .description("set a node's boot override (next boot only unless --persistent)")
      .argument('<name>', 'node name')
      .argument('<device>', 'pxe, disk, cd or bios'),
  )
    .option('--persistent', 'every boot until changed, not just the next')
    .option('--legacy', 'legacy BIOS boot instead of UEFI')
    .action(async (name: string, device: string, options: Parameters<typeof nodesBoot>[2]) => {
      process.exitCode = await nodesBoot(name, device, options, out);
    });

  clientCommand(
    nodes
      .command('lifecycle')
      .description('move a node to another lifecycle state (allocated, ready, decommissioning…); refused unless the lifecycle allows that step')
      .argument('<name>', 'node name')
      .argument('<state>', 'enrolled, inventoried, configured, provisioning, ready, allocated, decommissioning or wiped'),
  )
    .requiredOption('--reason <text>', 'why, for the event log')
    .action(async (name: string, state: string, options: Parameters<typeof nodesLifecycle>[2]) => {
      process.exitCode = await nodesLifecycle(name, state, options, out);
    });

  clientCommand(
    nodes
      .command('decommission')
      .description('tear a node down to wiped: agent revoked, every disk erased by a network boot into the wipe image, host off, every layer to run again once reprovisioned; the wipe goes on in the background')
      .argument('<name>', 'node name'),
  )
    .requiredOption('--reason <text>', 'why, for the event log')
    .option('--wait', 'follow the wipe, a line per step, until the node is wiped (exit 0) or the wipe failed (exit 1)')
    .option('--timeout <seconds>', 'with --wait: give up after this long (the orchestrator itself gives up on a wipe after two hours)', '7800')
    .action(async (name: string, options: Parameters<typeof nodesDecommission>[1]) => {
      process.exitCode = await nodesDecommission(name, options, out);
    });
  clientCommand(nodes.command('reprovision').description("let a decommissioned node's layers run again").argument('<name>', 'node name')).action(
    async (name: string, options: Parameters<typeof nodesReprovision>[1]) => {
      process.exitCode = await nodesReprovision(name, options, out);
    },
  );

  clientCommand(drill.command('deploy').description('apply a deployment file (YAML): its attributes and role bindings in one commit').argument('<file>', 'deployment file'))
    .option('--wait', 'follow the deployment until every node-role is active or in error (exit 1 on error)')
    .option('--timeout <seconds>', 'with --wait: give up after this long', '3600')
    .action(async (file: string, options: Parameters<typeof deploy>[1]) => {
      process.exitCode = await deploy(file, options, out);
    });

  clientCommand(drill.command('events').description('print events after a sequence number; --follow streams live ones, resuming after a drop'))
    .option('--follow', 'keep streaming live events until interrupted')
    .option('--after <n>', 'start after this event sequence number', '0')
    .action(async (options: Parameters<typeof events>[0]) => {
      process.exitCode = await events(options, out, interrupted());
    });

  return drill;
}

// Output piped into `head` and the like: a closed pipe ends the command quietly, as it does for other tools.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

try {
  await program().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; usage errors were already printed as one line.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof CliError) {
    process.stderr.write(`drill: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`drill: ${message.split('\n').join('\n  ')}\n`);
    process.exitCode = 1;
  }
}
