import type { RunResult } from '../annealer/index.js';
import type { BmcDriver, PowerState } from '../drivers/bmc-driver.js';
import { BmcBusyError, BmcError } from '../drivers/errors.js';
import type { Clock } from '../ports/clock.js';
import type { NodeRecord, Store } from '../store/index.js';

/** What a hardware role needs: the node as stored, its BMC for one operation, and time to wait in. */
export interface NodeAccess {
  node(name: string): Promise<NodeRecord | undefined>;
  withDriver<T>(node: NodeRecord, work: (driver: BmcDriver, signal: AbortSignal) => Promise<T>): Promise<T>;
  readonly clock: Clock;
}

/** The store's view of nodes and the BMC control every hardware and install runner shares. */
export function nodeAccess(store: Store, control: Pick<NodeAccess, 'withDriver'>, clock: Clock): NodeAccess {
  return { node: async (name) => (await store.nodes()).get(name)?.value, withDriver: (node, work) => control.withDriver(node, work), clock };
}

const SETTLE_POLL_MS = 2_000;
const SETTLE_MAX_MS = 10 * 60_000;

/**
 * Makes the host go through POST so that staged BIOS or RAID changes take
 * effect: power on a host that is off, restart one that is on. A host still
 * powering on or off (another role's reset) is waited for first, since a reset
 * it ignores would leave the changes staged.
 */
export async function resetForStagedChanges(node: string, driver: BmcDriver, clock: Clock, signal: AbortSignal): Promise<PowerState> {
  let state = await driver.powerState(signal);
  for (let waited = 0; (state === 'PoweringOn' || state === 'PoweringOff') && waited < SETTLE_MAX_MS; waited += SETTLE_POLL_MS) {
    await clock.sleep(SETTLE_POLL_MS, signal);
    state = await driver.powerState(signal);
  }
  if (state === 'Off') await driver.power('On', signal);
  else if (state === 'On') await driver.power('ForceRestart', signal);
  else throw new BmcBusyError(node, `${node} stayed ${state} for ${SETTLE_MAX_MS / 60_000} minutes; staged changes wait for the next reset`);
  return state;
}

/** The node a runner was handed, enrolled (with a BMC); a clear failure otherwise. */
export async function enrolledNode(access: NodeAccess, name: string): Promise<NodeRecord | string> {
  const node = await access.node(name);
  if (!node) return `node ${name} no longer exists`;
  if (!node.bmc) return `node ${name} has no BMC — enroll it (drill nodes enroll) before configuring its hardware`;
  return node;
}

/**
 * A BMC failure as a run result: an unreachable or busy BMC is worth another
 * attempt; one that refused the request (bad request, missing license,
 * unsupported, wrong credentials) will refuse it again, so the node-role
 * stops in error with the BMC's own words.
 */
export function bmcFailure(error: unknown): RunResult {
  if (!(error instanceof BmcError)) throw error;
  return { status: 'failed', message: error.message, retryable: error.code === 'BMC_UNREACHABLE' || error.code === 'BMC_BUSY' };
}
