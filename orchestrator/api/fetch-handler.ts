import type { ApiAppOptions } from './app.js';
import { dispatch, errorReply, NO_ENDPOINT_FIX } from './dispatch.js';
import { openApiDocument } from './openapi.js';
import { ROUTES } from './routes.js';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { ...(status === 204 ? {} : { 'content-type': 'application/json' }), ...headers } });
}

/**
 * The same API as a Fetch-API handler, for model fidelity: the twin's model
 * agents reach it over the in-process network, without a socket, and get the
 * answers the HTTPS server would give (same routes, auth and validation).
 */
export function createApiFetchHandler(options: ApiAppOptions): (request: Request) => Promise<Response> {
  const routes = ROUTES.map((route) => ({ route, pattern: new RegExp(`^${route.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`) }));
  const document = openApiDocument(ROUTES, options.version);
  return async (request) => {
    const url = new URL(request.url);
    if (request.method === 'GET' && url.pathname === '/api/v1/openapi.json') return json(200, document);
    const method = request.method.toLowerCase();
    for (const { route, pattern } of routes) {
      const match = route.method === method ? pattern.exec(url.pathname) : null;
      if (!match) continue;
      const params = Object.fromEntries(Object.entries(match.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
      try {
        const text = await request.text();
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          return json(400, { field: '(body)', problem: 'the body is not valid JSON', fix: 'send a JSON object with Content-Type: application/json' });
        }
        const result = await dispatch(route, options, options.tokens, { params, query: Object.fromEntries(url.searchParams), body, authorization: request.headers.get('authorization') ?? undefined, signal: request.signal });
        return json(result.status, result.body, result.headers);
      } catch (error) {
        const reply = errorReply(error, options.onInternalError);
        return json(reply.status, reply.body);
      }
    }
    return json(404, { problem: `no endpoint ${request.method} ${url.pathname}${url.search}`, fix: NO_ENDPOINT_FIX });
  };
}
