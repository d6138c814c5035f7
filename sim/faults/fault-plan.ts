import { z } from 'zod';
import { SimError } from '../errors.js';

/**
 * A fault plan: a serialisable list of faults aimed at named targets
 * (`bmc:*`, `node:r1-s3`, `link:r1-s1-r1-s2`, `addr:127.1.1.3:443`).
 *
 * When a fault strikes:
 * - `atMs`: once, at the first query at or after that time (ms since the run began);
 * - `window`: on every query from `fromMs` (inclusive) to `toMs` (exclusive);
 * - neither: on every query for the whole run.
 * `probability` (default 1) thins any of these: each query strikes with that chance,
 * drawn from the run's seed, so a replay strikes the same queries.
 */

/** Faults the in-process network applies to HTTP exchanges and datagrams. */
export const NETWORK_FAULT_KINDS = ['latency', 'error', 'drop', 'reset'] as const;

/** Faults that twin components (BMCs, machines, links, the orchestrator process) apply. */
export const COMPONENT_FAULT_KINDS = [
  'crash',
  'hang',
  'link-down',
  'partition',
  'disk-failure',
  'session-exhaustion',
  'wrong-credentials',
  'power-on-ignored',
  'post-hang',
  'process-kill',
  /** A sensor reads `params.value` (in its units) while the fault lasts: `params: { sensor: cpu1-temp, value: 97 }`. */
  'sensor-excursion',
  /** A machine's OS install reports `failed` to the provisioner instead of `ok`. */
  'install-fail',
  /** A machine's disk wipe reports `failed` to the provisioner instead of `ok` (the failing disk and those after it keep what they held). */
  'wipe-fail',
  /** A model agent's install of one package fails as apt does (exit status 100): `params: { package: nginx }`. */
  'package-fail',
  /** A machine's model agent stops and stays stopped until the OS boots again. */
  'agent-crash',
] as const;

export type NetworkFaultKind = (typeof NETWORK_FAULT_KINDS)[number];
export type ComponentFaultKind = (typeof COMPONENT_FAULT_KINDS)[number];
export type FaultKind = NetworkFaultKind | ComponentFaultKind;

const ALL_KINDS: readonly string[] = [...NETWORK_FAULT_KINDS, ...COMPONENT_FAULT_KINDS];

const nonNegativeMs = (field: string) =>
  z
    .number({ error: `${field} must be a number of milliseconds — write e.g. ${field}: 250` })
    .finite({ error: `${field} must be finite — write a number of milliseconds` })
    .min(0, { error: `${field} must be ≥ 0 — times count from the start of the run` });

const target = z
  .string({ error: 'target must be a string — write KIND:NAME, e.g. bmc:r1-s3 or bmc:*' })
  .regex(/^[a-z][a-z0-9-]*:\S+$/, { error: 'target must look like KIND:NAME — e.g. bmc:r1-s3, node:*, link:r1-s1-r1-s2' });

const timing = {
  id: z
    .string({ error: 'id must be a string — e.g. id: slow-bmcs' })
    .regex(/^[A-Za-z0-9._:-]+$/, { error: 'id may use letters, digits and . _ : - only — e.g. id: slow-bmcs' })
    .optional(),
  target,
  atMs: nonNegativeMs('atMs').optional(),
  window: z
    .object(
      { fromMs: nonNegativeMs('fromMs'), toMs: nonNegativeMs('toMs') },
      { error: (issue) => (issue.code === 'invalid_type' ? 'window must be an object — write window: { fromMs: 0, toMs: 60000 }' : undefined) },
    )
    .strict()
    .refine((w) => w.toMs > w.fromMs, { error: 'window.toMs must be after window.fromMs — the window would be empty' })
    .optional(),
  probability: z
    .number({ error: 'probability must be a number — write e.g. probability: 0.1' })
    .min(0, { error: 'probability must be between 0 and 1 — write e.g. probability: 0.1' })
    .max(1, { error: 'probability must be between 0 and 1 — write e.g. probability: 0.1' })
    .optional(),
};

const latencyFault = z
  .object({
    ...timing,
    kind: z.literal('latency'),
    latencyMs: nonNegativeMs('latencyMs'),
    jitterMs: nonNegativeMs('jitterMs').optional(),
  })
  .strict();

const errorFault = z
  .object({
    ...timing,
    kind: z.literal('error'),
    status: z
      .number({ error: 'status must be an HTTP status — write e.g. status: 503' })
      .int({ error: 'status must be an integer HTTP status — write e.g. status: 503' })
      .min(400, { error: 'status must be an error status from 400 to 599 — e.g. 503' })
      .max(599, { error: 'status must be an error status from 400 to 599 — e.g. 503' }),
  })
  .strict();

