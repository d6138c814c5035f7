import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApiClient } from '../client/api-client.js';
import { resolveConnection, type ConnectionOptions } from '../client/connection.js';
import { followEvents } from '../client/event-follower.js';
import { ProgressBar } from '../output/progress-bar.js';
import { CliError } from '../errors.js';

export interface EnrollCliOptions extends ConnectionOptions {
  file?: string;
  user: string;
  passwordEnv: string;
  protocol: string;
  concurrency: string;
  json?: boolean;
}

type Result =
  | { ok: true; address: string; port: number; node: string; protocol: string; manufacturer: string; model: string; firmwareVersion: string }
  | { ok: false; address: string; port?: number; reason: string; message: string };

interface Answer {
  batch: string;
  enrolled: number;
  failed: number;
  results: Result[];
}

/** Addresses from the arguments and a list file (one per line; blank lines and `#` comments skipped). */
function addressesOf(args: readonly string[], file: string | undefined): string[] {
  const fromFile = file === undefined ? [] : readList(file);
  const all = [...args, ...fromFile];
  if (all.length === 0) throw new CliError('no BMC addresses — give them as arguments or with --file LIST', 2);
  return all;
}

function readList(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`--file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}) — pass a file with one BMC address per line`, 2);
  }
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
}

function line(result: Result): string {
  const where = result.port === undefined ? result.address : `${result.address}:${result.port}`;
  return result.ok
    ? `${where.padEnd(21)} ok      ${result.protocol.padEnd(8)} ${result.manufacturer} ${result.model} (firmware ${result.firmwareVersion}) → ${result.node}`
    : `${where.padEnd(21)} failed  ${result.reason.padEnd(8)} ${result.message}`;
}

/**
 * `drill nodes enroll`: asks the orchestrator to enroll BMCs. On a terminal a
 * progress bar follows the batch's events as they stream in; otherwise one
 * plain line per BMC. Exit 1 when any BMC failed.
 */
export async function nodesEnroll(args: readonly string[], options: EnrollCliOptions, out: (line: string) => void): Promise<number> {
  const addresses = addressesOf(args, options.file);
  const password = process.env[options.passwordEnv];
  if (password === undefined) throw new CliError(`$${options.passwordEnv} is not set — export the BMC password in it (or name another variable with --password-env)`, 2);
  const concurrency = Number(options.concurrency);
  if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 256)) throw new CliError(`--concurrency: ${JSON.stringify(options.concurrency)} is not a whole number from 1 to 256`, 2);
  if (!['auto', 'redfish', 'ipmi'].includes(options.protocol)) throw new CliError(`--protocol: ${JSON.stringify(options.protocol)} — use auto, redfish or ipmi`, 2);
  const connection = resolveConnection(options);
  const client = new ApiClient(connection);
  const batch = `cli-${randomBytes(6).toString('hex')}`;
  const tty = process.stdout.isTTY === true && !options.json;
  let follower: ReturnType<typeof followEvents> | undefined;
  let bar: ProgressBar | undefined;
  if (tty) {
    const { seq } = await client.call<{ seq: number }>('GET', '/api/v1/events/latest');
    bar = new ProgressBar(addresses.length, (text) => void process.stdout.write(text), 'enrolling');
    bar.draw();
    const progress = bar;
    follower = followEvents(connection, {
      after: seq,
      onEvent: (event) => {
        if (event.data['batch'] !== batch) return;
        if (event.type === 'node.inventoried' || event.type === 'node.reinventoried') progress.tick(true);
        else if (event.type === 'node.enroll-failed') progress.tick(false);
      },
    });
  }
  let answer: Answer;
  try {
    answer = await client.call<Answer>('POST', '/api/v1/nodes/enroll', {
      addresses,
      credentials: { username: options.user, password },
      protocol: options.protocol,
      concurrency,
      batch,
    });
  } finally {
    follower?.stop();
    bar?.end();
  }
  if (options.json) {
    out(JSON.stringify(answer, null, 2));
  } else {
    // On a terminal the bar showed the successes; list only what needs attention then.
    for (const result of answer.results) if (!tty || !result.ok) out(line(result));
    out(`${answer.enrolled} enrolled, ${answer.failed} failed (batch ${answer.batch})`);
  }
  return answer.failed === 0 ? 0 : 1;
}
