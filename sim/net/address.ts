import { isIP } from 'node:net';
import { InvalidArgumentError } from '../errors.js';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Parses `HOST:PORT` (`127.1.1.3:623`, `[::1]:443`, `boot.lab:80`); `field` names it in errors. */
export function parseAddress(text: string, field: string): Endpoint {
  const match = typeof text === 'string' ? /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text) : null;
  if (!match) throw new InvalidArgumentError(`${field}: ${JSON.stringify(text)} is not HOST:PORT — write e.g. 127.1.1.3:443 or [::1]:443`);
  const host = (match[1] ?? match[2])!;
  const port = Number(match[3]);
  checkEndpoint({ host, port }, field);
  return { host: host.toLowerCase(), port };
}

export function checkEndpoint(endpoint: Endpoint, field: string): void {
  const { host, port } = endpoint;
  if (typeof host !== 'string' || (isIP(host) === 0 && !HOSTNAME.test(host))) {
    throw new InvalidArgumentError(`${field}: ${JSON.stringify(host)} is not an IP address or host name — write e.g. 127.1.1.3`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError(`${field}: port ${String(port)} is out of range — use 1 to 65535`);
  }
}

/** The canonical `HOST:PORT` spelling, with IPv6 hosts in brackets. */
export function formatAddress(endpoint: Endpoint): string {
  return isIP(endpoint.host) === 6 ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}
