import { type AgentHub } from '../agent/index.js';
import type { RoleSpec } from '../annealer/index.js';
import type { RoleRunner } from '../engine/index.js';
import { hardwareRoles, type NodeAccess, type RoleSet } from '../hardware/index.js';
import { agentRunners, READY_STATE_ROLES } from '../roles/index.js';
import type { Store } from '../store/index.js';
import { NodeReadyRunner, nodeReadyRole } from './node-ready.js';
import { OS_INSTALL_ROLE, OsInstallRunner, type BootIntents } from './os-install.js';

export interface ReadyStateOptions {
  readonly store: Store;
  readonly access: NodeAccess;
  readonly provisioner: BootIntents;
  readonly agents: AgentHub;
  /** Give up on one install after this long (default one hour). */
  readonly installTimeoutMs?: number;
}

/**
 * Every layer of ready state as one catalog: hardware through the BMC (3),
 * the OS by network boot (4), the ops environment through the node agent (5),
 * and `node-ready` on top, which marks the node ready once its own layers are
 * done. Ops roles need the installed OS on their node, whatever they are bound with.
 */
export function readyStateRoles(options: ReadyStateOptions): RoleSet {
  const hardware = hardwareRoles(options.access);
  const opsNames = READY_STATE_ROLES.map((role) => role.spec.name);
  const ops: RoleSpec[] = READY_STATE_ROLES.map(({ spec }) => ({ ...spec, requires: [...spec.requires, OS_INSTALL_ROLE.name] }));
  const ready = nodeReadyRole(opsNames);
  const agentRunner = agentRunners(options.agents);
  const runners = new Map<string, RoleRunner>(hardware.runners);
  runners.set(
    OS_INSTALL_ROLE.name,
    new OsInstallRunner({ store: options.store, provisioner: options.provisioner, access: options.access, ...(options.installTimeoutMs ? { timeoutMs: options.installTimeoutMs } : {}) }),
  );
  for (const name of opsNames) runners.set(name, agentRunner(name)!);
  runners.set(ready.name, new NodeReadyRunner(options.store));
  return { specs: [...hardware.specs, OS_INSTALL_ROLE, ...ops, ready], runners };
}
