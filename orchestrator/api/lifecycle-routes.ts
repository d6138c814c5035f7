import type { z } from 'zod';
import { LifecycleTransitionError, TeardownError, transitionNode } from '../lifecycle/index.js';
import type { NodeRecord, Versioned } from '../store/index.js';
import { ApiError, type ApiContext, type NodeTeardown, type Route } from './route.js';
import * as S from './schemas.js';
import { nodeView } from './views.js';

/** Moving a node along its lifecycle by hand: allocate, release, decommission, mark configured. */
export const LIFECYCLE_ROUTES: readonly Route[] = [
  {
    method: 'post',
    path: '/api/v1/nodes/{name}/lifecycle',
    summary: "Move a node to another lifecycle state (allocate, release, decommission…); refused unless the lifecycle graph has that step",
    auth: true,
    body: S.LifecycleInput,
    response: S.Node,
    status: 200,
    handle: async (ctx, { params, body }) => {
      const input = body as z.infer<typeof S.LifecycleInput>;
      const stored = await existingNode(ctx, params.name!);
      try {
        const { value, event } = transitionNode(stored.value, input.to, input.reason);
        const result = await ctx.store.commit([{ kind: 'node', value, expectedVersion: stored.version }], [event]);
        return { status: 200, body: nodeView({ value, version: result.versions.get(`node:${value.name}`)! }) };
      } catch (error) {
        if (error instanceof LifecycleTransitionError) throw new ApiError(409, error.message, `GET /api/v1/nodes/${params.name!} shows where it is`, 'to');
        throw error;
      }
    },
  },
  {
    method: 'post',
    path: '/api/v1/nodes/{name}/decommission',
    summary:
      'Start tearing a node down to wiped: every node-role on it back to proposed, agent revoked, every disk erased by a network boot into the wipe image, boot override cleared, host off; the node stays paused until reprovisioned',
    accepted:
      'Accepted: the decision is committed and the node (as returned) is decommissioning; the wipe goes on in the background, minutes to hours. Its end is an event on GET /api/v1/events/stream: node.lifecycle to wiped, or node.decommission-failed with the message (decommission it again to start over)',
    auth: true,
    body: S.DecommissionInput,
    response: S.Node,
    status: 202,
    handle: async (ctx, { params, body }) => {
      const node = await existingNode(ctx, params.name!);
      if (node.value.lifecycle === undefined) throw new ApiError(409, `node ${node.value.name} was never enrolled, so there is nothing to tear down`, 'enroll its BMC first');
      await teardown(ctx)
        .decommission(node.value.name, (body as z.infer<typeof S.DecommissionInput>).reason)
        .catch((error: unknown) => {
          throw teardownFailure(error);
        });
      return { status: 202, body: nodeView(await existingNode(ctx, node.value.name)) };
    },
  },
  {
    method: 'post',
    path: '/api/v1/nodes/{name}/reprovision',
    summary: "Let a decommissioned (paused) node's layers run again, up to where its deployments say",
    auth: true,
    response: S.Node,
    status: 200,
    handle: async (ctx, { params }) => {
      const node = await existingNode(ctx, params.name!);
      await teardown(ctx)
        .reprovision(node.value.name)
        .catch((error: unknown) => {
          throw teardownFailure(error);
        });
      return { status: 200, body: nodeView(await existingNode(ctx, node.value.name)) };
    },
  },
];

async function existingNode(ctx: ApiContext, name: string): Promise<Versioned<NodeRecord>> {
  const stored = (await ctx.store.nodes()).get(name);
  if (!stored) throw new ApiError(404, `node ${name} does not exist`, 'list them with GET /api/v1/nodes');
  return stored;
}

function teardown(ctx: ApiContext): NodeTeardown {
  if (!ctx.teardown) throw new ApiError(503, 'this orchestrator cannot tear nodes down', 'run the API from `drill serve`, which wires the BMC drivers and the provisioner');
  return ctx.teardown;
}

/** What a refused decommission or reprovision answers; a wipe's own failures come later, as node.decommission-failed events. */
const TEARDOWN_STATUS: Readonly<Partial<Record<TeardownError['code'], number>>> = {
  TEARDOWN_UNKNOWN_NODE: 404,
  TEARDOWN_NO_BMC: 409,
  TEARDOWN_UNFINISHED: 409,
  TEARDOWN_UNDER_WAY: 409,
  TEARDOWN_NO_BOOT_SERVER: 503,
  TEARDOWN_STOPPED: 503,
};

/** A refused teardown as the operator needs it. */
function teardownFailure(error: unknown): unknown {
  if (error instanceof TeardownError) return new ApiError(TEARDOWN_STATUS[error.code] ?? 500, error.problem, error.fix);
  return error;
}
