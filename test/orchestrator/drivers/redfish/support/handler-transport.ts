import type { RedfishHttpRequest, RedfishHttpResponse, RedfishHttpTransport } from '../../../../../orchestrator/index.js';
import type { Handler } from './mockup-handler.js';

/** Hands each request straight to a fetch-style handler: the wire without a network, for fuzzing. */
export class HandlerTransport implements RedfishHttpTransport {
  constructor(private readonly handler: Handler) {}

  async request(request: RedfishHttpRequest): Promise<RedfishHttpResponse> {
    const response = await this.handler(new Request(request.url, { method: request.method, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }) }));
    const headers: Record<string, string> = {};
    response.headers.forEach((v, k) => (headers[k] = v));
    return { status: response.status, headers, body: await response.text() };
  }

  async close(): Promise<void> {}
}
