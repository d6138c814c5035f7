import { ClientRequest } from 'node:http';
import { BatchInterceptor, getRawRequest } from '@mswjs/interceptors';
import { ClientRequestInterceptor } from '@mswjs/interceptors/ClientRequest';
import { FetchInterceptor } from '@mswjs/interceptors/fetch';
import type { Clock } from '../clock/clock.js';
import type { Disposable } from '../disposable.js';
import { InvalidArgumentError, SimError } from '../errors.js';
import { NETWORK_FAULT_KINDS } from '../faults/fault-plan.js';
import type { FaultInjector, FaultObserver } from '../faults/fault-injector.js';
import type { Random } from '../random/random.js';
import { formatAddress, parseAddress } from './address.js';
import { injectedLatencyMs } from './latency.js';
import { NetworkError, type SocketErrorCode } from './network-error.js';
import { refuseNodeHttp } from './node-http-guard.js';

/** Answers requests for one address, as a server would. */
export type HttpHandler = (request: Request) => Response | Promise<Response>;

/** An HTTP request as plain data, for clients that do not speak Fetch. Header names are lower-case. */
export interface HttpMessage {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

/** An HTTP response as plain data: header names lower-case, the body read whole. */
export interface HttpMessageReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Answers an HttpMessage exactly as the listener's HttpHandler answers the same request, without making Fetch objects. */
export type HttpMessageHandler = (message: HttpMessage) => Promise<HttpMessageReply>;

export interface ListenOptions {
  /** The component's name, used as a fault target (`bmc:r1-s3`) and in traces. */
  name?: string;
  /** What `network.send` calls instead of building a Request for `handler` and reading its Response. */
  messages?: HttpMessageHandler;
}

export interface InProcessHttpNetworkOptions {
  clock: Clock;
  /** Draws latency jitter. */
  random: Random;
  faults?: FaultInjector;
  trace?: FaultObserver;
  /**
   * The process's own clients the network answers while attached. Default
   * `fetch-and-node-http`. Answering node:http(s) has a price beyond its own
   * requests: the interceptor wraps the global Request, Response and Headers
   * constructors, which makes every one of them in the process several times
   * slower. With `fetch`, node:http(s) requests throw instead (nothing reaches
   * a socket either way): for a run whose clients all send with `network.fetch`.
   */
  intercept?: 'fetch-and-node-http' | 'fetch';
}

interface Listener {
  readonly address: string;
  readonly name: string;
  readonly handler: HttpHandler;
  readonly messages: HttpMessageHandler | undefined;
}

/**
 * One client call the network routes, in the client's own shapes: a Fetch
 * Request/Response for `fetch` and the interceptors, plain data for `send`.
 */
interface Call<T extends { readonly status: number }> {
  readonly method: string;
  readonly url: string;
  /** The client's abort; undefined: it never gives up (only dispose ends a dropped call). */
  readonly signal: AbortSignal | undefined;
  /** The listener's answer, in this call's shape. */
  serve(listener: Listener): Promise<T>;
  /** A plain-text answer with this status: an injected error, a handler that crashed. */
  plain(status: number, text: string): T;
  /** The socket error as this client sees it. */
  failure(code: SocketErrorCode, message: string): Error;
  respondWith(answer: T): void;
  errorWith(reason: unknown): void;
}

const plainResponse = (status: number, text: string): Response => new Response(text, { status, headers: { 'content-type': 'text/plain' } });

/** A Fetch handler's answer to a message: the Request it would have been sent, the Response read whole. */
async function viaFetch(handler: HttpHandler, message: HttpMessage): Promise<HttpMessageReply> {
  const response = await handler(
    new Request(message.url, { method: message.method, headers: message.headers, ...(message.body === undefined ? {} : { body: message.body }), ...(message.signal ? { signal: message.signal } : {}) }),
  );
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return { status: response.status, headers, body: await response.text() };
}

/** The statuses `fetch` follows when they carry a Location. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Only one in-process network may own the process's HTTP stack at a time. */
let attached: InProcessHttpNetwork | undefined;

/**
 * Fails a request the way the real client would: `http.request` emits the socket
 * error itself, while `fetch` rejects with TypeError('fetch failed') caused by it.
 */
function failure(request: Request, code: SocketErrorCode, message: string): Error {
  const error = new NetworkError(code, message);
  return getRawRequest(request) instanceof ClientRequest ? error : new TypeError('fetch failed', { cause: error });
}

/** A Fetch-shaped call: the interceptors' and `network.fetch`'s. */
function fetchCall(request: Request, outcome: { respondWith(response: Response): void; errorWith(reason: unknown): void }): Call<Response> {
  return {
    method: request.method,
    url: request.url,
    signal: request.signal,
    serve: async (listener) => listener.handler(request),
    plain: plainResponse,
    failure: (code, message) => failure(request, code, message),
    respondWith: (response) => outcome.respondWith(response),
    errorWith: (reason) => outcome.errorWith(reason),
  };
}

/**
 * HTTP without sockets for model fidelity. While attached, every `fetch` and
 * `http(s).request` in the process is answered by the handler registered for
 * its `host:port`, on the injected clock. It fails closed: a request to an
 * address with no handler errors out; nothing reaches the real network.
 *
 * `network.fetch` is the same network without the process's HTTP stack: the
 * client's Request goes straight to the handler and the handler's Response
 * comes straight back, with the same faults, latency and trace. Intercepting
 * the global clients costs a socket emulation, HTTP/1.1 framing and parsing
 * and several copies of each message per request; clients that are handed a
 * fetch function (a driver's transport, a machine's HTTP) should be given this one.
 * `network.send` goes one step further for clients and servers that can take
 * an HTTP message as plain data (ListenOptions.messages): no Fetch objects at
 * all, which cost several times what a simulated BMC spends answering.
 *
 * Faults (targets: the listener's name and `addr:HOST:PORT`):
 * `latency` delays the answer by latencyMs ± jitterMs; `error` answers with the
 * status instead of calling the handler; `reset` fails the request like a reset
 * connection; `drop` never answers (the client's own timeout must fire).
 */
export class InProcessHttpNetwork implements Disposable {
  private readonly clock: Clock;
  private readonly jitter: Random;
  private readonly faults: FaultInjector | undefined;
  private readonly trace: FaultObserver | undefined;
  private readonly listeners = new Map<string, Listener>();
  private readonly pending = new Set<Exchange>();
  private readonly interceptor: BatchInterceptor<Array<ClientRequestInterceptor | FetchInterceptor>>;
  private readonly answersNodeHttp: boolean;
  private nodeHttpGuard: Disposable | undefined;
  private nextExchange = 1;
  private disposed = false;

