import type { Fault } from '../faults/fault-plan.js';
import type { Random } from '../random/random.js';

/** Total delay from the latency faults that struck: each latencyMs ± a uniform jitterMs, never below 0. */
export function injectedLatencyMs(struck: readonly Fault[], jitter: Random): number {
  let total = 0;
  for (const fault of struck) {
    if (fault.kind !== 'latency') continue;
    const offset = fault.jitterMs ? jitter.float() * 2 * fault.jitterMs - fault.jitterMs : 0;
    total += Math.max(0, fault.latencyMs + offset);
  }
  return total;
}
