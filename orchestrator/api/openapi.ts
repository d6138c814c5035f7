import { z } from 'zod';
import type { Route } from './routes.js';
import { ErrorBody } from './schemas.js';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
}

/** The OpenAPI 3.1 document of `routes`, built from the very objects that validate requests. */
export function openApiDocument(routes: readonly Route[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const queryShape = route.query instanceof z.ZodObject ? (route.query.shape as Record<string, z.ZodType>) : {};
    const queryParams = Object.entries(queryShape).map(([name, schema]) => ({ name, in: 'query', required: false, schema: jsonSchema(schema, 'input') }));
    const errors = { description: 'The request was refused: `{field, problem, fix}`', content: { 'application/json': { schema: jsonSchema(ErrorBody, 'output') } } };
    paths[route.path] ??= {};
    paths[route.path]![route.method] = {
      summary: route.summary,
      operationId: `${route.method}${route.path.replace(/\/api\/v1/, '').replace(/[{}]/g, '').replace(/[/-](\w)/g, (_m, c: string) => c.toUpperCase())}`,
      ...(route.auth === 'agent' ? { security: [{ agentToken: [] }] } : route.auth ? {} : { security: [] }),
      parameters: [...pathParams, ...queryParams],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      responses: {
        [String(route.status)]: route.status === 204 ? { description: 'Done (no body)' } : { description: route.accepted ?? 'OK', content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } },
        ...(route.auth ? { '401': errors } : {}),
        ...(route.body || route.query || route.path.includes('{') ? { '400': errors, '404': errors } : {}),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'drill orchestrator API', version },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A token from `drill serve` (printed once, at first start)' },
        agentToken: { type: 'http', scheme: 'bearer', description: "A node's agent token, from its install plan (docs/provisioning.md)" },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
