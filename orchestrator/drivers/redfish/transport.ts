/**
 * The HTTP port of the Redfish driver: one request, one fully read answer.
 *
 * Decision: Node 20 bundles undici inside `fetch` but does not export it, and the
 * project installs no `undici`, so per-BMC TLS settings (a private CA, or an
 * explicit skip-verify) and keep-alive pooling cannot go through `fetch`'s
 * `dispatcher`. The default adapter is therefore `NodeHttpTransport` (node:https
 * with one keep-alive `https.Agent` per BMC); `FetchTransport` uses the global
 * `fetch`, which is what model fidelity's in-process network answers without
 * sockets (it intercepts node:http(s) too, so either adapter works there).
 */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  readonly method: HttpMethod;
  /** Absolute URL. */
  readonly url: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Aborts the exchange (the driver's per-request timeout, or the caller). */
  readonly signal: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Sends requests to one BMC. Rejects on network failure or abort; never on an
 * HTTP status. Answers larger than `MAX_RESPONSE_BYTES` are refused.
 */
export interface HttpTransport {
  request(request: HttpRequest): Promise<HttpResponse>;
  /** Drops pooled connections. */
  close(): Promise<void>;
}

/** No Redfish resource this driver reads comes near this; a larger answer is a broken or hostile BMC. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** A transport failure that is not an abort: refused, reset, DNS, TLS, oversized. */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(
    message: string,
    /** `ECONNRESET`, `ECONNREFUSED`, `CERT_…`, `TOO_LARGE`, … when known. */
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
