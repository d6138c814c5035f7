import type { RoleSpec, RunResult } from '../annealer/index.js';
import type { RoleRunner, RunRequest } from '../engine/index.js';
import { moveNode } from '../lifecycle/index.js';
import type { Store } from '../store/index.js';
import { OS_INSTALL_ROLE } from './os-install.js';

/**
 * The top of ready state: binding it on a node binds the OS install and every
 * ops-environment role there (they are local), and once all of them are
 * active it marks the node `ready` in its lifecycle.
 */
export function nodeReadyRole(opsRoles: readonly string[]): RoleSpec {
  return {
    name: 'node-ready',
    requires: [OS_INSTALL_ROLE.name, ...opsRoles],
    after: [],
    cluster: false,
    local: true,
    inputs: [],
    outputs: [],
    retry: { maxAttempts: 3, baseDelayMs: 5_000, maxDelayMs: 60_000 },
  };
}

export class NodeReadyRunner implements RoleRunner {
  constructor(private readonly store: Store) {}

  async run(request: RunRequest): Promise<RunResult> {
    await moveNode(this.store, request.nodeRole.node, 'ready', `ready state reached in ${request.nodeRole.deployment}`);
    return { status: 'ok', outputs: {} };
  }
}
