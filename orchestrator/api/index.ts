export { ApiTokens } from './api-tokens.js';
export { createApiApp, validationBody, bearerToken, type ApiAppOptions, type StaticMount } from './app.js';
export { createApiFetchHandler } from './fetch-handler.js';
export { attachEventStream, EVENT_STREAM_PATH } from './event-stream.js';
export { openApiDocument } from './openapi.js';
export { ApiError, ROUTES, type NodeTeardown, type ApiContext, type BmcServices, type Route, type HttpMethod } from './routes.js';
export { BMC_ROUTES } from './bmc-routes.js';
export { nodeView } from './views.js';
export { startApiServer, isLoopback, type ApiServerOptions, type RunningApiServer } from './api-server.js';
