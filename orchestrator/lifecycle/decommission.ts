import type { NodeRole } from '../annealer/index.js';
import type { BmcDriver } from '../drivers/bmc-driver.js';
import { retryOnConflict, type EventInput, type NodeRecord, type Store, type StoreWrite } from '../store/index.js';
import { advanceNode } from './lifecycle.js';

/** What tearing a node down needs beyond the store: its agent revoked, and its BMC. */
export interface DecommissionDeps {
  readonly store: Store;
  /** Revokes the node's agent and install tokens; its next network boot is local. */
  revoke(node: string): Promise<void>;
  withDriver<T>(node: NodeRecord, work: (driver: BmcDriver, signal: AbortSignal) => Promise<T>): Promise<T>;
}

/**
 * Tears a node down to `wiped`: its agent token revoked (the agent exits),
 * the host powered off, and every node-role on it back to `proposed` without
 * its last good run, so each layer runs again from scratch; the node is left
 * paused so nothing starts until `reprovision`. One event per lifecycle step
 * and per node-role, in one commit after the side effects.
 */
export async function decommissionNode(deps: DecommissionDeps, name: string, reason: string): Promise<void> {
  const first = (await deps.store.nodes()).get(name);
  if (!first) throw new Error(`Failed to decommission ${name}: no such node`);
  if (first.value.bmc) {
    await deps.withDriver(first.value, async (driver, signal) => {
      if ((await driver.powerState(signal)) !== 'Off') await driver.power('ForceOff', signal);
    });
  }
  await deps.revoke(name);
  await retryOnConflict(async () => {
    const snapshot = await deps.store.snapshot();
    const stored = snapshot.nodes.get(name)!;
    const walked = advanceNode({ ...stored.value, paused: true }, 'wiped', reason);
    const writes: StoreWrite[] = [{ kind: 'node', value: walked.value, expectedVersion: stored.version }];
    const events: EventInput[] = [...walked.events];
    for (const { value, version } of snapshot.nodeRoles.values()) {
      if (value.node !== name) continue;
      const reset: NodeRole = { ...value, state: { kind: 'proposed' }, attempts: 0, lastGood: undefined, lastError: undefined };
      writes.push({ kind: 'node-role', value: reset, expectedVersion: version });
      events.push({ type: 'node-role.state', subject: value.id, data: { from: value.state.kind, to: 'proposed', reason: 'decommissioned' } });
    }
    await deps.store.commit(writes, events);
  });
}

/** Lets a wiped (or paused) node's layers run again: the annealer takes it back to where its deployments say. */
export function reprovisionNode(store: Store, name: string): Promise<void> {
  return retryOnConflict(async () => {
    const stored = (await store.nodes()).get(name);
    if (!stored) throw new Error(`Failed to reprovision ${name}: no such node`);
    await store.commit([{ kind: 'node', value: { ...stored.value, paused: false }, expectedVersion: stored.version }], [{ type: 'node.reprovision', subject: name, data: { lifecycle: stored.value.lifecycle ?? null } }]);
  });
}

/** Decommission and reprovision over the same dependencies, as the API's teardown takes them. */
export function nodeTeardown(deps: DecommissionDeps): { decommission(node: string, reason: string): Promise<void>; reprovision(node: string): Promise<void> } {
  return { decommission: (node, reason) => decommissionNode(deps, node, reason), reprovision: (node) => reprovisionNode(deps.store, node) };
}
