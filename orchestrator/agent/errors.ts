/** Why a work item could not be dispatched, rendered or answered. */
export type AgentErrorCode = 'AGENT_BAD_RESOURCE' | 'AGENT_NOT_OUTSTANDING' | 'AGENT_LOST_ITEM';

export class AgentError extends Error {
  override name = 'AgentError';
  constructor(
    readonly code: AgentErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
