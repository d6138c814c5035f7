import type { Clock } from '../../ports/clock.js';
import type { Random } from '../../ports/random.js';
import { BmcBadRequestError } from '../errors.js';
import { PROFILE_IDS } from './profiles.js';
import type { HttpTransport } from './transport.js';

export interface RedfishCredentials {
  readonly username: string;
  readonly password: string;
}

/** Trust for the BMC's certificate: a private CA, or an explicit, logged skip. Omitted: the system store. */
export type RedfishTls = { readonly caCertificates: string | readonly string[] } | { readonly insecureSkipVerify: true };

export interface RedfishLog {
  warn(message: string): void;
}

export interface RedfishDriverConfig {
  /** `https://HOST[:PORT]` of the BMC (plain `http:` only for loopback addresses). */
  readonly endpoint: string;
  readonly credentials: RedfishCredentials;
  readonly clock: Clock;
  /** Forked per driver for retry jitter. */
  readonly random: Random;
  /** Per-request timeout. */
  readonly timeoutMs: number;
  /** TLS for the built-in transport; not allowed together with `transport` (configure that one instead). */
  readonly tls?: RedfishTls;
  /** Defaults to a `NodeHttpTransport` built from `tls` and `keepAlive`. */
  readonly transport?: HttpTransport;
  /** Keep connections alive (default true); false for BMCs that drop pooled connections (field note 39). */
  readonly keepAlive?: boolean;
  /** Requests for slow BMC paths (BIOS staging, held open > 60 s: field note 45); default 3 × timeoutMs. */
  readonly slowTimeoutMs?: number;
  /** How long a 202 task may run before the driver gives up waiting (default 30 min). */
  readonly taskTimeoutMs?: number;
  /** Task-monitor poll interval when the BMC sends no Retry-After (default 5 s). */
  readonly taskPollIntervalMs?: number;
  /** Attempts per request for busy/transient answers (default 4). */
  readonly retryAttempts?: number;
  /** First back-off step for retries, doubled each time with jitter (default 1 s; profiles may raise it). */
  readonly retryBaseDelayMs?: number;
  /** Cap of one back-off step (default 30 s). */
  readonly retryMaxDelayMs?: number;
  /** Force a vendor profile instead of detecting it (`generic`, `dell-idrac`, …). */
  readonly profile?: string;
  /** Which ComputerSystem to drive when the BMC manages several (its Id or path). */
  readonly systemId?: string;
  readonly log?: RedfishLog;
}

export interface ResolvedConfig {
  readonly origin: string;
  readonly bmc: string;
  readonly credentials: RedfishCredentials;
  readonly clock: Clock;
  readonly random: Random;
  readonly timeoutMs: number;
  readonly slowTimeoutMs: number;
  readonly taskTimeoutMs: number;
  readonly taskPollIntervalMs: number;
  readonly retryAttempts: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly caCertificates: readonly string[] | undefined;
  readonly insecureSkipVerify: boolean;
  readonly keepAlive: boolean;
  readonly transport: HttpTransport | undefined;
  readonly profile: string | undefined;
  readonly systemId: string | undefined;
  readonly log: RedfishLog;
}

const isLoopback = (host: string): boolean => /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '[::1]' || host === 'localhost';

