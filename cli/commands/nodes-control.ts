import { ApiClient } from '../client/api-client.js';
import { resolveConnection, type ConnectionOptions } from '../client/connection.js';
import { followEvents, type StreamedEvent } from '../client/event-follower.js';
import { parseTimeoutS, withTimeout } from '../client/wait-timeout.js';
import { CliError } from '../errors.js';

export interface ControlOptions extends ConnectionOptions {
  json?: boolean;
}

const POWER = ['on', 'off', 'cycle', 'restart', 'graceful'] as const;
const BOOT = ['pxe', 'disk', 'cd', 'bios'] as const;

/** `drill nodes power NAME on|off|cycle|restart|graceful`. */
export async function nodesPower(name: string, action: string, options: ControlOptions, out: (line: string) => void): Promise<number> {
  if (!(POWER as readonly string[]).includes(action)) throw new CliError(`power action ${JSON.stringify(action)} — use one of ${POWER.join(', ')}`, 2);
  const answer = await new ApiClient(resolveConnection(options)).call<{ name: string; action: string; resetType: string }>('POST', `/api/v1/nodes/${encodeURIComponent(name)}/power`, { action });
  out(options.json ? JSON.stringify(answer) : `${answer.name}: power ${answer.action} sent (${answer.resetType})`);
  return 0;
}

/** `drill nodes boot NAME pxe|disk|cd|bios [--persistent] [--legacy]`. */
export async function nodesBoot(name: string, device: string, options: ControlOptions & { persistent?: boolean; legacy?: boolean }, out: (line: string) => void): Promise<number> {
  if (!(BOOT as readonly string[]).includes(device)) throw new CliError(`boot device ${JSON.stringify(device)} — use one of ${BOOT.join(', ')}`, 2);
  const body = { device, persistent: options.persistent === true, mode: options.legacy ? 'legacy' : 'uefi' };
  const answer = await new ApiClient(resolveConnection(options)).call<typeof body & { name: string }>('PUT', `/api/v1/nodes/${encodeURIComponent(name)}/boot`, body);
  out(options.json ? JSON.stringify(answer) : `${answer.name}: boot from ${answer.device} ${answer.persistent ? 'on every boot' : 'on the next boot'} (${answer.mode})`);
  return 0;
}

/** `drill nodes lifecycle NAME STATE --reason TEXT`: allocate, release, decommission… by hand. */
export async function nodesLifecycle(name: string, to: string, options: ControlOptions & { reason: string }, out: (line: string) => void): Promise<number> {
  const answer = await new ApiClient(resolveConnection(options)).call<{ name: string; lifecycle: string }>('POST', `/api/v1/nodes/${encodeURIComponent(name)}/lifecycle`, { to, reason: options.reason });
  out(options.json ? JSON.stringify(answer) : `${answer.name}: ${answer.lifecycle}`);
  return 0;
}

export interface DecommissionCliOptions extends ControlOptions {
  reason: string;
  wait?: boolean;
  timeout: string;
}

/**
 * `drill nodes decommission NAME --reason TEXT [--wait]`: the orchestrator
 * commits the decision and wipes the node in the background (agent revoked,
 * disks erased, host off, every layer to run again; the node waits, paused).
 * With --wait, follows the node's events until the wipe ends: exit 0 once it
 * is wiped, 1 when it failed or the time is up.
 */
export async function nodesDecommission(name: string, options: DecommissionCliOptions, out: (line: string) => void): Promise<number> {
  const client = new ApiClient(resolveConnection(options));
  const decommission = () => client.call<{ name: string; lifecycle: string }>('POST', `/api/v1/nodes/${encodeURIComponent(name)}/decommission`, { reason: options.reason });
  if (!options.wait) {
    const answer = await decommission();
    out(options.json ? JSON.stringify(answer) : `${answer.name}: ${answer.lifecycle}, wipe started; it ends with node.lifecycle → wiped, or node.decommission-failed — follow it with \`drill events --follow\``);
    return 0;
  }
  const timeoutS = parseTimeoutS(options.timeout);
  // Read before asking, so that following from it misses none of the wipe's events.
  const { seq } = await client.call<{ seq: number }>('GET', '/api/v1/events/latest');
  const answer = await decommission();
  await followWipe(client, answer.name, seq, timeoutS, options.json === true, out);
  if (!options.json) out(`${answer.name}: wiped, disks erased (paused; \`drill nodes reprovision ${answer.name}\` builds it up again)`);
  return 0;
}

/** A line for each step of a wipe the operator follows; undefined for the node's other events. */
function wipeStep(event: StreamedEvent): string | undefined {
  switch (event.type) {
    case 'node.lifecycle':
      return `${String(event.data['from'])} → ${String(event.data['to'])}`;
    case 'node.wipe-boot':
      return `network-booted into the wipe image (power ${String(event.data['power'])})`;
    case 'node.wiped':
      return 'the wipe image reported';
    case 'node.boot-override-cleared':
      return 'boot override cleared';
    case 'node.powered-off':
      return `powered off (${String(event.data['reason'])})`;
    case 'node.decommission-failed':
      return `failed: ${String(event.data['message'])}`;
    default:
      return undefined;
  }
}

/** Follows `node`'s events after `after` until its wipe ends; throws when it failed or `timeoutS` passed first. */
async function followWipe(client: ApiClient, node: string, after: number, timeoutS: number, json: boolean, out: (line: string) => void): Promise<void> {
  let end: (failure: string | undefined) => void = () => undefined;
  const ended = new Promise<string | undefined>((resolve) => (end = resolve));
  const follower = followEvents(client.connection, {
    after,
    onEvent: (event) => {
      if (event.subject !== node) return;
      const step = wipeStep(event);
      if (step === undefined) return;
      out(json ? JSON.stringify(event) : `${node}: ${step}`);
      if (event.type === 'node.decommission-failed') end(String(event.data['message']));
      else if (event.type === 'node.lifecycle' && event.data['to'] === 'wiped') end(undefined);
    },
  });
  try {
    const failure = await withTimeout(ended, timeoutS);
    if (failure === 'timeout') {
      throw new CliError(`${node}: its wipe did not end within ${timeoutS} s (it goes on; the node stays decommissioning until it does) — follow it with drill events --follow, or wait longer with --timeout`, 1);
    }
    if (failure !== undefined) throw new CliError(failure, 1);
  } finally {
    follower.stop();
  }
}

/** `drill nodes reprovision NAME`: a decommissioned node's layers run again. */
export async function nodesReprovision(name: string, options: ControlOptions, out: (line: string) => void): Promise<number> {
  const answer = await new ApiClient(resolveConnection(options)).call<{ name: string; lifecycle: string }>('POST', `/api/v1/nodes/${encodeURIComponent(name)}/reprovision`);
  out(options.json ? JSON.stringify(answer) : `${answer.name}: ${answer.lifecycle}, reprovisioning`);
  return 0;
}
