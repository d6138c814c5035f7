import http from 'node:http';
import https from 'node:https';
import type { Clock, HttpMessage, HttpMessageReply } from '../../sim/index.js';
import { TwinError } from '../errors.js';

/**
 * The machine's HTTP client port: one request, one reply. The real adapter
 * below uses node:http/https, which the in-process network intercepts in model
 * fidelity and which go to real sockets in wire fidelity.
 */
export interface MachineRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON bodies are sent as text with their content type in `headers`. */
  readonly body?: string;
  /** PEM to verify an HTTPS server against (the orchestrator's CA from the install plan). */
  readonly caPem?: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

export interface MachineReply {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type MachineHttp = (request: MachineRequest) => Promise<MachineReply>;

/** A request that got no usable answer (refused, reset, timed out, TLS refused, an error status): the caller retries or gives up. */
export class MachineHttpError extends TwinError {
  override name = 'MachineHttpError';
  constructor(
    readonly url: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('UNREACHABLE', `Failed to fetch ${url}: ${reason}`, options);
  }
}

/**
 * A plain-message sender with the timeout on the injected clock: for the
 * in-process network's `send` (model fidelity), which hands the message to the
 * boot server or agent API without the process's HTTP stack. That network has
 * no TLS, so there is no certificate for `caPem` to verify.
 */
export function messageMachineHttp(clock: Clock, send: (message: HttpMessage) => Promise<HttpMessageReply>): MachineHttp {
  return async (request) => {
    if (request.signal.aborted) throw new MachineHttpError(request.url, 'the machine lost power');
    const exchange = new AbortController();
    let stopped = 'the machine lost power';
    const onAbort = (): void => exchange.abort();
    const timer = clock.setTimeout(() => {
      stopped = `no answer within ${request.timeoutMs} ms`;
      exchange.abort();
    }, request.timeoutMs);
    request.signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await send({ method: request.method, url: request.url, headers: request.headers ?? {}, ...(request.body === undefined ? {} : { body: request.body }), signal: exchange.signal });
    } catch (error) {
      throw new MachineHttpError(request.url, exchange.signal.aborted ? stopped : error instanceof Error ? error.message : String(error), { cause: error });
    } finally {
      clock.clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
    }
  };
}

/** node:http/https with the timeout on the injected clock. */
export function nodeMachineHttp(clock: Clock): MachineHttp {
  return (request) =>
    new Promise<MachineReply>((resolve, reject) => {
      const url = new URL(request.url);
      const client = url.protocol === 'https:' ? https : http;
      let settled = false;
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        request.signal.removeEventListener('abort', onAbort);
        outcome();
      };
      const req = client.request(
        url,
        { method: request.method, headers: { ...request.headers, ...(request.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(request.body)) }) }, ...(request.caPem === undefined ? {} : { ca: request.caPem }) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => finish(() => reject(new MachineHttpError(request.url, error.message, { cause: error }))));
          res.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [key, value] of Object.entries(res.headers)) if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
            finish(() => resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') }));
          });
        },
      );
      const fail = (reason: string): void => {
        req.destroy();
        finish(() => reject(new MachineHttpError(request.url, reason)));
      };
      const onAbort = (): void => fail('the machine lost power');
      const timer = clock.setTimeout(() => fail(`no answer within ${request.timeoutMs} ms`), request.timeoutMs);
      req.on('error', (error) => finish(() => reject(new MachineHttpError(request.url, error.message, { cause: error }))));
      if (request.signal.aborted) return fail('the machine lost power');
      request.signal.addEventListener('abort', onAbort, { once: true });
      req.end(request.body);
    });
}
