import { MAX_RESPONSE_BYTES, TransportError, type HttpRequest, type HttpResponse, type HttpTransport } from './transport.js';

export interface MessageTransportOptions {
  /**
   * Carries one whole HTTP message and its whole answer as plain data. Rejects
   * on abort and on network failure (with the socket error's `code`), never on
   * an HTTP status.
   */
  readonly send: (request: HttpRequest) => Promise<HttpResponse>;
}

/**
 * An HttpTransport over a function that exchanges whole HTTP messages, without
 * Fetch or node:http objects: what model fidelity's in-process network offers
 * (its `send`), where those objects cost far more than the simulated BMC's
 * answer. Like node:https it follows no redirects and adds no compression.
 */
export class MessageTransport implements HttpTransport {
  constructor(private readonly options: MessageTransportOptions) {}

  async request(request: HttpRequest): Promise<HttpResponse> {
    let response: HttpResponse;
    try {
      response = await this.options.send(request);
    } catch (error) {
      if (request.signal.aborted) throw request.signal.reason;
      const code = (error as { code?: unknown }).code;
      throw new TransportError(error instanceof Error ? error.message : String(error), typeof code === 'string' ? code : undefined, { cause: error });
    }
    if (response.body.length > MAX_RESPONSE_BYTES) throw new TransportError(`answer larger than ${MAX_RESPONSE_BYTES} bytes`, 'TOO_LARGE');
    return response;
  }

  async close(): Promise<void> {}
}
