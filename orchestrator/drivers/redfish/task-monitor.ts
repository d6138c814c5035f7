/**
 * 202 Accepted → wait for the task, polling its monitor on the injected clock,
 * bounded by the task timeout and a poll count. Survives what BMCs do to tasks:
 * a transient 404 while the job is created (field note 4), tasks that start in
 * `New` (FN 8), monitors purged or deleted by the read that finds them done
 * (FN 8, FN 22), `…/Monitor` locations (FN 35), no monitor at all (FN 18), and a
 * finished "task" that is plain JSON (FN 31).
 */
import { BmcBadRequestError, BmcBusyError } from '../errors.js';
import { classify, isSuccess, replyMessages, type Reply } from './classify.js';
import type { RedfishClient } from './client.js';
import type { ResolvedConfig } from './config.js';
import { isObject, messageLine, optString, pathOf, type JsonObject } from './payload.js';

export interface TaskResult {
  /** `verified`: the BMC said it completed; `unverified`: it vanished before saying (check the effect). */
  readonly state: 'verified' | 'unverified';
  /** The Task resource or final answer, when the BMC gave one. */
  readonly body: JsonObject | undefined;
  readonly taskUri: string | undefined;
}

const FAILED = new Set(['Exception', 'Killed', 'Cancelled']);
/** Not-found answers tolerated before the monitor has been seen once. */
const EARLY_404_LIMIT = 3;

function isTask(body: unknown): body is JsonObject {
  return isObject(body) && typeof body['TaskState'] === 'string';
}

/** Waits for the work behind `reply` when it is a 202; other successes pass through. */
export async function awaitAccepted(client: RedfishClient, cfg: ResolvedConfig, reply: Reply, what: string, signal?: AbortSignal): Promise<TaskResult> {
  const body = isObject(reply.body) ? reply.body : undefined;
  if (reply.status !== 202) return { state: 'verified', body, taskUri: undefined };
  const bodyTaskUri = isTask(body) ? optString(body, '@odata.id') : undefined;
  const monitor = pathOf(reply.headers['location']) ?? pathOf(optString(body, '@odata.id'));
  if (monitor === undefined) return { state: 'unverified', body, taskUri: undefined }; // FN 18: nothing to track
  const taskUri = bodyTaskUri ?? monitor.replace(/\/Monitor\/?$/, '');
  const deadline = cfg.clock.now() + cfg.taskTimeoutMs;
  const maxPolls = Math.ceil(cfg.taskTimeoutMs / Math.max(1, Math.min(cfg.taskPollIntervalMs, 1_000))) + 2;
  let retryAfter = reply.headers['retry-after'];
  let seen = false;
  let early404 = 0;
  for (let poll = 0; poll < maxPolls; poll++) {
    const remaining = deadline - cfg.clock.now();
    if (remaining <= 0) break;
    const hinted = Number(retryAfter) * 1000;
    const waitMs = Math.min(remaining, Number.isFinite(hinted) && hinted > 0 ? Math.min(hinted, 60_000) : cfg.taskPollIntervalMs);
    await cfg.clock.sleep(waitMs, signal);
    const r = await client.exchange('GET', monitor, { signal });
    retryAfter = r.headers['retry-after'];
    if (r.status === 404 || r.status === 410) {
      if (!seen && early404 < EARLY_404_LIMIT) {
        early404++;
        continue;
      }
      return await afterVanished(client, taskUri, monitor, what, signal);
    }
    if (!isSuccess(r.status)) throw classify(client.bmc, `${what} (polling task ${monitor})`, r);
    seen = true;
    const outcome = judge(client.bmc, r, what, taskUri);
    if (outcome !== undefined) return outcome;
  }
  throw new BmcBusyError(client.bmc, `Failed to ${what}: task ${taskUri} still running after ${cfg.taskTimeoutMs} ms — poll it later or raise taskTimeoutMs`);
}

/** undefined while running; the result when done; throws when the task failed. */
function judge(bmc: string, r: Reply, what: string, taskUri: string): TaskResult | undefined {
  const body = isObject(r.body) ? r.body : undefined;
  if (!isTask(body)) return r.status === 202 ? undefined : { state: 'verified', body, taskUri };
  const state = optString(body, 'TaskState') ?? '';
  const status = optString(body, 'TaskStatus');
  if (FAILED.has(state) || (state === 'Completed' && status === 'Critical')) {
    const messages = replyMessages(r);
    throw new BmcBadRequestError(bmc, `Failed to ${what}: task ${taskUri} ended ${state}${status === undefined ? '' : `/${status}`}${messages.length > 0 ? ` — ${messageLine(messages)}` : ''}`);
  }
  // New, Starting, Running, Pending, Suspended, Stopping, …: keep polling.
  if (state !== 'Completed') return undefined;
  return { state: 'verified', body, taskUri };
}

/** The monitor is gone: read the task itself once; if that is gone too, the outcome is unknown. */
async function afterVanished(client: RedfishClient, taskUri: string, monitor: string, what: string, signal?: AbortSignal): Promise<TaskResult> {
  if (taskUri !== monitor) {
    const r = await client.exchange('GET', taskUri, { signal });
    if (isSuccess(r.status)) {
      const outcome = judge(client.bmc, r, what, taskUri);
      if (outcome !== undefined) return outcome;
    }
  }
  return { state: 'unverified', body: undefined, taskUri };
}
