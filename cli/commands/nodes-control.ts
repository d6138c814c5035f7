import { ApiClient } from '../client/api-client.js';
import { resolveConnection, type ConnectionOptions } from '../client/connection.js';
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

/** `drill nodes decommission NAME --reason TEXT`: agent revoked, disks wiped, host off, every layer to run again; the node waits, paused. */
export async function nodesDecommission(name: string, options: ControlOptions & { reason: string }, out: (line: string) => void): Promise<number> {
  const answer = await new ApiClient(resolveConnection(options)).call<{ name: string; lifecycle: string }>('POST', `/api/v1/nodes/${encodeURIComponent(name)}/decommission`, { reason: options.reason });
  out(options.json ? JSON.stringify(answer) : `${answer.name}: ${answer.lifecycle}, disks erased (paused; \`drill nodes reprovision ${answer.name}\` builds it up again)`);
  return 0;
}

/** `drill nodes reprovision NAME`: a decommissioned node's layers run again. */
export async function nodesReprovision(name: string, options: ControlOptions, out: (line: string) => void): Promise<number> {
  const answer = await new ApiClient(resolveConnection(options)).call<{ name: string; lifecycle: string }>('POST', `/api/v1/nodes/${encodeURIComponent(name)}/reprovision`);
  out(options.json ? JSON.stringify(answer) : `${answer.name}: ${answer.lifecycle}, reprovisioning`);
  return 0;
}
