import type { EventInput, NodeLifecycle, NodeRecord } from '../store/index.js';

/**
 * Where a node may go from where it is: the layers of ready state walked up
 * (enrolled → … → ready → allocated), a step back when a layer is redone
 * (reprovisioning a ready node, releasing an allocated one), and the
 * tear-down path (→ decommissioning → wiped → back to layer 3 or 4). Anything
 * else is refused, so a node's history is always a walk on this graph.
 */
export const LIFECYCLE_TRANSITIONS: Readonly<Record<NodeLifecycle, readonly NodeLifecycle[]>> = {
  enrolled: ['inventoried', 'decommissioning'],
  inventoried: ['configured', 'decommissioning'],
  configured: ['provisioning', 'inventoried', 'decommissioning'],
  provisioning: ['ready', 'configured', 'decommissioning'],
  ready: ['allocated', 'provisioning', 'decommissioning'],
  allocated: ['ready', 'decommissioning'],
  decommissioning: ['wiped'],
  // A wiped node can be wiped again (another decommission) before it is built up.
  wiped: ['configured', 'provisioning', 'inventoried', 'decommissioning'],
};

export const NODE_LIFECYCLES = Object.keys(LIFECYCLE_TRANSITIONS) as readonly NodeLifecycle[];

/** A transition the lifecycle graph does not have. */
export class LifecycleTransitionError extends Error {
  override name = 'LifecycleTransitionError';
  readonly code = 'LIFECYCLE_TRANSITION';
  constructor(
    readonly node: string,
    readonly from: NodeLifecycle | undefined,
    readonly to: NodeLifecycle,
  ) {
    super(
      from === undefined
        ? `node ${node} has no lifecycle (it was created by hand, not enrolled) — enroll its BMC first`
        : `node ${node} is ${from}; it can go to ${LIFECYCLE_TRANSITIONS[from].join(', ')} — not ${to}`,
    );
  }
}

export interface LifecycleChange {
  readonly value: NodeRecord;
  readonly event: EventInput;
}

/**
 * The node moved to `to`, with the `node.lifecycle` event that records it.
 * Pure: the caller commits both together.
 */
export function transitionNode(node: NodeRecord, to: NodeLifecycle, reason: string): LifecycleChange {
  const from = node.lifecycle;
  if (from === undefined || !LIFECYCLE_TRANSITIONS[from].includes(to)) throw new LifecycleTransitionError(node.name, from, to);
  return {
    value: { ...node, lifecycle: to },
    event: { type: 'node.lifecycle', subject: node.name, data: { from, to, reason } },
  };
}

/** The shortest walk on the lifecycle graph from `from` to `to` (the states after `from`), or undefined when there is none. */
export function lifecyclePath(from: NodeLifecycle, to: NodeLifecycle): NodeLifecycle[] | undefined {
  if (from === to) return [];
  const previous = new Map<NodeLifecycle, NodeLifecycle>();
  for (const queue = [from]; queue.length > 0; ) {
    const at = queue.shift()!;
    for (const next of LIFECYCLE_TRANSITIONS[at]) {
      if (next === from || previous.has(next)) continue;
      previous.set(next, at);
      if (next === to) {
        const path: NodeLifecycle[] = [to];
        for (let step = at; step !== from; step = previous.get(step)!) path.unshift(step);
        return path;
      }
      queue.push(next);
    }
  }
  return undefined;
}

/**
 * Walks a node to `to` along the shortest path, one `node.lifecycle` event per
 * step (an enrolled node asked to provision passes through configured), so
 * the history stays a walk on the graph. Pure: the caller commits it.
 */
export function advanceNode(node: NodeRecord, to: NodeLifecycle, reason: string): { value: NodeRecord; events: EventInput[] } {
  const from = node.lifecycle;
  const path = from === undefined ? undefined : lifecyclePath(from, to);
  if (path === undefined) throw new LifecycleTransitionError(node.name, from, to);
  let value = node;
  const events: EventInput[] = [];
  for (const step of path) {
    const change = transitionNode(value, step, reason);
    value = change.value;
    events.push(change.event);
  }
  return { value, events };
}
