import type { RunResult } from '../annealer/index.js';
import type { RoleRunner, RunRequest } from '../engine/index.js';
import type { AgentHub } from './agent-hub.js';
import { BadInputError } from './errors.js';
import type { AgentResult, Resource } from './resources.js';

export interface AgentRoleRunnerOptions {
  readonly hub: AgentHub;
  /** The role's resources for this run; throws BadInputError (naming the attribute) on inputs it cannot use. */
  readonly resourcesFor: (request: RunRequest) => readonly Resource[];
  /** The role's outputs from a successful run (none when absent). */
  readonly outputsFor?: (request: RunRequest, result: AgentResult) => Readonly<Record<string, unknown>>;
}

const TAIL_LINES = 20;

/** The last lines of an agent's output: enough to see why it failed, small enough for an error message. */
export function outputTail(output: string): string {
  const lines = output.trimEnd().split('\n');
  return lines.slice(-TAIL_LINES).join('\n');
}

/**
 * Runs a role on its node's agent: renders the role's resources as a work
 * item, dispatches it and maps the agent's answer to the annealer's result.
 * Bad inputs fail without retry (the same inputs would fail again); a non-zero
 * exit is retryable, since a package mirror or a service may be back next time.
 */
export class AgentRoleRunner implements RoleRunner {
  constructor(private readonly options: AgentRoleRunnerOptions) {}

  async run(request: RunRequest, signal: AbortSignal): Promise<RunResult> {
    let result: AgentResult;
    try {
      result = await this.options.hub.dispatch(request.nodeRole.node, request.nodeRole.id, this.options.resourcesFor(request), signal);
    } catch (error) {
      if (error instanceof BadInputError) return { status: 'failed', message: error.message, retryable: false };
      throw error;
    }
    if (result.exitStatus === 0) return { status: 'ok', outputs: this.options.outputsFor?.(request, result) ?? {} };
    return { status: 'failed', message: `the work item exited with status ${result.exitStatus}:\n${outputTail(result.output)}`, retryable: true };
  }
}