  /**
   * Fetch over this network, as the global `fetch` is answered while attached,
   * minus the interception. Rejects like `fetch`: with the signal's reason on
   * abort, with TypeError('fetch failed') caused by the socket error otherwise.
   * The handler's Response is the answer; a redirect is refused rather than
   * followed, since no handler on the network sends one.
   */
  readonly fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let request: Request;
    try {
      request = new Request(input, init);
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal } = request;
    if (signal.aborted) return Promise.reject(signal.reason);
    return this.call(signal, (resolve, reject) =>
      fetchCall(request, {
        respondWith: (response) => {
          if (REDIRECT_STATUSES.has(response.status) && response.headers.has('location') && request.redirect !== 'manual') {
            reject(new TypeError('fetch failed', { cause: new SimError('INVALID_ARGUMENT', `Failed to follow the ${response.status} redirect from ${request.url}: the in-process fetch does not follow redirects — answer with the resource itself, or ask with redirect: 'manual'`) }));
          } else resolve(response);
        },
        errorWith: reject,
      }),
    );
  };

  /**
   * An HTTP exchange as plain data, routed, faulted and traced like `fetch`.
   * The listener's `messages` handler answers when it has one; otherwise its
   * Fetch handler gets the Request and its Response is read whole. Rejects
   * with the signal's reason on abort and with a NetworkError (ECONNREFUSED,
   * ECONNRESET) for socket failures. A redirect is an answer like any other.
   */
  readonly send = (message: HttpMessage): Promise<HttpMessageReply> => {
    if ((message.method === 'GET' || message.method === 'HEAD') && message.body !== undefined) {
      return Promise.reject(new InvalidArgumentError(`body: a ${message.method} request has none — send the body with POST, PUT or PATCH`));
    }
    const { signal } = message;
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    return this.call(signal, (resolve, reject) => ({
      method: message.method,
      url: message.url,
      signal,
      serve: (listener) => (listener.messages ? listener.messages(message) : viaFetch(listener.handler, message)),
      plain: (status, text) => ({ status, headers: { 'content-type': 'text/plain' }, body: text }),
      failure: (code, text) => new NetworkError(code, text),
      respondWith: resolve,
      errorWith: reject,
    }));
  };

  private constructor(options: InProcessHttpNetworkOptions) {
    this.clock = options.clock;
    this.jitter = options.random.fork('http-jitter');
    this.faults = options.faults;
    this.trace = options.trace;
    this.answersNodeHttp = (options.intercept ?? 'fetch-and-node-http') === 'fetch-and-node-http';
    this.interceptor = new BatchInterceptor({
      name: 'drill-in-process-http',
      interceptors: this.answersNodeHttp ? [new ClientRequestInterceptor(), new FetchInterceptor()] : [new FetchInterceptor()],
    });
  }

  /** Takes over the process's HTTP clients until `dispose()`. */
  static attach(options: InProcessHttpNetworkOptions): InProcessHttpNetwork {
    if (attached) {
      throw new SimError('ADDRESS_IN_USE', 'Failed to attach the in-process HTTP network: another one is attached — dispose it first');
    }
    const network = new InProcessHttpNetwork(options);
    network.interceptor.on('request', ({ request, controller }) => network.exchange(fetchCall(request, controller)));
    network.interceptor.apply();
    if (!network.answersNodeHttp) network.nodeHttpGuard = refuseNodeHttp();
    attached = network;
    return network;
  }

