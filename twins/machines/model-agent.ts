import type { Clock, FaultInjector, Random } from '../../sim/index.js';
import { planResource } from './apply-resource.js';
import type { MachineHttp, MachineReply } from './machine-http.js';
import type { ModelOs } from './model-os.js';
import { drawDuration, type MachineTimings } from './timings.js';
import { parseWorkItem, type WorkItem } from './work-item.js';

/** What the agent did, as machine events report it. */
export type AgentActivity =
  | { readonly kind: 'started'; readonly api: string }
  | { readonly kind: 'work'; readonly id: string; readonly nodeRole: string; readonly exitStatus: number; readonly changed: boolean }
  | { readonly kind: 'backoff'; readonly delayMs: number; readonly reason: string }
  | { readonly kind: 'exited'; readonly reason: string }
  | { readonly kind: 'crashed'; readonly fault: string };

export interface ModelAgentOptions {
  readonly os: ModelOs;
  readonly clock: Clock;
  /** The agent's own stream: backoff jitter and modelled durations. */
  readonly random: Random;
  readonly faults: FaultInjector | undefined;
  /** `node:<name>`: where `agent-crash` and `package-fail` strike. */
  readonly faultTarget: string;
  readonly http: MachineHttp;
  readonly timings: MachineTimings;
  readonly report: (activity: AgentActivity) => void;
}

const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;
const IDLE_DEFAULT_MS = 10_000;
const IDLE_MAX_MS = 3_600_000;
/** How long the agent asks the API to hold a poll when it has no work (at most half the request timeout). */
const POLL_WAIT_S = 20;
/** Tries to post one result before leaving it to the orchestrator's lease. */
const RESULT_TRIES = 10;
/** The API keeps the last 64 KiB of output. */
const OUTPUT_MAX_CHARS = 64 * 1024;

type Poll = { readonly kind: 'item'; readonly body: unknown } | { readonly kind: 'idle'; readonly waitMs: number } | { readonly kind: 'gone' } | { readonly kind: 'unavailable'; readonly reason: string };

/**
 * The node agent of docs/provisioning.md, modelled: it polls the agent API
 * with its token over HTTPS (trusting the CA from the install plan), asking
 * the API to hold each poll until there is work (a long poll), applies
 * each work item's resources to the model OS with modelled durations, posts
 * the result, and repeats. It backs off 1 s → 60 s with jitter while the API
 * is unreachable or answers 5xx, and exits on 401. `agent-crash` stops it until
 * the OS boots again. Resolves when it exits or crashes; rejects when `signal`
 * aborts (the machine lost power).
 */
export class ModelAgent {
  private readonly api: string;
  private failures = 0;

  constructor(private readonly options: ModelAgentOptions) {
    this.api = options.os.agent.api.replace(/\/+$/, '');
  }

  async run(signal: AbortSignal): Promise<void> {
    const { faults, faultTarget, report } = this.options;
    report({ kind: 'started', api: this.api });
    for (;;) {
      const crash = faults?.strike(faultTarget, ['agent-crash']);
      if (crash) return report({ kind: 'crashed', fault: crash.id });
      const poll = await this.poll(signal);
      switch (poll.kind) {
        case 'gone':
          return report({ kind: 'exited', reason: 'the agent API answered 401: the token is gone (node decommissioned)' });
        case 'unavailable':
          await this.backOff(poll.reason, signal);
          break;
        case 'idle':
          this.failures = 0;
          await this.options.clock.sleep(poll.waitMs, signal);
          break;
        case 'item': {
          this.failures = 0;
          const parsed = parseWorkItem(poll.body);
          if (parsed.ok) {
            if (!(await this.postResult(parsed.item.id, await this.apply(parsed.item, signal), signal))) return;
          } else if (parsed.id !== undefined) {
            if (!(await this.postResult(parsed.id, { exitStatus: 2, output: `drill model agent: malformed work item\n${parsed.problems.join('\n')}\n`, changed: false }, signal))) return;
          } else {
            await this.backOff(`malformed work item: ${parsed.problems.join('; ')}`, signal);
          }
        }
      }
    }
  }

