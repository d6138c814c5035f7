import { ConflictError, type NodeLifecycle, type Store } from '../store/index.js';
import { advanceNode } from './lifecycle.js';

const MAX_ATTEMPTS = 5;

/**
 * Commits a node's walk to `to` with its events; a node already there is left
 * alone. A lost compare-and-set (the provisioner or an operator wrote the node
 * meanwhile) re-reads and walks again, a bounded number of times.
 */
export async function moveNode(store: Store, name: string, to: NodeLifecycle, reason: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const stored = (await store.nodes()).get(name);
    if (!stored) throw new Error(`Failed to move node ${name} to ${to}: it does not exist`);
    if (stored.value.lifecycle === to) return;
    const { value, events } = advanceNode(stored.value, to, reason);
    try {
      await store.commit([{ kind: 'node', value, expectedVersion: stored.version }], events);
      return;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
