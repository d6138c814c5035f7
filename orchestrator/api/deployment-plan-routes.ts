import type { z } from 'zod';
import { bindRole, type NodeRole } from '../annealer/index.js';
import type { DeploymentRecord, EventInput, StoreSnapshot, StoreWrite } from '../store/index.js';
import { ApiError, type FieldProblem, type Route } from './route.js';
import * as S from './schemas.js';

type Plan = z.infer<typeof S.DeploymentPlan>;

function planProblems(plan: Plan, snapshot: StoreSnapshot, roleNames: ReadonlySet<string>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  plan.bindings.forEach((binding, i) => {
    if (!roleNames.has(binding.role)) {
      problems.push({ field: `bindings[${i}].role`, problem: `role ${binding.role} is not defined`, fix: `use one of ${[...roleNames].sort().join(', ') || '(none: this orchestrator has no roles)'}` });
    }
    if (binding.nodes === 'all') return;
    binding.nodes.forEach((node, j) => {
      if (!snapshot.nodes.has(node)) problems.push({ field: `bindings[${i}].nodes[${j}]`, problem: `node ${node} does not exist`, fix: 'enroll it first (drill nodes enroll), or take it out of the plan' });
    });
  });
  if (plan.bindings.some((b) => b.nodes === 'all') && snapshot.nodes.size === 0) {
    problems.push({ field: 'bindings', problem: 'nodes: all matches no node: there are none yet', fix: 'enroll nodes first (drill nodes enroll)' });
  }
  return problems;
}

/** The node-roles a plan asks for: those it binds and, transitively, what they require. */
function reachedBy(explicit: Iterable<string>, nodeRoles: ReadonlyMap<string, NodeRole>): Set<string> {
  const reached = new Set<string>();
  const stack = [...explicit];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (reached.has(id)) continue;
    reached.add(id);
    stack.push(...(nodeRoles.get(id)?.parents ?? []));
  }
  return reached;
}

/**
 * Applying a deployment as one document (what `drill deploy FILE` sends):
 * every problem of the plan is reported at once and nothing is written unless
 * all of it is valid; then the deployment and every binding land in one
 * commit. Applying the same plan again writes nothing.
 */
export const DEPLOYMENT_PLAN_ROUTES: readonly Route[] = [
  {
    method: 'put',
    path: '/api/v1/deployments/{name}/plan',
    summary: 'Apply a whole deployment (attributes and role bindings) in one commit; idempotent',
    auth: true,
    body: S.DeploymentPlan,
    response: S.DeploymentPlanResult,
    status: 200,
    handle: async (ctx, { params, body }) => {
      const name = S.DeploymentName.parse(params.name);
      const plan = body as Plan;
      const snapshot = await ctx.store.snapshot();
      const [first, ...rest] = planProblems(plan, snapshot, new Set(ctx.catalog.roles.keys()));
      if (first) throw ApiError.invalid([first, ...rest]);

      const nodeRoles = new Map<string, NodeRole>();
      for (const [id, stored] of snapshot.nodeRoles) nodeRoles.set(id, stored.value);
      const changed = new Map<string, NodeRole>();
      const explicit: string[] = [];
      const allNodes = [...snapshot.nodes.keys()].sort();
      for (const binding of plan.bindings) {
        for (const node of binding.nodes === 'all' ? allNodes : binding.nodes) {
          for (const [id, nr] of bindRole(ctx.catalog, nodeRoles, name, binding.role, node)) {
            changed.set(id, nr);
            nodeRoles.set(id, nr);
          }
          explicit.push(`${name}/${binding.role}@${node}`);
        }
      }

      const current = snapshot.deployments.get(name);
      const deployment: DeploymentRecord = {
        name,
        committed: plan.commit ?? true,
        paused: current?.value.paused ?? false,
        attributes: plan.attributes ?? current?.value.attributes ?? {},
      };
      const deploymentChanged = !current || JSON.stringify(current.value) !== JSON.stringify(deployment);
      const created = [...changed.keys()].filter((id) => !snapshot.nodeRoles.has(id)).sort();
      const writes: StoreWrite[] = [
        ...(deploymentChanged ? [{ kind: 'deployment', value: deployment, expectedVersion: current?.version } as const] : []),
        ...[...changed.values()].map((value) => ({ kind: 'node-role', value, expectedVersion: snapshot.nodeRoles.get(value.id)?.version }) as const),
      ];
      const events: EventInput[] = [
        ...(deploymentChanged ? [{ type: current ? 'deployment.updated' : 'deployment.created', subject: name, data: { committed: deployment.committed, paused: deployment.paused } }] : []),
        ...created.map((id) => ({ type: 'node-role.bound', subject: id, data: { role: changed.get(id)!.role, node: changed.get(id)!.node } })),
      ];
      if (writes.length > 0) await ctx.store.commit(writes, events);

      const reached = reachedBy(explicit, nodeRoles);
      const notInPlan = [...nodeRoles.values()].filter((nr) => nr.deployment === name && !reached.has(nr.id)).map((nr) => nr.id).sort();
      const unchanged = reached.size - created.length;
      return { status: 200, body: { deployment: name, committed: deployment.committed, created, unchanged, notInPlan } };
    },
  },
];
