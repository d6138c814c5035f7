import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { BadInputError, type FileResource, type Resource } from '../agent/index.js';
import type { RoleSpec } from '../annealer/index.js';

/** A role the node agent carries out: its declaration and a pure function of its inputs to resources. */
export interface AgentRole {
  readonly spec: RoleSpec;
  /** Throws BadInputError naming the attribute when the inputs cannot make a work item. */
  resources(inputs: Readonly<Record<string, unknown>>, node: string): Resource[];
}

/** Ready-state roles are cheap to repeat: a few tries for a mirror or service that was briefly away. */
export const READY_STATE_RETRY = { maxAttempts: 3, baseDelayMs: 10_000, maxDelayMs: 300_000 } as const;

export function readyStateSpec(name: string, inputs: readonly string[]): RoleSpec {
  return { name, requires: [], after: [], cluster: false, local: true, inputs, outputs: [], retry: READY_STATE_RETRY };
}

/** Parses a role's inputs; every problem as `attribute: problem — fix`, in one BadInputError. */
export function parseInputs<T>(role: string, schema: z.ZodType<T>, inputs: Readonly<Record<string, unknown>>): T {
  const parsed = schema.safeParse(inputs);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const [attribute, ...rest] = issue.path.map(String);
    return `${[attribute, ...rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))].join('').replace(/\.\[/g, '[') || '(inputs)'}: ${issue.message}`;
  });
  throw new BadInputError(`Failed to render role ${role}: ${problems.join('; ')}`);
}

/** A file only the orchestrator writes, saying so at the top. */
export function managedFile(path: string, lines: readonly string[], mode = '0644'): FileResource {
  return { kind: 'file', path, content: ['# Managed by drill: changes here are overwritten.', ...lines, ''].join('\n'), mode, owner: 'root', group: 'root' };
}

/**
 * A command that runs once per version of `content`: its stamp file is named
 * after the content's hash, so it reruns exactly when the content changes.
 */
export function onceFor(label: string, content: string, run: string): Resource {
  const stamp = `/var/lib/drill/stamps/${label}-${createHash('sha256').update(content).digest('hex').slice(0, 16)}`;
  return { kind: 'command', run: `${run}\nmkdir -p "$DRILL_ROOT/var/lib/drill/stamps"\ntouch "$DRILL_ROOT${stamp}"`, creates: stamp };
}
