/**
 * One BMC's Redfish session: authentication (session login with re-login on 401,
 * basic-auth fallback, session-limit back-off, logout on close), the per-request
 * timeout on the injected Clock, bounded jittered retries of transient answers,
 * same-origin link resolution, ETag/If-Match on PATCH.
 */
import { BmcAuthError, BmcBadRequestError, BmcBusyError, BmcUnreachableError } from '../errors.js';
import { classify, isSessionLimit, isSuccess, replyJson, type Reply } from './classify.js';
import type { ResolvedConfig } from './config.js';
import { isObject, link, odataId, optObject, pathOf, requireObject, type Json, type JsonObject } from './payload.js';
import { GENERIC_QUIRKS, type Quirks } from './profiles.js';
import { TransportError, type HttpMethod, type HttpTransport } from './transport.js';

export const SERVICE_ROOT = '/redfish/v1/';

/** A resource as read: where, what, and the ETag to send back on PATCH. */
export interface Resource {
  readonly path: string;
  readonly body: JsonObject;
  readonly etag: string | undefined;
}

export interface ExchangeOptions {
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Use the slow-path timeout (BIOS staging; field note 45). */
  readonly slow?: boolean;
  readonly signal?: AbortSignal | undefined;
  /** Further answers worth retrying for this call (e.g. a power state conflict). */
  readonly retryIf?: (reply: Reply) => boolean;
}

type Auth = { readonly kind: 'none' } | { readonly kind: 'basic' } | { readonly kind: 'session'; readonly token: string; readonly location: string | undefined };

/** An ETag worth sending back: empty and blank ones make some BMCs answer 412 (field note 40). */
export function usableEtag(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const tag = value.trim();
  return tag === '' || tag === '""' || tag === 'W/""' ? undefined : tag;
}