/** Checks a config at the door; every problem is reported as `field: problem — fix`. */
export function resolveConfig(config: RedfishDriverConfig): ResolvedConfig {
  const c = (typeof config === 'object' && config !== null ? config : {}) as Partial<RedfishDriverConfig> & Record<string, unknown>;
  const endpointText = typeof c.endpoint === 'string' ? c.endpoint : '';
  const bmc = endpointText === '' ? '(no endpoint)' : endpointText;
  const problems: string[] = [];
  const fail = (field: string, problem: string, fix: string): void => void problems.push(`${field}: ${problem} — ${fix}`);

  let origin = '';
  let host = bmc;
  try {
    const url = new URL(endpointText);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('endpoint', `scheme ${url.protocol} is not HTTP`, 'use https://HOST[:PORT]');
    else if (url.protocol === 'http:' && !isLoopback(url.hostname)) fail('endpoint', 'plain http to a non-loopback BMC would send the password in clear', 'use https://');
    if (url.username !== '' || url.password !== '') fail('endpoint', 'carries credentials', 'pass them in credentials');
    if (url.pathname !== '/' && url.pathname !== '' && !/^\/redfish\/v1\/?$/.test(url.pathname)) fail('endpoint', `has a path (${url.pathname})`, 'give only scheme, host and port; the driver finds /redfish/v1');
    origin = url.origin;
    host = url.host;
  } catch {
    fail('endpoint', `${JSON.stringify(c.endpoint)} is not a URL`, 'use https://HOST[:PORT]');
  }

  const creds = c.credentials;
  if (typeof creds !== 'object' || creds === null) fail('credentials', 'missing', 'pass { username, password }');
  else {
    if (typeof creds.username !== 'string' || creds.username === '') fail('credentials.username', 'missing or empty', 'pass the BMC user name');
    if (typeof creds.password !== 'string') fail('credentials.password', 'missing', 'pass the BMC password (a string)');
  }
  const clock = c.clock;
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function' || typeof clock.setTimeout !== 'function' || typeof clock.clearTimeout !== 'function' || typeof clock.sleep !== 'function') {
    fail('clock', 'missing or not a Clock', 'pass the injected Clock (system clock in production, the virtual one in model fidelity)');
  }
  const random = c.random;
  if (typeof random !== 'object' || random === null || typeof random.fork !== 'function' || typeof random.float !== 'function') {
    fail('random', 'missing or not a Random', 'pass the injected Random');
  }
  const ms = (field: string, value: unknown, fallback: number | undefined, min: number, max: number): number => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      fail(field, `${JSON.stringify(value)} is not an integer in ${min}..${max}`, `pass a number of ${field.endsWith('Ms') ? 'milliseconds' : 'attempts'} in that range`);
      return fallback ?? min;
    }
    return value;
  };
  const timeoutMs = ms('timeoutMs', c.timeoutMs, undefined, 1, 600_000);
  const slowTimeoutMs = ms('slowTimeoutMs', c.slowTimeoutMs, Math.min(timeoutMs * 3, 600_000), 1, 600_000);
  const taskTimeoutMs = ms('taskTimeoutMs', c.taskTimeoutMs, 30 * 60_000, 1, 24 * 3_600_000);
  const taskPollIntervalMs = ms('taskPollIntervalMs', c.taskPollIntervalMs, 5_000, 1, 600_000);
  const retryAttempts = ms('retryAttempts', c.retryAttempts, 4, 1, 20);
  const retryBaseDelayMs = ms('retryBaseDelayMs', c.retryBaseDelayMs, 1_000, 0, 600_000);
  const retryMaxDelayMs = ms('retryMaxDelayMs', c.retryMaxDelayMs, 30_000, 0, 3_600_000);

  let caCertificates: readonly string[] | undefined;
  let insecureSkipVerify = false;
  const tls = c.tls as Record<string, unknown> | undefined;
  if (tls !== undefined) {
    if (typeof tls !== 'object' || tls === null) fail('tls', 'not an object', 'pass { caCertificates } or { insecureSkipVerify: true }');
    else if ('insecureSkipVerify' in tls && 'caCertificates' in tls) fail('tls', 'both caCertificates and insecureSkipVerify', 'trust a CA or skip verification, not both');
    else if ('insecureSkipVerify' in tls) {
      if (tls['insecureSkipVerify'] !== true) fail('tls.insecureSkipVerify', 'must be exactly true when present', 'remove it to verify certificates');
      else insecureSkipVerify = true;
    } else if ('caCertificates' in tls) {
      const ca = tls['caCertificates'];
      const list = typeof ca === 'string' ? [ca] : Array.isArray(ca) ? ca : undefined;
      if (list === undefined || list.length === 0 || list.some((p) => typeof p !== 'string' || !p.includes('-----BEGIN CERTIFICATE-----'))) {
        fail('tls.caCertificates', 'not PEM certificates', 'pass the PEM text of the CA (or CAs) that signed the BMC certificate');
      } else caCertificates = list as string[];
    } else fail('tls', 'names neither caCertificates nor insecureSkipVerify', 'pass one of them, or omit tls to use the system store');
    if (c.transport !== undefined) fail('tls', 'given together with transport', 'configure TLS on the transport you pass, or omit transport');
  }
  if (c.transport !== undefined && (typeof c.transport !== 'object' || c.transport === null || typeof c.transport.request !== 'function')) {
    fail('transport', 'not an HttpTransport', 'pass an object with request() and close(), e.g. new FetchTransport()');
  }
  if (c.keepAlive !== undefined && typeof c.keepAlive !== 'boolean') fail('keepAlive', 'not a boolean', 'pass true or false');
  if (c.profile !== undefined && !PROFILE_IDS.includes(c.profile)) fail('profile', `unknown profile ${JSON.stringify(c.profile)}`, `use one of ${PROFILE_IDS.join(', ')}`);
  if (c.systemId !== undefined && (typeof c.systemId !== 'string' || c.systemId === '')) fail('systemId', 'not a non-empty string', 'pass the system Id or path');
  const log = c.log;
  if (log !== undefined && (typeof log !== 'object' || log === null || typeof log.warn !== 'function')) fail('log', 'not a log', 'pass { warn(message) }');

  if (problems.length > 0) throw new BmcBadRequestError(host, `Failed to configure the Redfish driver for ${bmc}: ${problems.join('; ')}`);
  return {
    origin,
    bmc: host,
    credentials: creds as RedfishCredentials,
    clock: clock as Clock,
    random: (random as Random).fork(`redfish:${host}`),
    timeoutMs,
    slowTimeoutMs,
    taskTimeoutMs,
    taskPollIntervalMs,
    retryAttempts,
    retryBaseDelayMs,
    retryMaxDelayMs,
    caCertificates,
    insecureSkipVerify,
    keepAlive: c.keepAlive ?? true,
    transport: c.transport,
    profile: c.profile,
    systemId: c.systemId,
    log: log ?? { warn: (message) => process.emitWarning(message, 'DrillRedfishWarning') },
  };
}
