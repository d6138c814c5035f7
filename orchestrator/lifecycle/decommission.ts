import type { NodeRole } from '../annealer/index.js';
import { BmcError } from '../drivers/errors.js';
import { awaitBootReport, bootOnceFrom, type NodeAccess } from '../hardware/index.js';
import { retryOnConflict, type BootIntent, type EventInput, type NodeRecord, type Store, type StoreWrite } from '../store/index.js';
import { TeardownError } from './errors.js';
import { advanceNode } from './lifecycle.js';
import { moveNode } from './move-node.js';

/** What a wipe needs of the provisioner: the node's tokens revoked, and its next network boot. */
export interface TeardownBoot {
  /** Revokes the node's agent, install and wipe tokens, and sets its next network boot: its agent gets 401 and exits. */
  revoke(node: string, next: BootIntent): Promise<void>;
}

/** What tearing a node down needs beyond the store: the node's BMC and the boot server. */
export interface DecommissionDeps {
  readonly store: Store;
  readonly access: NodeAccess;
  /** Undefined when no boot server is served: nothing can be wiped then. */
  readonly boot: TeardownBoot | undefined;
  /** Give up on a wipe that has not reported after this long (default two hours). */
  readonly wipeTimeoutMs?: number;
  /** How often to look at the node while it wipes (default 5 s). */
  readonly pollMs?: number;
}

/** A decommission whose decision is committed; `finished` settles when its wipe has ended, `wiped` or recorded as failed. */
interface StartedDecommission {
  readonly finished: Promise<void>;
}

/**
 * Starts tearing a node down to `wiped`, its disks erased, and resolves once
 * the decision is committed (lifecycle `decommissioning`, node paused, every
 * node-role on it back to `proposed` without its last good run, so each layer
 * runs again from scratch once reprovisioned). The wipe goes on in the
 * background: the agent revoked, the boot intent set to wipe, the host
 * network-booted once through its BMC into the wipe image, and its report
 * awaited; the boot override is cleared, the host left off, and the node
 * moved to `wiped`, still paused. Every step is an event. A failure, or
 * `signal` aborted while the report is awaited, leaves the node
 * `decommissioning` with a `node.decommission-failed` event, and running this
 * again starts over: every step is safe to repeat, so a crash midway needs
 * nothing but a retry. `finished` rejects only when that event itself could
 * not be committed.
 */
async function startDecommission(deps: DecommissionDeps, name: string, reason: string, signal: AbortSignal): Promise<StartedDecommission> {
  const { store, access, boot } = deps;
  const node = await access.node(name);
  if (!node) throw new TeardownError('TEARDOWN_UNKNOWN_NODE', name, `Failed to decommission ${name}: no such node`, 'list them with drill nodes list', false);
  if (!node.bmc) throw new TeardownError('TEARDOWN_NO_BMC', name, `Failed to decommission ${name}: it has no BMC to network-boot it into the wipe image`, 'enroll its BMC first', false);
  if (!boot) {
    throw new TeardownError('TEARDOWN_NO_BOOT_SERVER', name, `Failed to decommission ${name}: this orchestrator serves no boot server to network-boot it into the wipe image`, 'start it with --boot-listen HOST:PORT on the provisioning network', false);
  }
  await beginTeardown(store, name, reason);
  return { finished: finishTeardown(deps, boot, node, reason, signal) };
}

/** The wipe and the move to `wiped`; whatever stops them is recorded as `node.decommission-failed`, never thrown. */
async function finishTeardown(deps: DecommissionDeps, boot: TeardownBoot, node: NodeRecord, reason: string, signal: AbortSignal): Promise<void> {
  const name = node.name;
  try {
    await wipe(deps, boot, node, signal);
    await moveNode(deps.store, name, 'wiped', reason);
  } catch (thrown) {
    const error = signal.aborted && thrown === signal.reason ? stoppedError(name) : thrown;
    const retryable = error instanceof TeardownError || error instanceof BmcError ? error.retryable : false;
    await deps.store.commit([], [{ type: 'node.decommission-failed', subject: name, data: { message: error instanceof Error ? error.message : String(error), retryable } }]);
  }
}

