import { isIP } from 'node:net';

export type ProtocolChoice = 'auto' | 'redfish' | 'ipmi';

export const REDFISH_DEFAULT_PORT = 443;
export const IPMI_DEFAULT_PORT = 623;

/** One BMC to enroll: its address, and a port when it does not use the protocol's default. */
export interface EnrollTarget {
  readonly address: string;
  /** Redfish (HTTPS) port, or the IPMI port when the protocol is `ipmi`; default 443 / 623. */
  readonly port?: number;
  /** The node's name; default derived from the address (`bmc-10-0-0-12`). */
  readonly name?: string;
}

/** `HOST`, `HOST:PORT` or `[V6]:PORT` → a target, or a `problem — fix` string. */
export function parseTarget(text: string): EnrollTarget | string {
  const trimmed = text.trim();
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  const v4 = /^([^:\s]+)(?::(\d+))?$/.exec(trimmed);
  const match = v6 ?? (isIP(trimmed) === 6 ? [trimmed, trimmed, undefined] : v4);
  if (!match) return `${JSON.stringify(text)} is not an address — write HOST or HOST:PORT, e.g. 10.0.0.12 or 10.0.0.12:8443`;
  const address = match[1]!;
  if (!/^[A-Za-z0-9.:-]+$/.test(address)) return `${JSON.stringify(address)} is not a host name or IP address — e.g. 10.0.0.12`;
  if (match[2] === undefined) return { address };
  const port = Number(match[2]);
  if (!(port >= 1 && port <= 65_535)) return `port ${match[2]} is out of range — use 1 to 65535`;
  return { address, port };
}

/** A stable node name from the BMC address (API node names allow letters, digits, . _ -). */
export function nodeNameFor(address: string, port: number | undefined): string {
  const base = `bmc-${address.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
  return port === undefined ? base : `${base}-p${port}`;
}
