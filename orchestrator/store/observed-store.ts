import type { NodeRole } from '../annealer/index.js';
import type { CommitResult, EventInput, NodeRecord, Store, StoreChanges, StoredEvent, StoreSnapshot, StoreWrite, Versioned } from './store.js';

export type EventListener = (event: StoredEvent) => void;

/**
 * A store that tells listeners about every event it commits, in commit order:
 * the one bus the API stream, the CLI and the visualizer hang off. Listeners
 * that need history first read `events(afterSeq)` and then subscribe.
 */
export class ObservedStore implements Store {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly inner: Store) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  snapshot(): Promise<StoreSnapshot> {
    return this.inner.snapshot();
  }

  nodes(): Promise<ReadonlyMap<string, Versioned<NodeRecord>>> {
    return this.inner.nodes();
  }

  nodeRoles(ids: readonly string[]): Promise<Array<Versioned<NodeRole> | undefined>> {
    return this.inner.nodeRoles(ids);
  }

  changes(afterRevision: number): Promise<StoreChanges | undefined> {
    return this.inner.changes(afterRevision);
  }

  async commit(writes: readonly StoreWrite[], events: readonly EventInput[]): Promise<CommitResult> {
    const result = await this.inner.commit(writes, events);
    for (const event of result.events) for (const listener of [...this.listeners]) listener(event);
    return result;
  }

  events(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return this.inner.events(afterSeq, limit);
  }

  close(): Promise<void> {
    this.listeners.clear();
    return this.inner.close();
  }
}