function stoppedError(name: string): TeardownError {
  return new TeardownError('TEARDOWN_STOPPED', name, `Failed to wipe ${name}: the orchestrator stopped while waiting for its wipe report`, `run drill nodes decommission ${name} again to finish it`, true);
}

/** Lifecycle `decommissioning`, paused, its node-roles back to `proposed`: one commit, before any side effect. */
async function beginTeardown(store: Store, name: string, reason: string): Promise<void> {
  await retryOnConflict(async () => {
    const snapshot = await store.snapshot();
    const stored = snapshot.nodes.get(name);
    if (!stored) throw new TeardownError('TEARDOWN_UNKNOWN_NODE', name, `Failed to decommission ${name}: it was deleted meanwhile`, 'nothing is left to tear down', false);
    const walked = advanceNode({ ...stored.value, paused: true }, 'decommissioning', reason);
    const writes: StoreWrite[] = [{ kind: 'node', value: walked.value, expectedVersion: stored.version }];
    const events: EventInput[] = [...walked.events];
    for (const { value, version } of snapshot.nodeRoles.values()) {
      // Already reset by an earlier try of this decommission: nothing to write.
      if (value.node !== name || (value.state.kind === 'proposed' && value.lastGood === undefined)) continue;
      const reset: NodeRole = { ...value, state: { kind: 'proposed' }, attempts: 0, lastGood: undefined, lastError: undefined };
      writes.push({ kind: 'node-role', value: reset, expectedVersion: version });
      events.push({ type: 'node-role.state', subject: value.id, data: { from: value.state.kind, to: 'proposed', reason: 'decommissioned' } });
    }
    await store.commit(writes, events);
  });
}

/** Network-boots the node into the wipe image and waits for its report; leaves no boot override behind, and the host off. */
async function wipe(deps: DecommissionDeps, boot: TeardownBoot, node: NodeRecord, signal: AbortSignal): Promise<void> {
  const { store, access } = deps;
  const name = node.name;
  /** Events about this node, committed together. */
  const events = (...list: Array<readonly [type: string, data: Record<string, unknown>]>) => store.commit([], list.map(([type, data]) => ({ type, subject: name, data })));
  await boot.revoke(name, { kind: 'wipe' });
  const since = access.clock.now();
  const bootWipe = async (): Promise<undefined> => {
    const was = await access.withDriver(node, (driver, signal) => bootOnceFrom(node, 'Pxe', driver, access, signal));
    await events(['node.wipe-boot', { device: 'Pxe', power: was === 'Off' ? 'on' : 'restart' }]);
    return undefined;
  };
  await bootWipe();
  const timeoutMs = deps.wipeTimeoutMs ?? 2 * 60 * 60_000;
  const outcome = await awaitBootReport(access, name, {
    since,
    timeoutMs,
    pollMs: deps.pollMs ?? 5_000,
    outcome: (p) => (p?.wipeFailure !== undefined ? { failure: p.wipeFailure } : p?.wipedAtMs !== undefined && p.wipedAtMs >= since ? 'wiped' : undefined),
    bootAgain: bootWipe,
  }, signal);
  // Taken by the wipe boot, or still set when the wipe never booted: either way none is left for the next boot.
  const poweredOff = await access.withDriver(node, async (driver, signal) => {
    await driver.clearBootOverride(signal);
    // The image powers the machine off after a wipe; one that did not is turned off, so nothing boots a blank disk.
    if (outcome !== 'wiped' || (await driver.powerState(signal)) === 'Off') return false;
    await driver.power('ForceOff', signal);
    return true;
  });
  await events(['node.boot-override-cleared', {}], ...(poweredOff ? [['node.powered-off', { reason: 'the wipe image left it on' }] as const] : []));
  if (outcome === undefined) {
    throw new TeardownError('TEARDOWN_WIPE_TIMEOUT', name, `Failed to wipe ${name}: no wipe report within ${Math.round(timeoutMs / 60_000)} min`, "watch its console through the BMC, then run decommission again", true);
  }
  if (outcome !== 'wiped') throw new TeardownError('TEARDOWN_WIPE_FAILED', name, `Failed to wipe ${name}: the wipe image reported: ${outcome.failure}`, 'see the machine through its BMC, then run decommission again', true);
}