  private async request(method: 'GET' | 'POST', path: string, signal: AbortSignal, body?: unknown): Promise<MachineReply | string> {
    const { os, http, timings } = this.options;
    try {
      return await http({
        method,
        url: `${this.api}${path}`,
        headers: { authorization: `Bearer ${os.agent.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        caPem: os.agent.caCertificatePem,
        timeoutMs: timings.requestTimeoutMs,
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      return error instanceof Error ? error.message : String(error);
    }
  }

  private async poll(signal: AbortSignal): Promise<Poll> {
    const waitS = Math.min(POLL_WAIT_S, Math.floor(this.options.timings.requestTimeoutMs / 2_000));
    const reply = await this.request('GET', `/api/v1/agent/work?waitS=${waitS}`, signal);
    if (typeof reply === 'string') return { kind: 'unavailable', reason: reply };
    if (reply.status === 401) return { kind: 'gone' };
    if (reply.status === 204) {
      // Retry-After: 0 follows a poll the API held: ask again at once.
      const retryAfter = reply.headers['retry-after'];
      const seconds = retryAfter === undefined || retryAfter.trim() === '' ? Number.NaN : Number(retryAfter);
      const waitMs = Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds * 1000, IDLE_MAX_MS) : IDLE_DEFAULT_MS;
      return { kind: 'idle', waitMs };
    }
    if (reply.status !== 200) return { kind: 'unavailable', reason: `GET /api/v1/agent/work answered ${reply.status}` };
    try {
      return { kind: 'item', body: JSON.parse(reply.body) as unknown };
    } catch {
      return { kind: 'unavailable', reason: 'GET /api/v1/agent/work answered 200 with a body that is not JSON' };
    }
  }

  private async backOff(reason: string, signal: AbortSignal): Promise<void> {
    const baseMs = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.failures);
    this.failures = Math.min(this.failures + 1, 16);
    // Equal jitter: between half and all of the step, so a fleet does not retry in lockstep.
    const delayMs = Math.round(baseMs / 2 + (this.options.random.float() * baseMs) / 2);
    this.options.report({ kind: 'backoff', delayMs, reason });
    await this.options.clock.sleep(delayMs, signal);
  }

  private async apply(item: WorkItem, signal: AbortSignal): Promise<{ exitStatus: number; output: string; changed: boolean }> {
    const { os, clock, random, timings, faults, faultTarget } = this.options;
    const changedPaths = new Set<string>();
    const packageFails = (name: string): boolean => faults?.strike(faultTarget, ['package-fail'], (f) => 'params' in f && f.params?.package === name) !== undefined;
    const lines: string[] = [];
    let changed = false;
    let exitStatus = 0;
    for (const resource of item.resources) {
      const step = planResource(os, resource, { changedPaths, packageFails });
      if (step.timing !== undefined) await clock.sleep(drawDuration(random, timings[step.timing]), signal);
      const outcome = step.apply();
      lines.push(...outcome.lines);
      changed ||= outcome.changed;
      if (outcome.exitStatus !== undefined) {
        exitStatus = outcome.exitStatus;
        break;
      }
    }
    if (exitStatus === 0 && !changed) lines.push('drill: unchanged');
    const output = `${lines.join('\n')}\n`;
    this.options.report({ kind: 'work', id: item.id, nodeRole: item.nodeRole, exitStatus, changed });
    return { exitStatus, output: output.slice(-OUTPUT_MAX_CHARS), changed };
  }

  /** False when the agent must exit (401). A 409 means the item is no longer ours: moving on is right. */
  private async postResult(id: string, result: { exitStatus: number; output: string; changed: boolean }, signal: AbortSignal): Promise<boolean> {
    for (let attempt = 1; attempt <= RESULT_TRIES; attempt++) {
      const reply = await this.request('POST', `/api/v1/agent/work/${encodeURIComponent(id)}/result`, signal, result);
      if (typeof reply !== 'string' && reply.status === 401) {
        this.options.report({ kind: 'exited', reason: 'the agent API answered 401: the token is gone (node decommissioned)' });
        return false;
      }
      if (typeof reply !== 'string' && reply.status < 500) {
        this.failures = 0;
        return true;
      }
      await this.backOff(typeof reply === 'string' ? reply : `POST result answered ${reply.status}`, signal);
    }
    return true;
  }
}
