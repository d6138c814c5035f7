#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { simDemo } from './commands/sim-demo.js';
import { traceDiff } from './commands/trace-diff.js';
import { twinSchema } from './commands/twin-schema.js';
import { twinServe } from './commands/twin-serve.js';
import { twinValidate } from './commands/twin-validate.js';
import { CliError } from './errors.js';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const out = (line: string): void => void process.stdout.write(`${line}\n`);

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
      const stop = new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      process.exitCode = await twinServe(file, options, out, stop);
    });
  twin
    .command('schema')
    .description("print the datacenter spec's JSON Schema (scenarios/datacenters/datacenter.schema.json)")
    .action(() => {
      process.exitCode = twinSchema((text) => void process.stdout.write(text));
    });

  return drill;
}

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
