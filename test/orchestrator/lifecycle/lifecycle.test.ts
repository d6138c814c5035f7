import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIFECYCLE_TRANSITIONS, LifecycleTransitionError, NODE_LIFECYCLES, transitionNode, type NodeLifecycle, type NodeRecord } from '../../../orchestrator/index.js';

const node = (lifecycle: NodeLifecycle | undefined): NodeRecord => ({ name: 'n1', reachable: true, paused: false, attributes: {}, ...(lifecycle ? { lifecycle } : {}) });

function reachableFrom(start: NodeLifecycle): Set<NodeLifecycle> {
  const seen = new Set<NodeLifecycle>([start]);
  for (const queue = [start]; queue.length > 0; ) for (const next of LIFECYCLE_TRANSITIONS[queue.shift()!]) if (!seen.has(next) && seen.add(next)) queue.push(next);
  return seen;
}

describe('node lifecycle', () => {
  it('reaches every state from enrolled, and every state can be torn down and built up to ready again', () => {
    expect([...reachableFrom('enrolled')].sort()).toEqual([...NODE_LIFECYCLES].sort());
    for (const state of NODE_LIFECYCLES) expect(reachableFrom(state).has('ready'), `${state} → ready`).toBe(true);
    for (const state of NODE_LIFECYCLES.filter((s) => s !== 'decommissioning' && s !== 'wiped')) expect(LIFECYCLE_TRANSITIONS[state]).toContain('decommissioning');
  });

  it('records every allowed step as a node.lifecycle event and refuses every other, naming where it can go', () => {
    fc.assert(
      fc.property(fc.constantFrom(...NODE_LIFECYCLES), fc.constantFrom(...NODE_LIFECYCLES), (from, to) => {
        if (LIFECYCLE_TRANSITIONS[from].includes(to)) {
          const { value, event } = transitionNode(node(from), to, 'because');
          expect(value.lifecycle).toBe(to);
          expect(event).toEqual({ type: 'node.lifecycle', subject: 'n1', data: { from, to, reason: 'because' } });
        } else {
          expect(() => transitionNode(node(from), to, 'because')).toThrow(new LifecycleTransitionError('n1', from, to));
          expect(() => transitionNode(node(from), to, 'because')).toThrow(`it can go to ${LIFECYCLE_TRANSITIONS[from].join(', ')} — not ${to}`);
        }
      }),
    );
  });

  it('refuses to move a node that was never enrolled', () => {
    expect(() => transitionNode(node(undefined), 'ready', 'x')).toThrow('enroll its BMC first');
  });
});
