import { retryOnConflict, type NodeLifecycle, type Store } from '../store/index.js';
import { advanceNode } from './lifecycle.js';

/**
 * Commits a node's walk to `to` with its events; a node already there is left
 * alone. A lost compare-and-set (the provisioner or an operator wrote the node
 * meanwhile) re-reads and walks again.
 */
export function moveNode(store: Store, name: string, to: NodeLifecycle, reason: string): Promise<void> {
  return retryOnConflict(async () => {
    const stored = (await store.nodes()).get(name);
    if (!stored) throw new Error(`Failed to move node ${name} to ${to}: it does not exist`);
    if (stored.value.lifecycle === to) return;
    const { value, events } = advanceNode(stored.value, to, reason);
    await store.commit([{ kind: 'node', value, expectedVersion: stored.version }], events);
  });
}
