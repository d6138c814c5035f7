import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';

/** Where `drill serve` leaves what its clients need, inside the state directory. */
export const SERVER_FILE = 'server.json';
export const CA_FILE = join('tls', 'ca.crt');
export const DEFAULT_TOKEN_ENV = 'DRILL_TOKEN';

export interface ConnectionOptions {
  server?: string;
  tokenEnv: string;
  ca?: string;
  stateDir: string;
}

export interface Connection {
  readonly server: string;
  readonly token: string;
  /** PEM of the orchestrator's CA, when the server speaks HTTPS. */
  readonly caPem: string | undefined;
}

/** Resolves the server URL, token and CA: flags first, then what `drill serve` wrote in the state directory. */
export function resolveConnection(options: ConnectionOptions): Connection {
  let server = options.server;
  const serverFile = join(options.stateDir, SERVER_FILE);
  if (server === undefined) {
    if (!existsSync(serverFile)) throw new CliError(`no --server given and ${serverFile} does not exist — start \`drill serve --state-dir ${options.stateDir}\` or pass --server URL`, 2);
    server = (JSON.parse(readFileSync(serverFile, 'utf8')) as { url: string }).url;
  }
  if (!/^https?:\/\/[^/]+\/?$/.test(server)) throw new CliError(`--server: ${JSON.stringify(server)} is not a server URL — e.g. --server https://127.0.0.1:8443`, 2);
  const token = process.env[options.tokenEnv];
  if (!token) throw new CliError(`$${options.tokenEnv} is not set — export the admin token \`drill serve\` printed at first start (or name another variable with --token-env)`, 2);
  const caPath = options.ca ?? join(options.stateDir, CA_FILE);
  if (options.ca !== undefined && !existsSync(caPath)) throw new CliError(`--ca: ${caPath} does not exist — pass the orchestrator CA certificate (STATE_DIR/${CA_FILE})`, 2);
  const caPem = existsSync(caPath) ? readFileSync(caPath, 'utf8') : undefined;
  return { server: server.replace(/\/$/, ''), token, caPem };
}
