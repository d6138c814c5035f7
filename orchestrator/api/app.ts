import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { ConflictError, type NodeRecord, type Versioned } from '../store/index.js';
import type { ApiTokens } from './api-tokens.js';
import { openApiDocument } from './openapi.js';
import { ApiError, ROUTES, type ApiContext, type Route } from './routes.js';

export interface ApiAppOptions extends ApiContext {
  readonly tokens: ApiTokens;
  /** Where unexpected errors go (the client only hears "internal error"). */
  readonly onInternalError: (error: unknown) => void;
}

function fieldOf(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[') || '(body)';
}

/** A bad request as `{field, problem, fix}` (the first problem) plus every problem found. */
export function validationBody(error: z.ZodError, where: 'body' | 'query' | 'path') {
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

/** The node an agent token belongs to (503 when this API has no agent hub). */
async function agentOf(ctx: ApiContext, req: Request): Promise<Versioned<NodeRecord> | undefined> {
  if (!ctx.agents) throw new ApiError(503, 'this orchestrator serves no node agents', 'run the API from `drill serve`, which wires the agent hub');
  return ctx.agents.authenticate(bearerToken(req.headers.authorization) ?? '');
}

function mount(app: express.Express, route: Route, ctx: ApiContext, tokens: ApiTokens): void {
  const expressPath = route.path.replace(/\{(\w+)\}/g, ':$1');
  app[route.method](expressPath, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const agentNode = route.auth === 'agent' ? await agentOf(ctx, req) : undefined;
      if (route.auth === 'agent' && agentNode === undefined) {
        res.status(401).set('WWW-Authenticate', 'Bearer').json({ problem: 'missing or revoked agent token', fix: "send Authorization: Bearer <the node's agent token from its install plan>; a decommissioned node's agent stops" });
        return;
      }
      if (route.auth === true && tokens.verify(bearerToken(req.headers.authorization) ?? '') === undefined) {
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
      const result = await route.handle(ctx, { params: req.params as Record<string, string>, query: query?.data, body: body?.data, ...(agentNode ? { agentNode } : {}) });
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
  for (const route of ROUTES) mount(app, route, options, options.tokens);
  app.use('/api', (req, res) => {
    res.status(404).json({ problem: `no endpoint ${req.method} ${req.originalUrl}`, fix: 'see GET /api/v1/openapi.json for the endpoints there are' });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ApiError) {
      res.status(error.status).json({
        ...(error.field ? { field: error.field } : {}),
        problem: error.problem,
        ...(error.fix ? { fix: error.fix } : {}),
        ...(error.problems ? { problems: error.problems } : {}),
      });
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
