import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';

/** Something a suite needs from the host: a program on PATH, a running Docker engine… */
export interface HostRequirement {
  readonly name: string;
  /** Undefined when met; otherwise what is missing, in one line. */
  readonly problem: () => string | undefined;
}

export function commandOnPath(command: string, path = process.env.PATH ?? ''): HostRequirement {
  return {
    name: command,
    problem: () => {
      for (const dir of path.split(delimiter)) {
        if (dir === '') continue;
        try {
          accessSync(join(dir, command), constants.X_OK);
          return undefined;
        } catch {
          // Not in this directory; keep looking.
        }
      }
      return `${command} is not on PATH`;
    },
  };
}

export type HostSuitePlan = { run: true } | { run: false; skip: true; reason: string } | { run: false; skip: false; reason: string };

/**
 * Decides what a suite that needs host tools does. On a developer's machine a
 * missing tool skips the suite with the reason; in CI (CI=true) it fails,
 * because `.ci/run` must have installed it and a silent skip would hide that.
 */
export function planHostSuite(requirements: readonly HostRequirement[], env: NodeJS.ProcessEnv = process.env): HostSuitePlan {
  const problems = requirements.map((r) => r.problem()).filter((p): p is string => p !== undefined);
  if (problems.length === 0) return { run: true };
  const reason = problems.join('; ');
  return env.CI === 'true' ? { run: false, skip: false, reason } : { run: false, skip: true, reason };
}

/** `describe` for suites that drive host programs (ipmitool, docker, chromium…). */
export function describeWithHost(name: string, requirements: readonly HostRequirement[], body: () => void): void {
  const plan = planHostSuite(requirements);
  if (plan.run) {
    describe(name, body);
  } else if (plan.skip) {
    describe.skip(`${name} (skipped: ${plan.reason})`, body);
  } else {
    describe(name, () => {
      it('has what it needs on this host', () => {
        throw new Error(`${plan.reason} — CI=true, so .ci/run must install it; a suite that needs it never skips in CI`);
      });
    });
  }
}
