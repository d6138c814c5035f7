import type { FaultSpec } from '../../sim/index.js';

export type BmcModifierName = 'slow' | 'flaky';

/**
 * The `slow` and `flaky` modifiers as FaultPlan entries aimed at `bmc:<name>`, so the
 * seeded fault injector (not the BMC) decides when they strike, and model fidelity
 * (InProcessHttpNetwork) and wire fidelity (serveRedfishHttps) apply them alike.
 *
 * - `slow`: every request takes 1.5 s ± 1 s — iDRAC needs ~10–20 s between operations
 *   and BIOS requests are held open for long (field notes 10, 45); drivers must not
 *   time out or hammer it.
 * - `flaky`: 5 % of requests answer 503, 2 % have their connection reset, 1 % are
 *   never answered — BMCs "known to fail/act oddly" that drop persistent connections
 *   (field notes 4, 39); drivers must retry with backoff.
 */
export function modifierFaults(bmcName: string, modifiers: readonly BmcModifierName[]): FaultSpec[] {
  const target = `bmc:${bmcName}`;
  const faults: FaultSpec[] = [];
  if (modifiers.includes('slow')) faults.push({ id: `${bmcName}:slow`, target, kind: 'latency', latencyMs: 1_500, jitterMs: 1_000 });
  if (modifiers.includes('flaky')) {
    faults.push(
      { id: `${bmcName}:flaky-503`, target, kind: 'error', status: 503, probability: 0.05 },
      { id: `${bmcName}:flaky-reset`, target, kind: 'reset', probability: 0.02 },
      { id: `${bmcName}:flaky-drop`, target, kind: 'drop', probability: 0.01 },
    );
  }
  return faults;
}