export class RedfishClient {
  readonly bmc: string;
  quirks: Quirks = GENERIC_QUIRKS;
  private auth: Auth = { kind: 'none' };
  private loginInFlight: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly cfg: ResolvedConfig,
    private readonly transport: HttpTransport,
  ) {
    this.bmc = cfg.bmc;
  }

  get authMode(): Auth['kind'] {
    return this.auth.kind;
  }

  /** Resolves a link against the BMC; a link to another host is refused. */
  resolve(path: string): string {
    let url: URL;
    try {
      url = new URL(path, this.cfg.origin);
    } catch (error) {
      throw new BmcBadRequestError(this.bmc, `Failed to follow ${JSON.stringify(path)}: not a URL path`, { cause: error });
    }
    if (url.origin !== this.cfg.origin) {
      throw new BmcBadRequestError(this.bmc, `Failed to follow ${JSON.stringify(path)}: it leaves the BMC (${url.origin}) — the driver follows only links on ${this.cfg.origin}`);
    }
    return url.href;
  }

  /**
   * Sends with auth and the retry policy; answers with any HTTP status. Throws
   * only when the BMC cannot be reached, on abort, or when the credentials fail.
   */
  async exchange(method: HttpMethod, path: string, options: ExchangeOptions = {}): Promise<Reply> {
    if (this.closed) throw new BmcBadRequestError(this.bmc, `Failed to ${method} ${path}: the driver is closed — create a new one`);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    // A POST that may have reached the BMC is not repeated on a network error: it may have acted.
    const idempotent = method !== 'POST';
    let relogged = false;
    for (let attempt = 0; attempt < this.cfg.retryAttempts; attempt++) {
      await this.ensureAuth(options.signal);
      const auth = this.auth;
      const headers: Record<string, string> = { accept: 'application/json', ...this.authHeaders(auth), ...(options.headers ?? {}) };
      if (payload !== undefined) headers['content-type'] = 'application/json';
      const sent = await this.send(method, path, payload, headers, options.slow === true ? this.cfg.slowTimeoutMs : this.cfg.timeoutMs, options.signal);
      if (!sent.ok) {
        const retryable = idempotent || sent.code === 'ECONNREFUSED';
        if (retryable && attempt + 1 < this.cfg.retryAttempts) {
          await this.backoff(attempt, undefined, options.signal);
          continue;
        }
        throw sent.error;
      }
      const reply = sent.reply;
      if (reply.status === 401 && auth.kind === 'session' && !relogged) {
        // The session expired or was dropped by the BMC: log in again, once.
        relogged = true;
        if (this.auth === auth) this.auth = { kind: 'none' };
        attempt--;
        continue;
      }
      if (this.isTransient(reply, method, options) && attempt + 1 < this.cfg.retryAttempts) {
        await this.backoff(attempt, reply, options.signal);
        continue;
      }
      return reply;
    }
    // Unreachable: the last attempt returns or throws above.
    throw new BmcBusyError(this.bmc, `Failed to ${method} ${path}: no attempt left`);
  }

  /** GET a resource; a 404 is retried once with the trailing slash toggled (field note 42). */
  async get(path: string, what: string, signal?: AbortSignal): Promise<Resource> {
    let reply = await this.exchange('GET', path, { signal });
    if (reply.status === 404) {
      const other = path.endsWith('/') ? path.replace(/\/+$/, '') : `${path}/`;
      if (other !== '') {
        const second = await this.exchange('GET', other, { signal });
        if (isSuccess(second.status)) reply = second;
      }
    }
    return this.toResource(reply, path, what);
  }

  /** GET a resource that may be missing: 404/410 → undefined. */
  async getOptional(path: string, what: string, signal?: AbortSignal): Promise<Resource | undefined> {
    const reply = await this.exchange('GET', path, { signal });
    if (reply.status === 404 || reply.status === 410) return undefined;
    return this.toResource(reply, path, what);
  }

  private toResource(reply: Reply, path: string, what: string): Resource {
    if (!isSuccess(reply.status)) throw classify(this.bmc, what, reply);
    const body = requireObject(this.bmc, replyJson(this.bmc, reply, what), `${what} (${path})`);
    return { path, body, etag: usableEtag(reply.headers['etag']) ?? usableEtag(body['@odata.etag']) };
  }

  /**
   * PATCH with If-Match: the ETag read with the resource, `*` where the profile
   * needs one and none was offered; on 412 (stale) or 428 (required) reads a
   * fresh ETag and tries once more.
   */
  async patch(resource: { readonly path: string; readonly etag: string | undefined }, body: JsonObject, what: string, options: { signal?: AbortSignal | undefined; slow?: boolean } = {}): Promise<Reply> {
    let etag = resource.etag;
    let reply: Reply | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const ifMatch = etag ?? (this.quirks.ifMatchRequired || attempt > 0 ? '*' : undefined);
      reply = await this.exchange('PATCH', resource.path, {
        body,
        headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
        signal: options.signal,
        ...(options.slow === true ? { slow: true } : {}),
      });
      if ((reply.status !== 412 && reply.status !== 428) || attempt > 0) break;
      etag = (await this.get(resource.path, what, options.signal)).etag;
    }
    if (reply === undefined || !isSuccess(reply.status)) throw classify(this.bmc, what, reply!);
    return reply;
  }

  async post(path: string, body: unknown, what: string, options: ExchangeOptions = {}): Promise<Reply> {
    const reply = await this.exchange('POST', path, { ...options, body });
    if (!isSuccess(reply.status)) throw classify(this.bmc, what, reply);
    return reply;
  }

  async delete(path: string, what: string, options: ExchangeOptions = {}): Promise<Reply> {
    const reply = await this.exchange('DELETE', path, options);
    if (!isSuccess(reply.status)) throw classify(this.bmc, what, reply);
    return reply;
  }

  /** Logs out (best effort, bounded by the timeout) and drops pooled connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.loginInFlight?.catch(() => undefined);
    this.closed = true;
    const auth = this.auth;
    this.auth = { kind: 'none' };
    if (auth.kind === 'session' && auth.location !== undefined) {
      const sent = await this.send('DELETE', auth.location, undefined, this.authHeaders(auth), this.cfg.timeoutMs, undefined).catch((error: unknown) => ({ ok: false as const, error }));
      if (!sent.ok || !isSuccess(sent.reply.status)) {
        this.cfg.log.warn(`Failed to log out of Redfish BMC ${this.bmc}: ${sent.ok ? `status ${sent.reply.status}` : String(sent.error)} — the session expires on its own`);
      }
    }
    await this.transport.close();
  }

  // -------------------------------------------------------------------------

  private isTransient(reply: Reply, method: HttpMethod, options: ExchangeOptions): boolean {
    if (reply.status === 503 || reply.status === 429) return true;
    if (reply.status >= 500 && method === 'GET' && reply.status !== 501) return true; // field note 45: 500s while configuring
    const ids = this.quirks.transientMessageIds;
    if (ids.length > 0 && !isSuccess(reply.status)) {
      const text = JSON.stringify(reply.body ?? reply.text);
      if (ids.some((id) => text.includes(id))) return true;
    }
    return options.retryIf?.(reply) ?? false;
  }

  private authHeaders(auth: Auth): Record<string, string> {
    if (auth.kind === 'session') return { 'x-auth-token': auth.token };
    if (auth.kind === 'basic') {
      const { username, password } = this.cfg.credentials;
      return { authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` };
    }
    return {};
  }

  private async ensureAuth(signal: AbortSignal | undefined): Promise<void> {
    if (this.auth.kind !== 'none') return;
    this.loginInFlight ??= this.login(signal).finally(() => {
      this.loginInFlight = undefined;
    });
    await this.loginInFlight;
  }

  /**
   * Session login: POST {UserName, Password} to the Sessions collection named by
   * the service root. No collection, or 404/405/501 → basic auth. A full session
   * pool (503, 429, "maximum sessions") → jittered back-off, bounded.
   */
  private async login(signal: AbortSignal | undefined): Promise<void> {
    const what = 'log in to the BMC';
    const root = await this.readRootForLogin(signal);
    if (root.status === 401 || root.status === 403) {
      this.auth = { kind: 'basic' }; // service root behind auth: such BMCs take basic auth
      return;
    }
    if (!isSuccess(root.status)) throw classify(this.bmc, 'read the service root', root);
    const rootBody = replyJson(this.bmc, root, 'read the service root');
    const sessions = isObject(rootBody) ? link(optObject(rootBody, 'Links'), 'Sessions') : undefined;
    if (sessions === undefined) {
      this.auth = { kind: 'basic' };
      return;
    }
    const { username, password } = this.cfg.credentials;
    let last: Reply | undefined;
    for (let attempt = 0; attempt < this.cfg.retryAttempts + 2; attempt++) {
      const sent = await this.send('POST', sessions, JSON.stringify({ UserName: username, Password: password }), { accept: 'application/json', 'content-type': 'application/json' }, this.cfg.timeoutMs, signal);
      if (!sent.ok) {
        if (attempt + 1 < this.cfg.retryAttempts) {
          await this.backoff(attempt, undefined, signal);
          continue;
        }
        throw sent.error;
      }
      const reply = (last = sent.reply);
      if (isSuccess(reply.status)) {
        const token = reply.headers['x-auth-token'];
        if (token === undefined || token === '') {
          this.cfg.log.warn(`Redfish BMC ${this.bmc} created a session without an X-Auth-Token; using basic auth`);
          this.auth = { kind: 'basic' };
          return;
        }
        const body = replyJson(this.bmc, reply, what);
        this.auth = { kind: 'session', token, location: pathOf(reply.headers['location']) ?? odataId(body) };
        return;
      }
      if (reply.status === 404 || reply.status === 405 || reply.status === 501) {
        this.auth = { kind: 'basic' };
        return;
      }
      if (isSessionLimit(reply)) {
        await this.backoff(attempt, reply, signal);
        continue;
      }
      if (reply.status === 401 || reply.status === 403) {
        throw new BmcAuthError(this.bmc, `Failed to ${what}: the BMC refused user ${JSON.stringify(username)} (${reply.status}) — check the credentials and the account's role`);
      }
      throw classify(this.bmc, what, reply);
    }
    throw new BmcBusyError(this.bmc, `Failed to ${what}: no session could be opened (${last?.status ?? 'no answer'}; the session pool looks full) — retry later or close other sessions`);
  }

  /**
   * The unauthenticated service-root read that starts a login, with the same
   * retries as any idempotent GET: a BMC that answers 503 or drops a connection
   * for a moment (flaky firmware, field notes 4, 39; DSP0266: 503 means retry
   * later) must not fail the operation that merely needed a session.
   */
  private async readRootForLogin(signal: AbortSignal | undefined): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      const sent = await this.send('GET', SERVICE_ROOT, undefined, { accept: 'application/json' }, this.cfg.timeoutMs, signal);
      const last = attempt + 1 >= this.cfg.retryAttempts;
      if (!sent.ok) {
        if (last) throw sent.error;
        await this.backoff(attempt, undefined, signal);
        continue;
      }
      if (!last && this.isTransient(sent.reply, 'GET', {})) {
        await this.backoff(attempt, sent.reply, signal);
        continue;
      }
      return sent.reply;
    }
  }

  /** Waits before a retry: exponential from the base, jittered by the Random, at least the BMC's Retry-After. */
  private async backoff(attempt: number, reply: Reply | undefined, signal: AbortSignal | undefined): Promise<void> {
    const base = Math.max(this.cfg.retryBaseDelayMs, this.quirks.busyRetryDelayMs);
    const step = Math.min(this.cfg.retryMaxDelayMs, base * 2 ** Math.min(attempt, 16));
    let delayMs = Math.round(step / 2 + (this.cfg.random.float() * step) / 2);
    const retryAfter = Number(reply?.headers['retry-after']);
    if (Number.isFinite(retryAfter) && retryAfter > 0) delayMs = Math.max(delayMs, Math.min(retryAfter * 1000, this.cfg.retryMaxDelayMs));
    if (delayMs > 0) await this.cfg.clock.sleep(delayMs, signal);
  }

  /** One exchange bounded by `timeoutMs` on the injected clock. */
  private async send(method: HttpMethod, path: string, body: string | undefined, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal | undefined): Promise<{ ok: true; reply: Reply } | { ok: false; error: BmcUnreachableError; code: string | undefined }> {
    const url = this.resolve(path);
    // One controller for both the timeout and the caller's signal: AbortSignal.any costs a weak
    // reference and a finalizer per call, which a fleet's thousands of requests feel.
    const exchange = new AbortController();
    let timedOut = false;
    const timer = this.cfg.clock.setTimeout(() => {
      timedOut = true;
      exchange.abort(new Error('timeout'));
    }, timeoutMs);
    const forward = (): void => exchange.abort(signal!.reason);
    if (signal?.aborted === true) forward();
    else signal?.addEventListener('abort', forward, { once: true });
    try {
      const res = await this.transport.request({ method, url, headers, ...(body === undefined ? {} : { body }), signal: exchange.signal });
      let parsed: Json | undefined;
      let text = res.body;
      try {
        parsed = text.trim() === '' ? undefined : (JSON.parse(text) as Json);
      } catch {
        parsed = undefined;
      }
      if (parsed !== undefined) text = '';
      return { ok: true, reply: { status: res.status, headers: res.headers, body: parsed, text, method, path } };
    } catch (error) {
      if (signal?.aborted === true) throw signal.reason;
      const code = error instanceof TransportError ? error.code : undefined;
      const reason = timedOut ? `no answer within ${timeoutMs} ms` : error instanceof Error ? error.message : String(error);
      return { ok: false, code, error: new BmcUnreachableError(this.bmc, `Failed to ${method} ${path}: ${reason}`, { cause: error }) };
    } finally {
      this.cfg.clock.clearTimeout(timer);
      signal?.removeEventListener('abort', forward);
    }
  }
}
