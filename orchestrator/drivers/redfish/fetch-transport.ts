import { MAX_RESPONSE_BYTES, TransportError, type HttpRequest, type HttpResponse, type HttpTransport } from './transport.js';

/**
 * The global `fetch`: what model fidelity's in-process network answers. It has no
 * per-BMC TLS settings (Node 20 does not expose undici's dispatcher), so use it
 * for the twin or for BMCs whose certificates the system store trusts.
 */
export class FetchTransport implements HttpTransport {
  async request(request: HttpRequest): Promise<HttpResponse> {
    let res: Response;
    try {
      res = await fetch(request.url, {
        method: request.method,
        // No compression: it makes ETags weak (field note 40).
        headers: { 'accept-encoding': 'identity', ...request.headers },
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: request.signal,
      });
    } catch (error) {
      if (request.signal.aborted) throw request.signal.reason;
      const cause = (error as { cause?: { code?: unknown } }).cause;
      const code = typeof cause?.code === 'string' ? cause.code : undefined;
      throw new TransportError(error instanceof Error ? error.message : String(error), code, { cause: error });
    }
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > MAX_RESPONSE_BYTES) {
      await res.body?.cancel();
      throw new TransportError(`answer larger than ${MAX_RESPONSE_BYTES} bytes`, 'TOO_LARGE');
    }
    let body: string;
    try {
      body = await res.text();
    } catch (error) {
      if (request.signal.aborted) throw request.signal.reason;
      throw new TransportError(error instanceof Error ? error.message : String(error), undefined, { cause: error });
    }
    if (body.length > MAX_RESPONSE_BYTES) throw new TransportError(`answer larger than ${MAX_RESPONSE_BYTES} bytes`, 'TOO_LARGE');
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
    return { status: res.status, headers, body };
  }

  async close(): Promise<void> {}
}