  /** Serves `handler` at `HOST:PORT` (e.g. `127.1.1.3:443`) until disposed. */
  listen(address: string, handler: HttpHandler, options: ListenOptions = {}): Disposable {
    if (this.disposed) throw new SimError('NETWORK_CLOSED', 'Failed to listen: the in-process HTTP network is disposed');
    const key = formatAddress(parseAddress(address, 'address'));
    if (typeof handler !== 'function') throw new InvalidArgumentError('handler: not a function — pass (request) => Response');
    if (this.listeners.has(key)) {
      throw new SimError('ADDRESS_IN_USE', `Failed to listen on ${key}: the address is already in use — dispose the other listener or pick another address`);
    }
    const listener: Listener = { address: key, name: options.name ?? `addr:${key}`, handler, messages: options.messages };
    this.listeners.set(key, listener);
    return {
      dispose: () => {
        if (this.listeners.get(key) === listener) this.listeners.delete(key);
      },
    };
  }

  /** Fails every exchange still waiting (dropped or slow) and gives the HTTP stack back. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const exchange of [...this.pending]) {
      exchange.fail('ECONNRESET', 'Failed to complete the request: the in-process network was shut down');
    }
    this.listeners.clear();
    this.interceptor.dispose();
    void this.nodeHttpGuard?.dispose();
    if (attached === this) attached = undefined;
  }

  /** A client call whose outcome settles the returned promise; the client's abort rejects it at once with the signal's reason. */
  private call<T extends { readonly status: number }>(signal: AbortSignal | undefined, make: (resolve: (answer: T) => void, reject: (reason: unknown) => void) => Call<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // The exchange sees the abort too (its `open` turns false) and drops whatever answer comes later.
      const onAbort = (): void => reject(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      const call = make(
        (answer) => {
          done();
          resolve(answer);
        },
        (reason) => {
          done();
          reject(reason);
        },
      );
      this.exchange(call).catch(reject);
    });
  }

  private async exchange<T extends { readonly status: number }>(call: Call<T>): Promise<void> {
    const id = this.nextExchange++;
    const url = new URL(call.url);
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const key = formatAddress({ host: url.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port: Number(port) });
    this.trace?.record('net', 'http.request', { id, method: call.method, url: call.url });

    const listener = this.listeners.get(key);
    if (!listener) {
      this.trace?.record('net', 'http.refused', { id, address: key });
      call.errorWith(call.failure('ECONNREFUSED', `Failed to reach ${key}: nothing listens there in the in-process network — register a handler with network.listen("${key}", …)`));
      return;
    }

    const exchange = new Exchange(call, this.pending);
    const struck = this.faults?.strikes(listener.name, NETWORK_FAULT_KINDS) ?? [];
    if (listener.name !== `addr:${key}`) struck.push(...(this.faults?.strikes(`addr:${key}`, NETWORK_FAULT_KINDS) ?? []));
    const delayMs = injectedLatencyMs(struck, this.jitter);
    if (delayMs > 0) await this.clock.sleep(delayMs);
    if (!exchange.open) return exchange.close();

    const outcome = struck.find((f) => f.kind !== 'latency');
    let answer: T;
    if (outcome?.kind === 'drop') {
      this.trace?.record('net', 'http.dropped', { id, fault: outcome.id });
      return exchange.hang();
    } else if (outcome?.kind === 'reset') {
      this.trace?.record('net', 'http.reset', { id, fault: outcome.id });
      return exchange.fail('ECONNRESET', `Failed to complete the request to ${key}: connection reset (fault ${outcome.id})`);
    } else if (outcome?.kind === 'error') {
      answer = call.plain(outcome.status, `Injected fault ${outcome.id}`);
    } else {
      try {
        answer = await call.serve(listener);
      } catch (error) {
        // A handler that throws is a bug in the simulated server: answer as a crashing server would, and say so in the trace.
        this.trace?.record('net', 'http.handler-error', { id, message: error instanceof Error ? error.message : String(error) });
        answer = call.plain(500, `Internal error in ${listener.name}`);
      }
    }
    if (!exchange.open) return exchange.close();
    this.trace?.record('net', 'http.response', { id, status: answer.status });
    exchange.respond(answer);
  }
}

/** One request being answered; at most one outcome reaches the client. */
class Exchange<T extends { readonly status: number } = { readonly status: number }> {
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly call: Call<T>,
    private readonly pending: Set<Exchange>,
  ) {
    pending.add(this);
  }

  /** False once answered, failed, or given up by the client (the interceptors fail aborted requests themselves). */
  get open(): boolean {
    return !this.closed && this.call.signal?.aborted !== true;
  }

  respond(answer: T): void {
    if (!this.open) return this.close();
    this.close();
    this.call.respondWith(answer);
  }

  fail(code: SocketErrorCode, message: string): void {
    if (!this.open) return this.close();
    this.close();
    this.call.errorWith(this.call.failure(code, message));
  }

  /**
   * Answers nothing until the client aborts or the network shuts down. The
   * listener must not return meanwhile: the interceptors would pass the request
   * through to the real network.
   */
  hang(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.call.signal?.addEventListener('abort', () => this.close(), { once: true });
    });
  }

  close(): void {
    this.closed = true;
    this.pending.delete(this);
    this.wake?.();
  }
}
