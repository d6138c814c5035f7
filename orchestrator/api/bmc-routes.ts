import type { z } from 'zod';
import { BmcCredentials, CredentialsError } from '../credentials/index.js';
import { parseTarget, type EnrollTarget } from '../discovery/index.js';
import type { BmcDriver, BootDevice, PowerAction } from '../drivers/bmc-driver.js';
import { BmcError } from '../drivers/errors.js';
import type { NodeRecord } from '../store/index.js';
import { ApiError, type ApiContext, type BmcServices, type Route } from './route.js';
import * as S from './schemas.js';

/**
 * The endpoints that reach BMCs: enroll addresses, drive power and boot, read
 * the stored inventory. Credentials go in with an enrollment and never come
 * back out: nodes carry only a reference into the encrypted vault.
 */

const RESET_TYPE: Record<(typeof S.POWER_ACTIONS)[number], PowerAction> = {
  on: 'On',
  off: 'ForceOff',
  cycle: 'PowerCycle',
  restart: 'ForceRestart',
  graceful: 'GracefulShutdown',
};

const BOOT_DEVICE: Record<(typeof S.BOOT_DEVICES)[number], BootDevice> = { pxe: 'Pxe', disk: 'Hdd', cd: 'Cd', bios: 'BiosSetup' };

function services(ctx: ApiContext): BmcServices {
  if (!ctx.bmc) throw new ApiError(503, 'this orchestrator has no BMC access configured', 'run the API from `drill serve`, which wires the BMC drivers');
  return ctx.bmc;
}

async function enrolledNode(ctx: ApiContext, name: string): Promise<NodeRecord> {
  const stored = (await ctx.store.nodes()).get(name);
  if (!stored) throw new ApiError(404, `node ${name} does not exist`, 'list them with GET /api/v1/nodes');
  if (!stored.value.bmc) throw new ApiError(409, `node ${name} has no BMC`, 'enroll its BMC with POST /api/v1/nodes/enroll');
  return stored.value;
}

/** A BMC failure as the operator needs it: which node, what went wrong, what to do. */
function bmcFailure(node: string, error: unknown): unknown {
  if (error instanceof CredentialsError) return new ApiError(500, `the stored credentials of ${node} cannot be read: ${error.message}`, 'restore the state directory key, or enroll the node again');
  if (!(error instanceof BmcError)) return error;
  switch (error.code) {
    case 'BMC_AUTH':
      return new ApiError(502, `the BMC of ${node} refused the stored credentials: ${error.message}`, 'enroll it again with the right user and password');
    case 'BMC_UNREACHABLE':
      return new ApiError(504, `the BMC of ${node} did not answer: ${error.message}`, 'check that the BMC is up and reachable, then retry');
    case 'BMC_UNSUPPORTED':
      return new ApiError(501, `the BMC of ${node} cannot do that: ${error.message}`, 'use another action or boot device this BMC supports');
    case 'BMC_BUSY':
      return new ApiError(503, `the BMC of ${node} is busy: ${error.message}`, 'retry in a little while');
    case 'BMC_BAD_REQUEST':
    case 'BMC_PROTOCOL':
      return new ApiError(502, `the BMC of ${node} refused the request: ${error.message}`, 'see the BMC message; the orchestrator log has the details');
  }
}

async function onBmc<T>(ctx: ApiContext, node: NodeRecord, work: (driver: BmcDriver, signal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await services(ctx).control.withDriver(node, work);
  } catch (error) {
    throw bmcFailure(node.name, error);
  }
}

function batchId(bmc: BmcServices): string {
  return `enroll-${Buffer.from(bmc.random.bytes(6)).toString('hex')}`;
}

export const BMC_ROUTES: readonly Route[] = [
  {
    method: 'post',
    path: '/api/v1/nodes/enroll',
    summary: 'Enroll BMCs: probe Redfish then IPMI, read the inventory, create or update a node for each (one result per address; progress as node.* events tagged with the batch)',
    auth: true,
    body: S.EnrollInput,
    response: S.EnrollAnswer,
    status: 200,
    handle: async (ctx, { body }) => {
      const input = body as z.infer<typeof S.EnrollInput>;
      const bmc = services(ctx);
      const targets = input.addresses.map((a) => parseTarget(a) as EnrollTarget);
      const batch = input.batch ?? batchId(bmc);
      const results = await bmc.enroller.enrollAll({
        targets,
        credentials: new BmcCredentials(input.credentials.username, input.credentials.password),
        protocol: input.protocol,
        concurrency: input.concurrency,
        batch,
        ...(input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs }),
      });
      const enrolled = results.filter((r) => r.ok).length;
      return { status: 200, body: { batch, enrolled, failed: results.length - enrolled, results } };
    },
  },
  {
    method: 'post',
    path: '/api/v1/nodes/{name}/power',
    summary: 'Power a node on, off, cycle, restart or shut it down gracefully through its BMC',
    auth: true,
    body: S.PowerInput,
    response: S.PowerAnswer,
    status: 200,
    handle: async (ctx, { params, body }) => {
      const { action } = body as z.infer<typeof S.PowerInput>;
      const node = await enrolledNode(ctx, params.name!);
      const resetType = RESET_TYPE[action];
      await onBmc(ctx, node, (driver, signal) => driver.power(resetType, signal));
      await ctx.store.commit([], [{ type: 'node.power', subject: node.name, data: { action, resetType } }]);
      return { status: 200, body: { name: node.name, action, resetType } };
    },
  },
  {
    method: 'put',
    path: '/api/v1/nodes/{name}/boot',
    summary: 'Set the boot override of a node: device, next boot only or persistent, UEFI or legacy',
    auth: true,
    body: S.BootInput,
    response: S.BootAnswer,
    status: 200,
    handle: async (ctx, { params, body }) => {
      const input = body as z.infer<typeof S.BootInput>;
      const node = await enrolledNode(ctx, params.name!);
      const override = { device: BOOT_DEVICE[input.device], persistent: input.persistent, mode: input.mode === 'uefi' ? 'UEFI' : 'Legacy' } as const;
      await onBmc(ctx, node, (driver, signal) => driver.setBootOverride(override, signal));
      await ctx.store.commit([], [{ type: 'node.boot-override', subject: node.name, data: { ...input } }]);
      return { status: 200, body: { name: node.name, ...input } };
    },
  },
  {
    method: 'get',
    path: '/api/v1/nodes/{name}/inventory',
    summary: 'The inventory read from the BMC at enrollment (Redfish components, or IPMI FRU and sensors)',
    auth: true,
    response: S.Inventory,
    status: 200,
    handle: async (ctx, { params }) => {
      const stored = (await ctx.store.nodes()).get(params.name!);
      if (!stored) throw new ApiError(404, `node ${params.name!} does not exist`, 'list them with GET /api/v1/nodes');
      if (!stored.value.inventory) throw new ApiError(404, `node ${params.name!} has no inventory yet`, 'enroll its BMC with POST /api/v1/nodes/enroll');
      return { status: 200, body: stored.value.inventory };
    },
  },
  {
    method: 'get',
    path: '/api/v1/events/latest',
    summary: 'The sequence number of the newest event: where to start following the stream',
    auth: true,
    response: S.LatestEvent,
    status: 200,
    handle: async (ctx) => ({ status: 200, body: { seq: (await ctx.store.snapshot()).eventSeq } }),
  },
];
