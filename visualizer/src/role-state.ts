import type { OrchestratorNodeRole } from './wire.js';

/** A node-role's state in words, with why it waits when it is blocked. */
export function stateText(r: OrchestratorNodeRole): string {
  const reason = r.state.reason;
  if (!reason) return r.state.kind;
  const roleNames = (ids: readonly string[]): string => ids.map((id) => id.slice(id.indexOf('/') + 1)).join(', ');
  if (reason.code === 'parents_pending' && r.waitingOn) return `${r.state.kind} (waiting on ${roleNames(r.waitingOn)})`;
  if (reason.code === 'parent_error' && reason.parents) return `${r.state.kind} (parent in error: ${roleNames(reason.parents)})`;
  return `${r.state.kind} (${reason.code.replace(/_/g, ' ')})`;
}
