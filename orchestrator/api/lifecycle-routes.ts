import type { z } from 'zod';
import { LifecycleTransitionError, transitionNode } from '../lifecycle/index.js';
import { ApiError, type Route } from './route.js';
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
      const stored = (await ctx.store.snapshot()).nodes.get(params.name!);
      if (!stored) throw new ApiError(404, `node ${params.name!} does not exist`, 'list them with GET /api/v1/nodes');
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
];
