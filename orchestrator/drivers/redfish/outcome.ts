import type { OperationOutcome } from '../bmc-driver.js';
import type { Reply } from './classify.js';
import { odataId, pathOf } from './payload.js';
import type { Ctx } from './service.js';
import { awaitAccepted } from './task-monitor.js';

/** A BMC job named by a `Location` (Dell: `…/Jobs/JID_123`); field note peer 12. */
export function jobFrom(location: string | undefined): { jobId: string; jobUri: string } | undefined {
  const match = location === undefined ? null : /\/Jobs\/([^/?#]+)\/?$/.exec(location);
  return match === null || location === undefined ? undefined : { jobId: decodeURIComponent(match[1]!), jobUri: location };
}

/**
 * What a create/delete answer means: a job to track, a change that waits for a
 * reset (`applyTime` OnReset), or done — after waiting for a 202 task.
 */
export async function outcomeOf(ctx: Ctx, reply: Reply, what: string, applyTime: string | undefined, signal?: AbortSignal): Promise<OperationOutcome> {
  const job = jobFrom(pathOf(reply.headers['location']));
  if (job !== undefined) return { kind: 'job', jobId: job.jobId };
  await awaitAccepted(ctx.client, ctx.cfg, reply, what, signal);
  const id = reply.status === 201 ? (pathOf(reply.headers['location']) ?? odataId(reply.body)) : undefined;
  const created = id === undefined ? {} : { id };
  return applyTime === 'OnReset' || applyTime === 'InMaintenanceWindowOnReset' ? { kind: 'on-reset', ...created } : { kind: 'done', ...created };
}
