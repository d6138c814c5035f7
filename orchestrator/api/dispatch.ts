import { z } from 'zod';
import { ConflictError } from '../store/index.js';
import type { ApiTokens } from './api-tokens.js';
import { ApiError, type ApiContext, type Route, type RouteResult } from './route.js';

/**
 * What the API does with one request, whatever carries it: express over a
 * socket, or a Fetch-API handler on the in-process network in model fidelity.
 * Both adapters give the same answers because both call these.
 */

export interface RawRequest {
  readonly params: Record<string, string>;
  readonly query: unknown;
  readonly body: unknown;
  readonly authorization: string | undefined;
  /** Aborts when the client hangs up. */
  readonly signal?: AbortSignal;
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

const UNAUTHORIZED = { 'WWW-Authenticate': 'Bearer' };

/** Authenticates, validates and runs one route. Errors are thrown; `errorReply` turns them into answers. */
export async function dispatch(route: Route, ctx: ApiContext, tokens: ApiTokens, raw: RawRequest): Promise<RouteResult> {
  let agentNode;
  if (route.auth === 'agent') {
    if (!ctx.agents) throw new ApiError(503, 'this orchestrator serves no node agents', 'run the API from `drill serve`, which wires the agent hub');
    agentNode = await ctx.agents.authenticate(bearerToken(raw.authorization) ?? '');
    if (agentNode === undefined) {
      return { status: 401, headers: UNAUTHORIZED, body: { problem: 'missing or revoked agent token', fix: "send Authorization: Bearer <the node's agent token from its install plan>; a decommissioned node's agent stops" } };
    }
  }
  if (route.auth === true && tokens.verify(bearerToken(raw.authorization) ?? '') === undefined) {
    return { status: 401, headers: UNAUTHORIZED, body: { problem: 'missing or unknown API token', fix: 'send Authorization: Bearer <token> (drill serve printed one at first start)' } };
  }
  const query = route.query ? route.query.safeParse(raw.query) : undefined;
  if (query && !query.success) return { status: 400, body: validationBody(query.error, 'query') };
  const body = route.body ? route.body.safeParse(raw.body ?? {}) : undefined;
  if (body && !body.success) return { status: 400, body: validationBody(body.error, 'body') };
  return route.handle(ctx, { params: raw.params, query: query?.data, body: body?.data, ...(agentNode ? { agentNode } : {}), ...(raw.signal ? { signal: raw.signal } : {}) });
}

/** Any error from `dispatch` as the answer the client gets; unexpected ones go to `onInternalError` and answer 500. */
export function errorReply(error: unknown, onInternalError: (error: unknown) => void): RouteResult {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      body: { ...(error.field ? { field: error.field } : {}), problem: error.problem, ...(error.fix ? { fix: error.fix } : {}), ...(error.problems ? { problems: error.problems } : {}) },
    };
  }
  if (error instanceof z.ZodError) return { status: 400, body: validationBody(error, 'path') };
  if (error instanceof ConflictError) return { status: 409, body: { problem: error.message, fix: 'someone changed it meanwhile: read it again and retry' } };
  if (error instanceof SyntaxError && 'body' in error) return { status: 400, body: { field: '(body)', problem: 'the body is not valid JSON', fix: 'send a JSON object with Content-Type: application/json' } };
  onInternalError(error);
  return { status: 500, body: { problem: 'internal error', fix: 'see the orchestrator log' } };
}

export const NO_ENDPOINT_FIX = 'see GET /api/v1/openapi.json for the endpoints there are';
