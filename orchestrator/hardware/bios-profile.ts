import { z } from 'zod';
import type { RoleSpec, RunResult } from '../annealer/index.js';
import { stableJson } from '../annealer/index.js';
import { hasCapability, type BiosValue } from '../drivers/bmc-driver.js';
import type { RoleRunner, RunRequest } from '../engine/index.js';
import type { NodeRecord } from '../store/index.js';
import { bmcFailure, enrolledNode, resetForStagedChanges, type NodeAccess } from './node-access.js';

export const BIOS_PROFILE_ATTRIBUTE = 'bios.profile';

export const BIOS_PROFILE_ROLE: RoleSpec = {
  name: 'bios-profile',
  requires: [],
  after: [],
  cluster: false,
  local: true,
  inputs: [BIOS_PROFILE_ATTRIBUTE],
  outputs: ['bios.settings'],
  retry: { maxAttempts: 3, baseDelayMs: 5_000, maxDelayMs: 60_000 },
};

const biosValue = z.union([z.string(), z.number(), z.boolean(), z.null()], { error: 'a BIOS value is a string, number, true/false or null' });

/**
 * BIOS attribute names differ by vendor, so a profile is keyed by the
 * manufacturer the BMC reported at enrollment (`Dell Inc.`, `HPE`, …), with
 * `default` for the rest.
 */
export const BiosProfile = z.record(z.string(), z.record(z.string(), biosValue), {
  error: `${BIOS_PROFILE_ATTRIBUTE} maps a manufacturer (as \`drill nodes list\` shows it) or "default" to {attribute: value} — e.g. {"Dell Inc.": {"SysProfile": "PerfOptimized"}}`,
});

function problemsOf(error: z.ZodError): string {
  return error.issues.map((i) => `${[BIOS_PROFILE_ATTRIBUTE, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
}

/** The settings the profile asks of this node's vendor, or why there are none. */
function wantedFor(node: NodeRecord, input: unknown): Record<string, BiosValue> | string {
  const parsed = BiosProfile.safeParse(input ?? {});
  if (!parsed.success) return problemsOf(parsed.error);
  const vendor = node.bmc!.manufacturer;
  const wanted = parsed.data[vendor] ?? parsed.data['default'];
  if (!wanted) return `${BIOS_PROFILE_ATTRIBUTE} has no entry for ${vendor} and no "default" — add one of them`;
  return wanted;
}

const differing = (wanted: Readonly<Record<string, BiosValue>>, have: Readonly<Record<string, BiosValue>>): Record<string, BiosValue> =>
  Object.fromEntries(Object.entries(wanted).filter(([name, value]) => have[name] !== value));

/**
 * Brings the BIOS to its profile: stage what differs, reset the host so it
 * applies during POST, and report `incomplete`; the next run reads the BIOS
 * again and succeeds once it matches. Staged-but-unapplied settings after a
 * reset count as a failed attempt (bounded by the retry policy), never a loop.
 */
export class BiosProfileRunner implements RoleRunner {
  constructor(private readonly access: NodeAccess) {}

  async run(request: RunRequest, signal: AbortSignal): Promise<RunResult> {
    const node = await enrolledNode(this.access, request.nodeRole.node);
    if (typeof node === 'string') return { status: 'failed', message: node, retryable: false };
    const wanted = wantedFor(node, request.inputs[BIOS_PROFILE_ATTRIBUTE]);
    if (typeof wanted === 'string') return { status: 'failed', message: wanted, retryable: false };
    return this.access.withDriver(node, async (driver, signal2): Promise<RunResult> => {
      const both = AbortSignal.any([signal, signal2]);
      if (!hasCapability(driver, 'bios')) {
        return { status: 'failed', message: `the BMC of ${node.name} (${driver.protocol}) cannot configure the BIOS — take this node out of the bios-profile binding`, retryable: false };
      }
      const bios = await driver.bios(both);
      const missing = differing(wanted, bios.current);
      if (Object.keys(missing).length === 0) return { status: 'ok', outputs: { 'bios.settings': JSON.parse(stableJson(wanted)) as unknown } };
      const alreadyStaged = Object.keys(differing(missing, bios.pending)).length === 0;
      if (!alreadyStaged) {
        const staged = await driver.setBiosPending(missing, both);
        if (!staged.resetRequired) return { status: 'incomplete', message: `staged ${Object.keys(missing).join(', ')}; applying without a reset` };
      }
      const was = await resetForStagedChanges(node.name, driver, this.access.clock, both);
      const names = Object.keys(missing).join(', ');
      return alreadyStaged
        ? { status: 'failed', message: `${names} staged but still not applied after a reset (host was ${was}); reset again`, retryable: true, reboot: true }
        : { status: 'incomplete', message: `staged ${names}; host ${was === 'Off' ? 'powered on' : 'restarted'} to apply`, reboot: true };
    }).catch(bmcFailure);
  }
}