const bareFault = (kind: 'drop' | 'reset') => z.object({ ...timing, kind: z.literal(kind) }).strict();

const componentFault = z
  .object({
    ...timing,
    kind: z.enum(COMPONENT_FAULT_KINDS),
    /** Kind-specific details, e.g. `{ disk: "sdb" }` for a disk failure. */
    params: z
      .record(
        z.string(),
        z.union([z.string(), z.number(), z.boolean()], {
          error: 'params values must be strings, numbers or booleans — e.g. params: { disk: sdb }',
        }),
        {
          error: 'params must map names to strings, numbers or booleans — e.g. params: { disk: sdb }',
        },
      )
      .optional(),
  })
  .strict();

const faultSchema = z
  .discriminatedUnion('kind', [latencyFault, errorFault, bareFault('drop'), bareFault('reset'), componentFault], {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `kind must be one of ${ALL_KINDS.join(', ')} — pick the fault to inject`
        : issue.code === 'invalid_type'
          ? 'a fault must be an object — write { "target": "bmc:*", "kind": "drop" }'
          : undefined,
  })
  .refine((f) => !(f.atMs !== undefined && f.window !== undefined), {
    path: ['window'],
    error: 'atMs and window exclude each other — use atMs for a one-shot fault, window for a period',
  })
  .refine((f) => f.kind !== 'package-fail' || (typeof f.params?.package === 'string' && f.params.package !== ''), {
    path: ['params', 'package'],
    error: 'package-fail needs the package it fails — write params: { package: nginx }',
  });

const planSchema = z
  .object(
    {
      faults: z.array(faultSchema, { error: 'faults must be a list — write faults: [] for none' }),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? 'a fault plan must be an object — write { "faults": [ … ] }' : undefined) },
  )
  .strict();

type ParsedFault = z.infer<typeof faultSchema>;
export type FaultSpec = ParsedFault;
export type Fault = ParsedFault & { readonly id: string };
export type FaultPlanData = { faults: FaultSpec[] };

/** A plan that failed validation, with every problem as `path: problem — fix`. */
export class InvalidFaultPlanError extends SimError {
  override name = 'InvalidFaultPlanError';
  constructor(readonly problems: readonly string[]) {
    super('INVALID_FAULT_PLAN', `Failed to load the fault plan:\n  ${problems.join('\n  ')}`);
  }
}

function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    // A key that is not a plain name (an unknown field called "a b" or ":") is quoted, so the path stays unambiguous.
    else if (typeof part !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(part)) out += `[${JSON.stringify(String(part))}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out === '' ? '(plan)' : out;
}

/** One line per problem; an unknown field is named in the path itself. */
function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${issuePath([...issue.path, key])}: unknown field — remove it or check its spelling`);
  }
  return [`${issuePath(issue.path)}: ${issue.message}`];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Duplicate ids, found on the raw input so they are reported alongside every other problem. */
function duplicateIdProblems(input: unknown): string[] {
  if (!isRecord(input) || !Array.isArray(input.faults)) return [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  input.faults.forEach((fault: unknown, index) => {
    if (!isRecord(fault)) return;
    const id = fault.id === undefined ? `fault-${index}` : typeof fault.id === 'string' ? fault.id : undefined;
    if (id === undefined) return;
    const first = seen.get(id);
    if (first !== undefined) problems.push(`faults[${index}].id: "${id}" is already used by faults[${first}] — give each fault its own id`);
    else seen.set(id, index);
  });
  return problems;
}

export class FaultPlan {
  readonly faults: readonly Fault[];

  private constructor(faults: Fault[]) {
    this.faults = faults;
  }

  static empty(): FaultPlan {
    return new FaultPlan([]);
  }

  /** Validates a plan; all problems are reported at once. Nothing is half-loaded. */
  static parse(input: unknown): FaultPlan {
    const result = planSchema.safeParse(input);
    const problems = [...(result.success ? [] : result.error.issues.flatMap(describeIssue)), ...duplicateIdProblems(input)];
    if (!result.success || problems.length > 0) throw new InvalidFaultPlanError(problems);
    const faults = result.data.faults.map((spec, index) => {
      return { ...spec, id: spec.id ?? `fault-${index}` };
    });
    return new FaultPlan(faults);
  }

  static fromJSON(text: string): FaultPlan {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new InvalidFaultPlanError([`(plan): not valid JSON (${(error as Error).message}) — fix the syntax`]);
    }
    return FaultPlan.parse(data);
  }

  toJSON(): FaultPlanData {
    return { faults: this.faults.map((f) => ({ ...f })) };
  }
}
