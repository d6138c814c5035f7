export { AgentError, BadInputError, type AgentErrorCode } from './errors.js';
export {
  Resource,
  PackageResource,
  FileResource,
  ServiceResource,
  UserResource,
  HostnameResource,
  CommandResource,
  CheckResource,
  OUTPUT_LIMIT_BYTES,
  type AgentResult,
  type WorkItem,
} from './resources.js';
export { renderShell } from './render-shell.js';
export { shellQuote } from './shell-quote.js';
export { AgentHub, type AgentHubOptions, type PollOptions } from './agent-hub.js';
export { AgentRoleRunner, outputTail, type AgentRoleRunnerOptions } from './agent-runner.js';
export { AGENT_SCRIPT } from './agent-script.js';
export { mintToken, tokenDigest, AGENT_TOKEN_PREFIX, type MintedToken } from './tokens.js';
