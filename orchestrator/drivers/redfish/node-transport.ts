import http from 'node:http';
import https from 'node:https';
import { MAX_RESPONSE_BYTES, TransportError, type HttpRequest, type HttpResponse, type HttpTransport } from './transport.js';

export interface NodeHttpTransportOptions {
  /** PEM certificates to trust instead of the system store. */
  readonly caCertificates?: readonly string[];
  /** Accept any server certificate. Only when asked for explicitly. */
  readonly insecureSkipVerify?: boolean;
  /** Reuse connections (default). Off for BMCs that drop idle connections abruptly (field note 39). */
  readonly keepAlive?: boolean;
  /** Parallel connections to the BMC; BMCs are small, keep it low. */
  readonly maxSockets?: number;
}

/**
 * node:http(s) with one keep-alive agent per BMC (one transport per driver), so
 * TLS settings and the connection pool are per BMC. Asks for no compression:
 * compressed answers turn ETags weak, which some BMCs then refuse (field note 40).
 */
export class NodeHttpTransport implements HttpTransport {
  private readonly httpsAgent: https.Agent;
  private readonly httpAgent: http.Agent;

  constructor(options: NodeHttpTransportOptions = {}) {
    const keepAlive = options.keepAlive ?? true;
    const maxSockets = options.maxSockets ?? 4;
    this.httpsAgent = new https.Agent({
      keepAlive,
      maxSockets,
      ...(options.caCertificates !== undefined && options.caCertificates.length > 0 ? { ca: [...options.caCertificates] } : {}),
      rejectUnauthorized: options.insecureSkipVerify !== true,
    });
    this.httpAgent = new http.Agent({ keepAlive, maxSockets });
  }

  request(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    const client = secure ? https : http;
    const headers: Record<string, string> = { 'accept-encoding': 'identity', ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    return new Promise<HttpResponse>((resolve, reject) => {
      if (request.signal.aborted) return reject(request.signal.reason);
      const req = client.request(url, { method: request.method, headers, agent: secure ? this.httpsAgent : this.httpAgent, signal: request.signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            res.destroy();
            reject(new TransportError(`answer larger than ${MAX_RESPONSE_BYTES} bytes`, 'TOO_LARGE'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => reject(wrap(error, request.signal)));
        res.on('end', () => {
          const out: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.on('error', (error) => reject(wrap(error, request.signal)));
      if (request.body !== undefined) req.write(request.body);
      req.end();
    });
  }

  async close(): Promise<void> {
    this.httpsAgent.destroy();
    this.httpAgent.destroy();
  }
}

function wrap(error: Error, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  const code = (error as NodeJS.ErrnoException).code;
  return new TransportError(error.message, typeof code === 'string' ? code : undefined, { cause: error });
}
