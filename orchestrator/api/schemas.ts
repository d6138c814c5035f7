import { z } from 'zod';
import { parseTarget } from '../discovery/index.js';
import { NODE_LIFECYCLES } from '../lifecycle/index.js';
import type { NodeLifecycle } from '../store/index.js';

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

const reason = z
  .string({ error: 'reason must be a string — say why, for the event log' })
  .min(1, { error: 'reason must not be empty — say why, for the event log' })
  .max(500, { error: 'reason must be at most 500 characters' });

export const LifecycleInput = z
  .object({
    to: z.enum(NODE_LIFECYCLES as [NodeLifecycle, ...NodeLifecycle[]], { error: `to must be one of ${NODE_LIFECYCLES.join(', ')}` }),
    reason,
  })
  .strict();

export const DecommissionInput = z
  .object({
    reason,
  })
  .strict();

/** A whole deployment as one document: applied in one commit, or not at all. */
export const DeploymentPlan = z
  .object({
    attributes: attributes.optional(),
    commit: z.boolean({ error: 'commit must be true or false — true lets the annealer work on it' }).optional(),
    bindings: z
      .array(
        z
          .object({
            role: z.string({ error: 'role must be a role name — see GET /api/v1/roles' }).min(1, { error: 'role must not be empty — see GET /api/v1/roles' }),
            nodes: z.union([z.literal('all'), z.array(name('node')).min(1, { error: 'nodes must list at least one node, or be "all"' })], {
              error: 'nodes must be a list of node names, or "all"',
            }),
          })
          .strict(),
        { error: 'bindings must be a list of {role, nodes}' },
      )
      .min(1, { error: 'bindings must not be empty — bind at least one role to some nodes' }),
  })
  .strict();

export const DeploymentPlanResult = z.object({
  deployment: z.string(),
  committed: z.boolean(),
  created: z.array(z.string()),
  unchanged: z.number(),
  notInPlan: z.array(z.string()),
});

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

const protocols = ['redfish', 'ipmi'] as const;

export const NodeBmc = z.object({
  address: z.string(),
  port: z.number(),
  protocol: z.enum(protocols),
  credentialsRef: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  firmwareVersion: z.string(),
  uuid: z.string().optional(),
  profile: z.string().optional(),
});

export const Node = z.object({
  name: z.string(),
  reachable: z.boolean(),
  paused: z.boolean(),
  attributes: z.record(z.string(), z.unknown()),
  lifecycle: z.enum(NODE_LIFECYCLES as [NodeLifecycle, ...NodeLifecycle[]]).optional(),
  bmc: NodeBmc.optional(),
  inventoriedAtMs: z.number().optional(),
  /** What the node's next network boot gets (docs/provisioning.md). */
  boot: z.enum(['discover', 'install', 'wipe', 'local']).optional(),
  version: z.number(),
});
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
  /** Blocked on its parents: those not active yet, as of this read. */
  waitingOn: z.array(z.string()).optional(),
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

// --- BMC endpoints: enrollment, power, boot, inventory ---------------------

const protocolChoices = ['auto', 'redfish', 'ipmi'] as const;

const bmcAddress = z.string({ error: 'each address must be a string — e.g. "10.0.0.12" or "10.0.0.12:8443"' }).superRefine((value, ctx) => {
  const parsed = parseTarget(value);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});

export const EnrollInput = z
  .object({
    addresses: z
      .array(bmcAddress, { error: 'addresses must be a list of BMC addresses — e.g. ["10.0.0.12"]' })
      .min(1, { error: 'addresses must not be empty — give at least one BMC address' })
      .max(10_000, { error: 'at most 10000 addresses per request — split the list' }),
    credentials: z
      .object(
        {
          username: z.string({ error: 'credentials.username must be a string — the BMC user name' }).min(1, { error: 'credentials.username must not be empty — the BMC user name' }),
          password: z.string({ error: 'credentials.password must be a string — the BMC password' }),
        },
        { error: 'credentials must be {username, password} — the BMC login' },
      )
      .strict(),
    protocol: z.enum(protocolChoices, { error: `protocol must be one of ${protocolChoices.join(', ')} — auto tries Redfish, then IPMI` }).default('auto'),
    concurrency: z.number({ error: 'concurrency must be a number — e.g. 32' }).int().min(1, { error: 'concurrency must be ≥ 1' }).max(256, { error: 'concurrency must be ≤ 256' }).default(32),
    timeoutMs: z.number({ error: 'timeoutMs must be a number of milliseconds — e.g. 60000' }).int().min(100, { error: 'timeoutMs must be ≥ 100' }).max(600_000, { error: 'timeoutMs must be ≤ 600000' }).optional(),
    batch: z.string({ error: 'batch must be a string' }).regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'batch may use letters, digits, . _ - (up to 64) — it tags this batch\'s events' }).optional(),
  })
  .strict();

export const EnrollResult = z.union([
  z.object({
    ok: z.literal(true),
    address: z.string(),
    port: z.number(),
    node: z.string(),
    protocol: z.enum(protocols),
    manufacturer: z.string(),
    model: z.string(),
    firmwareVersion: z.string(),
  }),
  z.object({ ok: z.literal(false), address: z.string(), port: z.number().optional(), reason: z.enum(['auth', 'unreachable', 'unsupported', 'busy', 'internal']), message: z.string() }),
]);

export const EnrollAnswer = z.object({
  batch: z.string(),
  enrolled: z.number(),
  failed: z.number(),
  results: z.array(EnrollResult),
});

export const POWER_ACTIONS = ['on', 'off', 'cycle', 'restart', 'graceful'] as const;
export const PowerInput = z
  .object({ action: z.enum(POWER_ACTIONS, { error: `action must be one of ${POWER_ACTIONS.join(', ')} — e.g. {"action": "on"}` }) })
  .strict();
export const PowerAnswer = z.object({ name: z.string(), action: z.enum(POWER_ACTIONS), resetType: z.string() });

export const BOOT_DEVICES = ['pxe', 'disk', 'cd', 'bios'] as const;
export const BootInput = z
  .object({
    device: z.enum(BOOT_DEVICES, { error: `device must be one of ${BOOT_DEVICES.join(', ')} — e.g. {"device": "pxe"}` }),
    persistent: z.boolean({ error: 'persistent must be true or false — false: next boot only' }).default(false),
    mode: z.enum(['uefi', 'legacy'], { error: 'mode must be uefi or legacy' }).default('uefi'),
  })
  .strict();
export const BootAnswer = z.object({ name: z.string(), device: z.enum(BOOT_DEVICES), persistent: z.boolean(), mode: z.enum(['uefi', 'legacy']) });

export const Inventory = z.object({
  source: z.enum(protocols),
  readAtMs: z.number(),
  hardware: z.record(z.string(), z.unknown()).optional(),
  fru: z.record(z.string(), z.string()).optional(),
  sensors: z.array(z.record(z.string(), z.unknown())).optional(),
});

export const LatestEvent = z.object({ seq: z.number() });
