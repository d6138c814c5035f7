import type { z } from 'zod';
import { ApiError, type ApiContext, type Route } from './route.js';
import { bindRole, waitingOn, waitsOnParents, type NodeRole as NodeRoleModel, type NodeRoleState } from '../annealer/index.js';
import type { DeploymentRecord, StoreSnapshot, StoreWrite, Versioned } from '../store/index.js';
import * as S from './schemas.js';
import { nodeView } from './views.js';
import { BMC_ROUTES } from './bmc-routes.js';
import { DEPLOYMENT_PLAN_ROUTES } from './deployment-plan-routes.js';
import { LIFECYCLE_ROUTES } from './lifecycle-routes.js';
import { AGENT_ROUTES } from './agent-routes.js';

export { ApiError, type FieldProblem, type NodeTeardown, type ApiContext, type BmcServices, type HttpMethod, type Route, type RouteInput, type RouteResult } from './route.js';

const withVersion = <T extends object>({ value, version }: Versioned<T>) => ({ ...value, version });

/** A node-role as the API shows it; with `stateOf` (its parents' states), one waiting on its parents says which, as of this read. */
function nodeRoleView(stored: Versioned<NodeRoleModel>, stateOf?: (id: string) => NodeRoleState | undefined) {
  const { lastGood, lastError, ...rest } = stored.value;
  const waiting = stateOf && waitsOnParents(stored.value.state) ? { waitingOn: waitingOn(stored.value, stateOf) } : {};
  return { ...rest, version: stored.version, ...waiting, ...(lastError !== undefined ? { lastError } : {}), ...(lastGood ? { lastOutputs: lastGood.outputs } : {}) };
}

function notFound(what: string, name: string, listPath: string): ApiError {
  return new ApiError(404, `${what} ${name} does not exist`, `list them with GET ${listPath}`);
}

