/**
 * The IPMI driver's one config object, checked at the door: every problem is
 * reported at once as `<field>: <problem> — <fix>`, before any socket opens.
 */
import type { Clock } from '../../ports/clock.js';
import type { DatagramTransport } from '../../ports/datagram.js';
import type { Random } from '../../ports/random.js';
import { BmcBadRequestError } from '../errors.js';
import { PRIVILEGE_CODES, type IpmiClientOptions, type PrivilegeLevel } from './client.js';

export interface IpmiDriverConfig {
  /** The BMC's address (IPv4, IPv6 or a name the transport resolves). */
  readonly host: string;
  /** Default 623. */
  readonly port?: number;
  /** At most 16 bytes (UTF-8). */
  readonly username: string;
  /** At most 20 bytes (UTF-8). */
  readonly password: string;
  /** Default 'administrator'; power control needs at least 'operator'. */
  readonly privilege?: PrivilegeLevel;
  readonly transport: DatagramTransport;
  readonly clock: Clock;
  readonly random: Random;
  /** Deadline of one request/response exchange, retransmissions included. Default 5000. */
  readonly timeoutMs?: number;
  /** Retransmissions within that deadline. Default 3. */
  readonly retries?: number;
  /** Requests in flight at once in the session. Default 4. */
  readonly maxInFlight?: number;
  /** A session idle this long is replaced before use. Default 45000 (BMCs time out at ~60 s). */
  readonly sessionIdleMs?: number;
  /** Local address to bind; default '0.0.0.0', or '::' for an IPv6 host. */
  readonly localHost?: string;
}

const DEFAULTS = { port: 623, privilege: 'administrator', timeoutMs: 5000, retries: 3, maxInFlight: 4, sessionIdleMs: 45_000 } as const;

function isInteger(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function hasMethods(value: unknown, names: readonly string[]): boolean {
  return typeof value === 'object' && value !== null && names.every((n) => typeof (value as Record<string, unknown>)[n] === 'function');
}

export function validateConfig(config: IpmiDriverConfig): IpmiClientOptions {
  const c = (typeof config === 'object' && config !== null ? config : {}) as Partial<Record<keyof IpmiDriverConfig, unknown>>;
  const problems: string[] = [];
  const check = (ok: boolean, problem: string): void => {
    if (!ok) problems.push(problem);
  };
  const bytes = (value: unknown): number => (typeof value === 'string' ? new TextEncoder().encode(value).length : -1);
  check(typeof c.host === 'string' && c.host.trim() !== '' && !/\s/.test(c.host), 'host: must be a non-empty address without spaces — e.g. host: "10.0.0.12"');
  check(c.port === undefined || isInteger(c.port, 1, 65_535), 'port: must be an integer from 1 to 65535 — IPMI over LAN uses 623');
  check(bytes(c.username) >= 0 && bytes(c.username) <= 16, 'username: must be a string of at most 16 bytes — IPMI user names are 16 bytes at most');
  check(bytes(c.password) >= 0 && bytes(c.password) <= 20, 'password: must be a string of at most 20 bytes — IPMI v2.0 passwords are 20 bytes at most');
  check(c.privilege === undefined || (typeof c.privilege === 'string' && c.privilege in PRIVILEGE_CODES), "privilege: must be 'user', 'operator' or 'administrator'");
  check(hasMethods(c.transport, ['bind']), 'transport: must be a DatagramTransport (an object with bind()) — pass the UDP transport');
  check(hasMethods(c.clock, ['now', 'setTimeout', 'clearTimeout']), 'clock: must be a Clock (now, setTimeout, clearTimeout) — pass the injected clock');
  check(hasMethods(c.random, ['fork', 'uint32', 'float', 'bytes']), 'random: must be a Random (fork, uint32, float, bytes) — pass the injected random');
  check(c.timeoutMs === undefined || isInteger(c.timeoutMs, 10, 600_000), 'timeoutMs: must be an integer from 10 to 600000 — e.g. timeoutMs: 5000');
  check(c.retries === undefined || isInteger(c.retries, 0, 10), 'retries: must be an integer from 0 to 10 — e.g. retries: 3');
  check(c.maxInFlight === undefined || isInteger(c.maxInFlight, 1, 32), 'maxInFlight: must be an integer from 1 to 32 — e.g. maxInFlight: 4');
  check(c.sessionIdleMs === undefined || isInteger(c.sessionIdleMs, 1_000, 3_600_000), 'sessionIdleMs: must be an integer from 1000 to 3600000 — e.g. sessionIdleMs: 45000');
  check(c.localHost === undefined || (typeof c.localHost === 'string' && c.localHost !== ''), 'localHost: must be a non-empty address — e.g. localHost: "0.0.0.0"');
  const host = typeof c.host === 'string' ? c.host : '?';
  const port = typeof c.port === 'number' ? c.port : DEFAULTS.port;
  if (problems.length > 0) {
    throw new BmcBadRequestError(`${host}:${port}`, `Failed to configure the IPMI driver for ${host}:${port}: ${problems.join('; ')}`);
  }
  return {
    host: config.host,
    port,
    username: config.username,
    password: config.password,
    privilege: config.privilege ?? DEFAULTS.privilege,
    transport: config.transport,
    clock: config.clock,
    random: config.random,
    timeoutMs: config.timeoutMs ?? DEFAULTS.timeoutMs,
    retries: config.retries ?? DEFAULTS.retries,
    maxInFlight: config.maxInFlight ?? DEFAULTS.maxInFlight,
    sessionIdleMs: config.sessionIdleMs ?? DEFAULTS.sessionIdleMs,
    localHost: config.localHost ?? (config.host.includes(':') ? '::' : '0.0.0.0'),
  };
}
