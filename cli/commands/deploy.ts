import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { nodeRoleMove } from '../../orchestrator/index.js';
import { ApiClient } from '../client/api-client.js';
import { resolveConnection, type ConnectionOptions } from '../client/connection.js';
import { followEvents } from '../client/event-follower.js';
import { parseTimeoutS, withTimeout } from '../client/wait-timeout.js';
import { ProgressBar } from '../output/progress-bar.js';
import { CliError } from '../errors.js';

export interface DeployCliOptions extends ConnectionOptions {
  wait?: boolean;
  timeout: string;
  json?: boolean;
}

/** The file's own shape; the orchestrator validates the plan inside it field by field. */
const DeployFile = z
  .object({
    deployment: z.string({ error: 'deployment must be the deployment name — e.g. deployment: lab-ready' }),
    commit: z.unknown().optional(),
    attributes: z.unknown().optional(),
    bindings: z.unknown().refine((v) => v !== undefined, { error: 'bindings must list {role, nodes} — e.g. bindings: [{role: ntp, nodes: all}]' }),
  })
  .strict();

interface PlanResult {
  deployment: string;
  committed: boolean;
  created: string[];
  unchanged: number;
  notInPlan: string[];
}

interface NodeRoleView {
  id: string;
  state: { kind: string; message?: string };
}

export function readDeployFile(file: string): z.infer<typeof DeployFile> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'}) — pass a deployment file (YAML or JSON)`, 2);
  }
  const doc = parseDocument(text);
  const [yamlError] = doc.errors;
  if (yamlError) {
    const at = yamlError.linePos?.[0];
    throw new CliError(`${file}${at ? `:${at.line}:${at.col}` : ''}: ${yamlError.message.split('\n')[0]} — fix the YAML syntax there`, 2);
  }
  const parsed = DeployFile.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new CliError(
      parsed.error.issues
        .map((issue) => `${file}: ${issue.code === 'unrecognized_keys' ? `${issue.keys.join(', ')}: unknown field — remove it or check its spelling` : `${issue.path.join('.') || '(top)'}: ${issue.message}`}`)
        .join('\n'),
      2,
    );
  }
  return parsed.data;
}

const TERMINAL = new Set(['active', 'error']);

/**
 * Follows the deployment's node-roles until every one is active or in error
 * (or the time is up): the progress bar on a terminal, a line per node-role
 * that settles otherwise. Resolves to the node-roles in error.
 */
async function waitForDeployment(client: ApiClient, options: DeployCliOptions, deployment: string, afterSeq: number, out: (line: string) => void): Promise<string[]> {
  const timeoutS = parseTimeoutS(options.timeout);
  const states = new Map<string, string>();
  const errors = new Map<string, string>();
  const tty = process.stdout.isTTY === true && !options.json;
  const prefix = `${deployment}/`;
  let bar: ProgressBar | undefined;
  let resolveDone: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (resolveDone = resolve));
  const allSettled = () => [...states.values()].every((s) => TERMINAL.has(s));
  const note = (id: string, state: string, message?: string): void => {
    const before = states.get(id);
    states.set(id, state);
    if (state === 'error') errors.set(id, message ?? 'failed');
    if (TERMINAL.has(state) && !TERMINAL.has(before ?? '')) {
      if (bar) bar.tick(state === 'active');
      else if (!options.json) out(`${id.padEnd(40)} ${state}${state === 'error' ? `  ${message ?? ''}` : ''}`);
    }
    if (allSettled()) resolveDone();
  };
  const follower = followEvents(client.connection, {
    after: afterSeq,
    onEvent: (event) => {
      if (!event.subject.startsWith(prefix)) return;
      if (event.type === 'node-role.bound' && !states.has(event.subject)) states.set(event.subject, 'proposed');
      const move = nodeRoleMove(event);
      if (move) note(event.subject, move.to, move.message);
    },
  });
  try {
    const current = await client.call<NodeRoleView[]>('GET', `/api/v1/node-roles?deployment=${encodeURIComponent(deployment)}`);
    if (tty) {
      bar = new ProgressBar(current.length, (text) => void process.stdout.write(text), 'deploying');
      bar.draw();
    }
    for (const nr of current) note(nr.id, nr.state.kind, nr.state.message);
    if (current.length === 0) resolveDone();
    if ((await withTimeout(settled, timeoutS)) === 'timeout') {
      const pending = [...states].filter(([, s]) => !TERMINAL.has(s)).map(([id, s]) => `${id} (${s})`);
      throw new CliError(`deployment ${deployment} did not settle within ${timeoutS} s; still pending: ${pending.slice(0, 10).join(', ')}${pending.length > 10 ? ', …' : ''} — see drill events, or wait longer with --timeout`, 1);
    }
  } finally {
    follower.stop();
    bar?.end();
  }
  return [...errors].map(([id, message]) => `${id}: ${message}`);
}

/**
 * `drill deploy FILE`: applies a deployment file in one commit (the
 * orchestrator reports every problem of it at once and applies nothing then),
 * and with --wait follows it until it converges. Exit 1 when a node-role ends
 * in error.
 */
export async function deploy(file: string, options: DeployCliOptions, out: (line: string) => void): Promise<number> {
  const { deployment, ...plan } = readDeployFile(file);
  const client = new ApiClient(resolveConnection(options));
  const { seq } = await client.call<{ seq: number }>('GET', '/api/v1/events/latest');
  const result = await client.call<PlanResult>('PUT', `/api/v1/deployments/${encodeURIComponent(deployment)}/plan`, plan);
  if (!options.json) {
    out(`deployment ${result.deployment}: ${result.created.length} node-roles bound, ${result.unchanged} already there${result.committed ? '' : ' (not committed: the annealer leaves it alone)'}`);
    if (result.notInPlan.length > 0) out(`note: ${result.notInPlan.length} node-roles of ${deployment} are not in ${file} and stay as they are: ${result.notInPlan.slice(0, 5).join(', ')}${result.notInPlan.length > 5 ? ', …' : ''}`);
  }
  const errors = options.wait && result.committed ? await waitForDeployment(client, options, deployment, seq, out) : [];
  if (options.json) out(JSON.stringify({ ...result, ...(options.wait ? { errors } : {}) }, null, 2));
  else if (options.wait) out(errors.length === 0 ? `deployment ${deployment} converged` : `deployment ${deployment}: ${errors.length} node-roles in error:\n${errors.map((e) => `  ${e}`).join('\n')}`);
  return errors.length === 0 ? 0 : 1;
}