const CORE_ROUTES: readonly Route[] = [
  {
    method: 'get',
    path: '/api/v1/health',
    summary: 'Liveness: answers while the orchestrator serves',
    auth: false,
    response: S.Health,
    status: 200,
    handle: async (ctx) => ({ status: 200, body: { status: 'ok', version: ctx.version } }),
  },
  ...collectionRoutes({ what: 'node', path: '/api/v1/nodes', item: S.Node, records: (snapshot) => snapshot.nodes, view: nodeView }),
  {
    method: 'put',
    path: '/api/v1/nodes/{name}',
    summary: 'Create a node or change its reachability, pause and attributes',
    auth: true,
    body: S.NodeInput,
    response: S.Node,
    status: 200,
    handle: async (ctx, { params, body }) => {
      const name = S.NodeName.parse(params.name);
      const input = body as z.infer<typeof S.NodeInput>;
      const current = (await ctx.store.nodes()).get(name);
      // Spread the stored record first: an enrolled node keeps its BMC, lifecycle and inventory.
      const value = {
        ...current?.value,
        name,
        reachable: input.reachable ?? current?.value.reachable ?? true,
        paused: input.paused ?? current?.value.paused ?? false,
        attributes: input.attributes ?? current?.value.attributes ?? {},
      };
      const { status, version } = await commitRecord(ctx, { kind: 'node', value, expectedVersion: current?.version }, { reachable: value.reachable, paused: value.paused });
      return { status, body: nodeView({ value, version }) };
    },
  },
  ...collectionRoutes<DeploymentRecord>({ what: 'deployment', path: '/api/v1/deployments', item: S.Deployment, records: (snapshot) => snapshot.deployments, view: withVersion }),
  {
    method: 'put',
    path: '/api/v1/deployments/{name}',
    summary: 'Create a deployment, or commit, pause or change its attributes',
    auth: true,
    body: S.DeploymentInput,
    response: S.Deployment,
    status: 200,
    handle: async (ctx, { params, body }) => {
      const name = S.DeploymentName.parse(params.name);
      const input = body as z.infer<typeof S.DeploymentInput>;
      const current = (await ctx.store.snapshot()).deployments.get(name);
      const value = {
        name,
        committed: input.committed ?? current?.value.committed ?? false,
        paused: input.paused ?? current?.value.paused ?? false,
        attributes: input.attributes ?? current?.value.attributes ?? {},
      };
      const { status, version } = await commitRecord(ctx, { kind: 'deployment', value, expectedVersion: current?.version }, { committed: value.committed, paused: value.paused });
      return { status, body: { ...value, version } };
    },
  },
  {
    method: 'post',
    path: '/api/v1/deployments/{name}/bindings',
    summary: 'Bind a role to a node in the deployment, with whatever it requires',
    auth: true,
    body: S.BindingInput,
    response: S.NodeRole.array(),
    status: 201,
    handle: async (ctx, { params, body }) => {
      const input = body as z.infer<typeof S.BindingInput>;
      const snapshot = await ctx.store.snapshot();
      if (!snapshot.deployments.has(params.name!)) throw notFound('deployment', params.name!, '/api/v1/deployments');
      if (!snapshot.nodes.has(input.node)) throw new ApiError(400, `node ${input.node} does not exist`, 'create it first with PUT /api/v1/nodes/{name}', 'node');
      if (!ctx.catalog.roles.has(input.role)) throw new ApiError(400, `role ${input.role} is not defined`, 'see GET /api/v1/roles for the roles there are', 'role');
      const current = new Map([...snapshot.nodeRoles].map(([id, v]) => [id, v.value]));
      const changed = bindRole(ctx.catalog, current, params.name!, input.role, input.node);
      const writes: StoreWrite[] = [...changed.values()].map((value) => ({ kind: 'node-role', value, expectedVersion: snapshot.nodeRoles.get(value.id)?.version }));
      const created = [...changed.keys()].filter((id) => !snapshot.nodeRoles.has(id));
      const result = await ctx.store.commit(writes, created.map((id) => ({ type: 'node-role.bound', subject: id, data: { role: changed.get(id)!.role, node: changed.get(id)!.node } })));
      return {
        status: 201,
        body: [...changed.values()].map((value) => nodeRoleView({ value, version: result.versions.get(`node-role:${value.id}`)! })),
      };
    },
  },
  {
    method: 'get',
    path: '/api/v1/roles',
    summary: 'List the roles the orchestrator knows',
    auth: true,
    response: S.Role.array(),
    status: 200,
    handle: async (ctx) => ({
      status: 200,
      body: [...ctx.catalog.roles.values()].map(({ name, requires, after, cluster, local, inputs, outputs }) => ({ name, requires, after, cluster, local, inputs, outputs })),
    }),
  },
  {
    method: 'get',
    path: '/api/v1/node-roles',
    summary: 'List node-roles, optionally by deployment, node or state',
    auth: true,
    query: S.NodeRoleQuery,
    response: S.NodeRole.array(),
    status: 200,
    handle: async (ctx, { query }) => {
      const q = query as z.infer<typeof S.NodeRoleQuery>;
      const { nodeRoles } = await ctx.store.snapshot();
      const matching = [...nodeRoles.values()].filter(
        ({ value }) => (!q.deployment || value.deployment === q.deployment) && (!q.node || value.node === q.node) && (!q.state || value.state.kind === q.state),
      );
      const stateOf = (id: string): NodeRoleState | undefined => nodeRoles.get(id)?.value.state;
      return { status: 200, body: matching.map((stored) => nodeRoleView(stored, stateOf)) };
    },
  },
  {
    method: 'get',
    path: '/api/v1/node-roles/{id}',
    summary: 'Show one node-role: its state, why it is blocked, its last output and error',
    auth: true,
    response: S.NodeRole,
    status: 200,
    handle: async (ctx, { params }) => {
      const [stored] = await ctx.store.nodeRoles([params.id!]);
      if (!stored) throw notFound('node-role', params.id!, '/api/v1/node-roles');
      const { state, parents, softParents } = stored.value;
      if (!waitsOnParents(state)) return { status: 200, body: nodeRoleView(stored) };
      const ids = [...parents, ...softParents];
      const found = await ctx.store.nodeRoles(ids);
      const stateOf = new Map(ids.map((id, i) => [id, found[i]?.value.state]));
      return { status: 200, body: nodeRoleView(stored, (id) => stateOf.get(id)) };
    },
  },
  {
    method: 'post',
    path: '/api/v1/node-roles/{id}/retry',
    summary: 'Give a node-role in error a fresh set of attempts',
    auth: true,
    response: S.NodeRole,
    status: 200,
    handle: async (ctx, { params }) => {
      const [stored] = await ctx.store.nodeRoles([params.id!]);
      if (!stored) throw notFound('node-role', params.id!, '/api/v1/node-roles');
      if (stored.value.state.kind !== 'error') {
        throw new ApiError(409, `node-role ${params.id!} is ${stored.value.state.kind}, not in error`, 'only a node-role in error can be retried');
      }
      // Runnable at once; the next tick blocks it again if its parents are not active.
      const value: NodeRoleModel = { ...stored.value, state: { kind: 'todo', notBeforeMs: 0 }, attempts: 0 };
      const result = await ctx.store.commit([{ kind: 'node-role', value, expectedVersion: stored.version }], [
        { type: 'node-role.retried', subject: value.id, data: { lastError: stored.value.lastError ?? null } },
      ]);
      return { status: 200, body: nodeRoleView({ value, version: result.versions.get(`node-role:${value.id}`)! }) };
    },
  },
  {
    method: 'get',
    path: '/api/v1/events',
    summary: 'Events after a sequence number, oldest first (stream them live over WebSocket at /api/v1/events/stream)',
    auth: true,
    query: S.EventQuery,
    response: S.Event.array(),
    status: 200,
    handle: async (ctx, { query }) => {
      const q = query as z.infer<typeof S.EventQuery>;
      return { status: 200, body: await ctx.store.events(q.after, q.limit) };
    },
  },
];

