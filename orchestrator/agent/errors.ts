/** Why a work item could not be dispatched, rendered or answered. */
export type AgentErrorCode = 'AGENT_BAD_CONFIG' | 'AGENT_BAD_INPUT' | 'AGENT_NOT_OUTSTANDING' | 'AGENT_LOST_ITEM';

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

/** A role's inputs cannot make a work item (`path: problem — fix`): the same inputs would fail again. */
export class BadInputError extends AgentError {
  override name = 'BadInputError';
  constructor(message: string) {
    super('AGENT_BAD_INPUT', message);
  }
}
