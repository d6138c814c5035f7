import { once } from 'node:events';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import type { AgentHub } from '../agent/index.js';
import type { RoleCatalog } from '../annealer/index.js';
import type { ObservedStore } from '../store/index.js';
import type { KeyAndCertificate } from '../tls/certificate-authority.js';
import type { ApiTokens } from './api-tokens.js';
import { createApiApp, type StaticMount } from './app.js';
import type { BmcServices, NodeTeardown } from './route.js';
import { attachEventStream } from './event-stream.js';

export interface ApiServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  store: ObservedStore;
  catalog: RoleCatalog;
  tokens: ApiTokens;
  version: string;
  /** The server's certificate; without one the API serves plain HTTP, which only loopback allows. */
  tls: KeyAndCertificate | undefined;
  onInternalError: (error: unknown) => void;
  /** BMC access for enrollment, power and boot; without it those endpoints answer 503. */
  bmc?: BmcServices;
  /** Node agents' work queue; without it the agent endpoints answer 503. */
  agents?: AgentHub;
  /** Decommission and reprovision; without it those endpoints answer 503. */
  teardown?: NodeTeardown;
  /** Directories to serve as static files (the visualizer at `/ui/`). */
  staticMounts?: readonly StaticMount[];
}

export interface RunningApiServer {
  readonly url: string;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** Serves the REST API and the event stream; HTTPS unless it is a loopback-only demo. */
export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  if (!options.tls && !isLoopback(options.host)) {
    throw new Error(`Failed to serve the API on ${options.host}: plain HTTP is only allowed on loopback — give it a certificate (the orchestrator's CA issues one) or listen on 127.0.0.1`);
  }
  const app = createApiApp({
    store: options.store,
    catalog: options.catalog,
    tokens: options.tokens,
    version: options.version,
    onInternalError: options.onInternalError,
    ...(options.bmc ? { bmc: options.bmc } : {}),
    ...(options.agents ? { agents: options.agents } : {}),
    ...(options.teardown ? { teardown: options.teardown } : {}),
    ...(options.staticMounts ? { staticMounts: options.staticMounts } : {}),
  });
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.keyPem, cert: options.tls.certificatePem }, app) : createHttpServer(app);
  const detach = attachEventStream(server, options.store, options.tokens);
  // once() rejects with the server's 'error' (a port in use) instead of waiting for 'listening'.
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = isIP(options.host) === 6 ? `[${options.host}]` : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    close: async () => {
      detach();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
