export { AgentError, type AgentErrorCode } from './errors.js';
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
