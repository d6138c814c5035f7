import { z } from 'zod';

/**
 * The API's request and response shapes. Requests are validated with these at
 * the edge; the OpenAPI document is generated from the same objects, so the
 * two cannot drift apart.
 */

const name = (what: string) =>
  z
    .string({ error: `${what} must be a string — e.g. r1-s3` })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { error: `${what} may use letters, digits, . _ - (up to 63) and must start with a letter or digit — e.g. r1-s3` });

const attributes = z.record(z.string(), z.unknown(), { error: 'attributes must be an object of name → value — e.g. {"ntp.servers": ["10.0.0.1"]}' });

export const NodeName = name('name');
export const DeploymentName = name('name');

export const NodeInput = z
  .object({
    reachable: z.boolean({ error: 'reachable must be true or false' }).optional(),
    paused: z.boolean({ error: 'paused must be true or false' }).optional(),
    attributes: attributes.optional(),
  })
  .strict();

export const DeploymentInput = z
  .object({
    committed: z.boolean({ error: 'committed must be true or false — true lets the annealer work on it' }).optional(),
    paused: z.boolean({ error: 'paused must be true or false' }).optional(),
    attributes: attributes.optional(),
  })
  .strict();

export const BindingInput = z
  .object({
    role: z.string({ error: 'role must be a role name — see GET /api/v1/roles' }).min(1, { error: 'role must not be empty — see GET /api/v1/roles' }),
    node: name('node'),
  })
  .strict();

const nodeRoleStateKinds = ['proposed', 'blocked', 'todo', 'running', 'active', 'error'] as const;

export const NodeRoleQuery = z
  .object({
    deployment: z.string().optional(),
    node: z.string().optional(),
    state: z.enum(nodeRoleStateKinds, { error: `state must be one of ${nodeRoleStateKinds.join(', ')}` }).optional(),
  })
  .strict();

export const EventQuery = z
  .object({
    after: z.coerce.number({ error: 'after must be an event sequence number — e.g. after=0 for the beginning' }).int().min(0, { error: 'after must be ≥ 0' }).default(0),
    limit: z.coerce.number({ error: 'limit must be a number from 1 to 1000' }).int().min(1, { error: 'limit must be ≥ 1' }).max(1000, { error: 'limit must be ≤ 1000' }).default(100),
  })
  .strict();

export const Problem = z.object({ field: z.string(), problem: z.string(), fix: z.string() });
export const ErrorBody = z.object({
  field: z.string().optional(),
  problem: z.string(),
  fix: z.string().optional(),
  problems: z.array(Problem).optional(),
});

export const Node = z.object({ name: z.string(), reachable: z.boolean(), paused: z.boolean(), attributes: z.record(z.string(), z.unknown()), version: z.number() });
export const Deployment = z.object({
  name: z.string(),
  committed: z.boolean(),
  paused: z.boolean(),
  attributes: z.record(z.string(), z.unknown()),
  version: z.number(),
});
export const NodeRole = z.object({
  id: z.string(),
  deployment: z.string(),
  role: z.string(),
  node: z.string(),
  parents: z.array(z.string()),
  softParents: z.array(z.string()),
  state: z.object({ kind: z.enum(nodeRoleStateKinds) }).loose(),
  attempts: z.number(),
  runCount: z.number(),
  lastError: z.string().optional(),
  lastOutputs: z.record(z.string(), z.unknown()).optional(),
  version: z.number(),
});
export const Role = z.object({
  name: z.string(),
  requires: z.array(z.string()),
  after: z.array(z.string()),
  cluster: z.boolean(),
  local: z.boolean(),
  inputs: z.array(z.string()),
  outputs: z.array(z.string()),
});
export const Event = z.object({ seq: z.number(), atMs: z.number(), type: z.string(), subject: z.string(), data: z.record(z.string(), z.unknown()) });
export const Health = z.object({ status: z.literal('ok'), version: z.string() });