/** Lets a wiped (or paused) node's layers run again: the annealer takes it back to where its deployments say. */
function reprovisionNode(store: Store, name: string): Promise<void> {
  return retryOnConflict(async () => {
    const stored = (await store.nodes()).get(name);
    if (!stored) throw new TeardownError('TEARDOWN_UNKNOWN_NODE', name, `Failed to reprovision ${name}: no such node`, 'list them with drill nodes list', false);
    if (stored.value.lifecycle === 'decommissioning') {
      throw new TeardownError('TEARDOWN_UNFINISHED', name, `Failed to reprovision ${name}: it is still decommissioning (its wipe has not finished)`, `run drill nodes decommission ${name} again to finish it`, false);
    }
    await store.commit([{ kind: 'node', value: { ...stored.value, paused: false }, expectedVersion: stored.version }], [{ type: 'node.reprovision', subject: name, data: { lifecycle: stored.value.lifecycle ?? null } }]);
  });
}

/** Decommission and reprovision over the same dependencies, as the API takes them, with the wipes under way tracked per node. */
export interface TeardownService {
  /** Resolves once the decision is committed; the wipe goes on in the background and ends with an event. */
  decommission(node: string, reason: string): Promise<void>;
  reprovision(node: string): Promise<void>;
  /**
   * Stops waiting for the wipes under way (each node stays `decommissioning`
   * with a `node.decommission-failed` event) and refuses new ones; resolves
   * when every wipe has stopped. Call it before closing the store.
   */
  close(): Promise<void>;
}

export function nodeTeardown(deps: DecommissionDeps): TeardownService {
  const stopping = new AbortController();
  const underWay = new Map<string, Promise<void>>();
  /** Wipes whose failure could not be recorded as an event: `close()` throws them rather than lose them. */
  const unrecorded: unknown[] = [];
  return {
    decommission: async (node, reason) => {
      if (stopping.signal.aborted) {
        throw new TeardownError('TEARDOWN_STOPPED', node, `Failed to decommission ${node}: the orchestrator is stopping`, `run drill nodes decommission ${node} again once it is back`, true);
      }
      if (underWay.has(node)) {
        throw new TeardownError(
          'TEARDOWN_UNDER_WAY',
          node,
          `Failed to decommission ${node}: its wipe is already under way`,
          `wait for its node.lifecycle event to wiped, or node.decommission-failed (then decommission it again); drill events --follow shows them`,
          false,
        );
      }
      const started = startDecommission(deps, node, reason, stopping.signal);
      // Held from before the first await, so two requests at once cannot both start a wipe.
      underWay.set(
        node,
        started
          // A start that fails is the caller's answer (awaited below), not a background failure.
          .then(({ finished }) => finished, () => undefined)
          .catch((error: unknown) => void unrecorded.push(error))
          .finally(() => underWay.delete(node)),
      );
      await started;
    },
    reprovision: (node) => reprovisionNode(deps.store, node),
    close: async () => {
      stopping.abort();
      await Promise.all(underWay.values());
      if (unrecorded.length > 0) throw new AggregateError(unrecorded, `Failed to record the end of ${unrecorded.length} wipe(s) as node.decommission-failed: the store refused the event`);
    },
  };
}
