import { AgentRoleRunner, type AgentHub } from '../agent/index.js';
import type { RoleRunner } from '../engine/index.js';
import { DNS_CLIENT_ROLE } from './dns-client.js';
import { HOSTNAME_ROLE } from './hostname.js';
import { NETWORK_ROLE } from './network.js';
import { NTP_ROLE } from './ntp.js';
import { PROXY_ROLE } from './proxy.js';
import type { AgentRole } from './role.js';
import { SSH_KEYS_ROLE } from './ssh-keys.js';

export { DNS_CLIENT_ROLE, HOSTNAME_ROLE, NETWORK_ROLE, NTP_ROLE, PROXY_ROLE, SSH_KEYS_ROLE };
export { READY_STATE_RETRY, type AgentRole } from './role.js';

/** Layer 5 of ready state (DESIGN.md): the ops environment, carried out by the node agent. */
export const READY_STATE_ROLES: readonly AgentRole[] = [HOSTNAME_ROLE, SSH_KEYS_ROLE, NTP_ROLE, DNS_CLIENT_ROLE, PROXY_ROLE, NETWORK_ROLE];

/** A runner per agent role, for the annealer loop's `runnerFor`; undefined for a role that is not one of `roles`. */
export function agentRunners(hub: AgentHub, roles: readonly AgentRole[] = READY_STATE_ROLES): (role: string) => RoleRunner | undefined {
  const runners = new Map(roles.map((role) => [role.spec.name, new AgentRoleRunner({ hub, resourcesFor: (request) => role.resources(request.inputs, request.nodeRole.node) })]));
  return (role) => runners.get(role);
}
