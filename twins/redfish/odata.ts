import { RedfishProblem } from './messages.js';
import type { RedfishMessage } from './messages.js';
import type { RouteContext } from './router.js';

export type Json = Record<string, unknown>;

export function link(path: string): { '@odata.id': string } {
  return { '@odata.id': path };
}

export function collection(path: string, type: string, name: string, members: readonly string[]): Json {
  return {
    '@odata.id': path,
    '@odata.type': `#${type}.${type}`,
    Name: name,
    'Members@odata.count': members.length,
    Members: members.map(link),
  };
}

/** An ISO 8601 time with an explicit offset, as Redfish writes it. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export const STATUS_OK = { State: 'Enabled', Health: 'OK' } as const;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request body as a JSON object; an empty body is `{}`. Malformed JSON or a non-object is 400. */
export function jsonBody(ctx: RouteContext, options: { allowEmpty?: boolean } = {}): Json {
  const text = ctx.req.body.trim();
  if (text === '') {
    if (options.allowEmpty ?? true) return {};
    throw new RedfishProblem(400, [ctx.state.book.make('MalformedJSON')]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RedfishProblem(400, [ctx.state.book.make('MalformedJSON')]);
  }
  if (!isRecord(value)) throw new RedfishProblem(400, [ctx.state.book.make('MalformedJSON')]);
  return value;
}

/** What a PATCH may write: `true` for a property, a nested spec for an object property. */
export type WritableSpec = { readonly [key: string]: true | WritableSpec };

/**
 * Checks a PATCH body against what the resource shows now (`current`) and what may be
 * written: a property the resource has but that is not writable is PropertyNotWritable,
 * one it does not have is PropertyUnknown. Annotations (`@…`) are left to the caller.
 */
export function checkPatch(ctx: RouteContext, body: Json, current: Json, writable: WritableSpec, prefix = ''): RedfishMessage[] {
  const book = ctx.state.book;
  const problems: RedfishMessage[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key.includes('@')) continue;
    const path = `${prefix}/${key}`;
    const name = prefix === '' ? key : `${prefix.slice(1).replaceAll('/', '.')}.${key}`;
    const spec = writable[key];
    if (spec === undefined) {
      problems.push(key in current ? book.make('PropertyNotWritable', [name], [`#${path}`]) : book.make('PropertyUnknown', [name], [`#${path}`]));
    } else if (spec !== true) {
      if (!isRecord(value)) problems.push(book.make('PropertyValueTypeError', [JSON.stringify(value), name], [`#${path}`]));
      else problems.push(...checkPatch(ctx, value, isRecord(current[key]) ? current[key] : {}, spec, path));
    }
  }
  return problems;
}

export function badRequest(messages: readonly RedfishMessage[]): RedfishProblem {
  return new RedfishProblem(400, messages);
}

/** `$top`/`$skip` over a collection's members (the only query the twin supports besides `only`-free GETs). */
export function pageMembers(ctx: RouteContext, members: readonly string[]): { members: readonly string[]; nextLink: string | undefined } {
  const query = new URLSearchParams(ctx.req.query);
  const top = query.get('$top');
  const skip = query.get('$skip');
  if (top === null && skip === null) return { members, nextLink: undefined };
  const parse = (name: string, text: string | null, fallback: number): number => {
    if (text === null) return fallback;
    if (!/^\d+$/.test(text)) throw new RedfishProblem(400, [ctx.state.book.make('QueryParameterValueTypeError', [text, name])]);
    return Number(text);
  };
  const start = parse('$skip', skip, 0);
  const count = parse('$top', top, members.length);
  const page = members.slice(start, start + count);
  const next = start + count < members.length ? `${ctx.path}?$skip=${start + count}${top === null ? '' : `&$top=${count}`}` : undefined;
  return { members: page, nextLink: next };
}