/** Every endpoint, in mount order: the OpenAPI document and the express app are both built from this list. */
/** Writes one node or deployment with its created/updated event: 201 when it is new, 200 when it changed. */
async function commitRecord(ctx: ApiContext, write: Extract<StoreWrite, { kind: 'node' | 'deployment' }>, data: Record<string, unknown>): Promise<{ status: number; version: number }> {
  const existed = write.expectedVersion !== undefined;
  const name = write.value.name;
  const result = await ctx.store.commit([write], [{ type: `${write.kind}.${existed ? 'updated' : 'created'}`, subject: name, data }]);
  return { status: existed ? 200 : 201, version: result.versions.get(`${write.kind}:${name}`)! };
}

/** `GET /things` and `GET /things/{name}` for one kind of stored record. */
function collectionRoutes<T>(options: {
  what: string;
  path: string;
  item: z.ZodType;
  records: (snapshot: StoreSnapshot) => ReadonlyMap<string, Versioned<T>>;
  view: (record: Versioned<T>) => unknown;
}): Route[] {
  const { what, path, item, records, view } = options;
  return [
    {
      method: 'get',
      path,
      summary: `List ${what}s`,
      auth: true,
      response: item.array(),
      status: 200,
      handle: async (ctx) => ({ status: 200, body: [...records(await ctx.store.snapshot()).values()].map(view) }),
    },
    {
      method: 'get',
      path: `${path}/{name}`,
      summary: `Show one ${what}`,
      auth: true,
      response: item,
      status: 200,
      handle: async (ctx, { params }) => {
        const record = records(await ctx.store.snapshot()).get(params.name!);
        if (!record) throw notFound(what, params.name!, path);
        return { status: 200, body: view(record) };
      },
    },
  ];
}

export const ROUTES: readonly Route[] = [...CORE_ROUTES, ...DEPLOYMENT_PLAN_ROUTES, ...LIFECYCLE_ROUTES, ...BMC_ROUTES, ...AGENT_ROUTES];
