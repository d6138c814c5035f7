import { z } from 'zod';
import { AgentError, Resource, type AgentHub } from '../agent/index.js';
import { ApiError, type ApiContext, type Route } from './route.js';

/**
 * The agent API (docs/provisioning.md "Agent API"): node agents fetch work
 * items and post results with their node's agent token, never an operator's.
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const WorkItemView = z.object({
  id: z.string(),
  nodeRole: z.string(),
  attempt: z.number(),
  resources: z.array(Resource),
  shell: z.string(),
  shellBase64: z.string(),
});

export const AgentResultInput = z
  .object({
    exitStatus: z.number({ error: 'exitStatus must be the shell exit status — e.g. 0' }).int().min(0, { error: 'exitStatus must be 0–255' }).max(255, { error: 'exitStatus must be 0–255' }),
    changed: z.boolean({ error: 'changed must be true or false — whether any "drill: changed" line was printed' }),
    output: z.string({ error: 'output must be a string — the last 64 KiB the shell printed' }).optional(),
    outputBase64: z.string({ error: 'outputBase64 must be a base64 string' }).regex(BASE64, { error: 'outputBase64 must be base64 — e.g. from `base64 | tr -d "\\n"`' }).optional(),
  })
  .strict()
  .refine((r) => (r.output === undefined) !== (r.outputBase64 === undefined), { error: 'give exactly one of output and outputBase64 — the output as text, or base64 for an agent without a JSON encoder' });

/** The longest an agent's poll is held: well inside common proxy and load-balancer idle timeouts. */
const MAX_POLL_WAIT_S = 55;

const AgentPollQuery = z
  .object({
    waitS: z.coerce
      .number({ error: `waitS must be a number of seconds — e.g. waitS=25` })
      .int({ error: 'waitS must be a whole number of seconds' })
      .min(0, { error: 'waitS must be ≥ 0' })
      .max(MAX_POLL_WAIT_S, { error: `waitS must be ≤ ${MAX_POLL_WAIT_S} — poll again after the answer` })
      .default(0),
  })
  .strict();

/** The hub that authenticated the request: the mount answers 503 for `auth: 'agent'` routes of an API without one. */
function hub(ctx: ApiContext): AgentHub {
  return ctx.agents!;
}

export const AGENT_ROUTES: readonly Route[] = [
  {
    method: 'get',
    path: '/api/v1/agent/work',
    summary:
      "A node agent's next work item (200), or 204 with Retry-After when there is none; with waitS, held up to that many seconds for one (then Retry-After: 0, poll again at once); every call is the agent's heartbeat",
    auth: 'agent',
    query: AgentPollQuery,
    response: WorkItemView,
    status: 200,
    handle: async (ctx, { agentNode, query, signal }) => {
      const agents = hub(ctx);
      const { waitS } = query as z.infer<typeof AgentPollQuery>;
      const item = await agents.poll(agentNode!, { waitMs: waitS * 1000, ...(signal ? { signal } : {}) });
      if (item) return { status: 200, body: item };
      // A poll that was held has waited already: the agent asks again at once rather than after the poll interval.
      return { status: 204, body: undefined, headers: { 'Retry-After': String(waitS > 0 ? 0 : agents.pollIntervalS) } };
    },
  },
  {
    method: 'post',
    path: '/api/v1/agent/work/{id}/result',
    summary: "A node agent's result for a work item it was given: exit status, output (text or base64) and whether it changed anything",
    auth: 'agent',
    body: AgentResultInput,
    response: z.null(),
    status: 204,
    handle: async (ctx, { params, body, agentNode }) => {
      const input = body as z.infer<typeof AgentResultInput>;
      const output = input.output ?? Buffer.from(input.outputBase64!, 'base64').toString('utf8');
      try {
        hub(ctx).complete(agentNode!.value.name, params.id!, { exitStatus: input.exitStatus, output, changed: input.changed });
      } catch (error) {
        if (error instanceof AgentError && error.code === 'AGENT_NOT_OUTSTANDING') {
          throw new ApiError(409, error.message, 'the orchestrator stopped waiting for it (its run was cancelled or timed out): fetch new work');
        }
        throw error;
      }
      return { status: 204, body: undefined };
    },
  },
];
