import express, { type NextFunction, type Request, type Response } from 'express';
import type { ApiTokens } from './api-tokens.js';
import { dispatch, errorReply, NO_ENDPOINT_FIX } from './dispatch.js';
import { openApiDocument } from './openapi.js';
import { ROUTES, type ApiContext, type Route } from './routes.js';

export { bearerToken, validationBody } from './dispatch.js';

/** A directory served as static files under a URL prefix (the visualizer, its vendored libraries). */
export interface StaticMount {
  /** `/ui`, `/ui/js`: where it appears; longer prefixes win over shorter ones. */
  readonly urlPath: string;
  readonly directory: string;
}

export interface ApiAppOptions extends ApiContext {
  readonly tokens: ApiTokens;
  /** Static files served without auth: they hold no secrets (the page asks the user for the token). */
  readonly staticMounts?: readonly StaticMount[];
  /** Where unexpected errors go (the client only hears "internal error"). */
  readonly onInternalError: (error: unknown) => void;
}

function mount(app: express.Express, route: Route, options: ApiAppOptions): void {
  const expressPath = route.path.replace(/\{(\w+)\}/g, ':$1');
  app[route.method](expressPath, async (req: Request, res: Response, next: NextFunction) => {
    const hungUp = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) hungUp.abort(new Error('the client hung up'));
    });
    try {
      const result = await dispatch(route, options, options.tokens, { params: req.params as Record<string, string>, query: req.query, body: req.body, authorization: req.headers.authorization, signal: hungUp.signal });
      res.status(result.status).set(result.headers ?? {});
      if (result.status === 204) res.end();
      else res.json(result.body);
    } catch (error) {
      next(error);
    }
  });
}

/** The REST API as an express app: bearer-token auth, validation at the edge, errors as `{field, problem, fix}`. */
export function createApiApp(options: ApiAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '1mb' }));
  const document = openApiDocument(ROUTES, options.version);
  app.get('/api/v1/openapi.json', (_req, res) => void res.json(document));
  for (const route of ROUTES) mount(app, route, options);
  const mounts = [...(options.staticMounts ?? [])].sort((a, b) => b.urlPath.length - a.urlPath.length);
  for (const { urlPath, directory } of mounts) app.use(urlPath, express.static(directory, { index: 'index.html', fallthrough: true, redirect: true }));
  app.use('/api', (req, res) => {
    res.status(404).json({ problem: `no endpoint ${req.method} ${req.originalUrl}`, fix: NO_ENDPOINT_FIX });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const reply = errorReply(error, options.onInternalError);
    res.status(reply.status).json(reply.body);
  });
  return app;
}
