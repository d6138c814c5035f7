import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { ConflictError } from '../store/index.js';
import type { ApiTokens } from './api-tokens.js';
import { openApiDocument } from './openapi.js';
import { ApiError, ROUTES, type ApiContext, type Route } from './routes.js';

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

function fieldOf(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[') || '(body)';
}

/** A bad request as `{field, problem, fix}` (the first problem) plus every problem found. */
function validationBody(error: z.ZodError, where: 'body' | 'query' | 'path') {
  const problems = error.issues.map((issue) => {
    const [problem, fix] = issue.message.includes(' — ') ? issue.message.split(' — ', 2) : [issue.message, 'see GET /api/v1/openapi.json for what this endpoint takes'];
    const field = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : fieldOf(issue.path);
    return {
      field: where === 'body' ? field : `${where}.${field}`,
      problem: issue.code === 'unrecognized_keys' ? 'unknown field' : problem!,
      fix: issue.code === 'unrecognized_keys' ? 'remove it or check its spelling' : fix!,
    };
  });
  return { ...problems[0], problems };
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

function mount(app: express.Express, route: Route, ctx: ApiContext, tokens: ApiTokens): void {
  const expressPath = route.path.replace(/\{(\w+)\}/g, ':$1');
  app[route.method](expressPath, async (req: Request, res: Response, next: NextFunction) => {
    try {
      if (route.auth && tokens.verify(bearerToken(req.headers.authorization) ?? '') === undefined) {
        res.status(401).set('WWW-Authenticate', 'Bearer').json({ problem: 'missing or unknown API token', fix: 'send Authorization: Bearer <token> (drill serve printed one at first start)' });
        return;
      }
      const query = route.query ? route.query.safeParse(req.query) : undefined;
      if (query && !query.success) {
        res.status(400).json(validationBody(query.error, 'query'));
        return;
      }
      const body = route.body ? route.body.safeParse(req.body ?? {}) : undefined;
      if (body && !body.success) {
        res.status(400).json(validationBody(body.error, 'body'));
        return;
      }
      const result = await route.handle(ctx, { params: req.params as Record<string, string>, query: query?.data, body: body?.data });
      res.status(result.status).json(result.body);
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
  for (const route of ROUTES) mount(app, route, options, options.tokens);
  const mounts = [...(options.staticMounts ?? [])].sort((a, b) => b.urlPath.length - a.urlPath.length);
  for (const { urlPath, directory } of mounts) app.use(urlPath, express.static(directory, { index: 'index.html', fallthrough: true, redirect: true }));
  app.use('/api', (req, res) => {
    res.status(404).json({ problem: `no endpoint ${req.method} ${req.originalUrl}`, fix: 'see GET /api/v1/openapi.json for the endpoints there are' });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ApiError) {
      res.status(error.status).json({ ...(error.field ? { field: error.field } : {}), problem: error.problem, ...(error.fix ? { fix: error.fix } : {}) });
    } else if (error instanceof z.ZodError) {
      res.status(400).json(validationBody(error, 'path'));
    } else if (error instanceof ConflictError) {
      res.status(409).json({ problem: error.message, fix: 'someone changed it meanwhile: read it again and retry' });
    } else if (error instanceof SyntaxError && 'body' in error) {
      res.status(400).json({ field: '(body)', problem: 'the body is not valid JSON', fix: 'send a JSON object with Content-Type: application/json' });
    } else {
      options.onInternalError(error);
      res.status(500).json({ problem: 'internal error', fix: 'see the orchestrator log' });
    }
  });
  return app;
}
