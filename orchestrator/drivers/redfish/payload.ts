/**
 * Reading Redfish JSON from a BMC that may send anything. Optional fields are
 * read leniently (a wrong type reads as absent: real BMCs get details wrong);
 * what an operation cannot do without throws `BmcProtocolError` naming the
 * resource and field. Nothing here throws anything else.
 */
import { BmcProtocolError } from '../errors.js';

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: Json | undefined;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireObject(bmc: string, value: unknown, where: string): JsonObject {
  if (!isObject(value)) throw new BmcProtocolError(bmc, `Failed to read ${where}: expected a JSON object, got ${describe(value)}`);
  return value;
}

export function optObject(o: JsonObject | undefined, key: string): JsonObject | undefined {
  const v = o?.[key];
  return isObject(v) ? v : undefined;
}

export function optString(o: JsonObject | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** A non-empty, trimmed string, else undefined. */
export function optText(o: JsonObject | undefined, key: string): string | undefined {
  const v = optString(o, key)?.trim();
  return v === undefined || v === '' ? undefined : v;
}

export function optNumber(o: JsonObject | undefined, key: string): number | undefined {
  const v = o?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function optBoolean(o: JsonObject | undefined, key: string): boolean | undefined {
  const v = o?.[key];
  return typeof v === 'boolean' ? v : undefined;
}

export function optArray(o: JsonObject | undefined, key: string): readonly Json[] {
  const v = o?.[key];
  return Array.isArray(v) ? v : [];
}

export function stringArray(o: JsonObject | undefined, key: string): string[] {
  return optArray(o, key).filter((v): v is string => typeof v === 'string');
}

/** `o[key]["@odata.id"]`, the way Redfish links resources. */
export function link(o: JsonObject | undefined, key: string): string | undefined {
  return odataId(o?.[key]);
}

export function odataId(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const id = value['@odata.id'];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** The `@odata.id` of each item of `o[key]` (a Links array), skipping malformed ones. */
export function links(o: JsonObject | undefined, key: string): string[] {
  const out: string[] = [];
  for (const item of optArray(o, key)) {
    const id = odataId(item);
    if (id !== undefined) out.push(id);
  }
  return out;
}

/** `<prop>@Redfish.AllowableValues` on `o`, or undefined when the BMC does not say. */
export function allowableValues(o: JsonObject | undefined, prop: string): string[] | undefined {
  const v = o?.[`${prop}@Redfish.AllowableValues`];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

/** A resource's own `Id`, else the last segment of its path. */
export function resourceId(o: JsonObject | undefined, path: string): string {
  return optText(o, 'Id') ?? path.replace(/\/+$/, '').split('/').pop() ?? path;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export interface RedfishMessage {
  readonly id: string | undefined;
  readonly text: string;
}

/**
 * The BMC's own messages: `error.@Message.ExtendedInfo` (a list, or a single
 * object on some iDRACs: field note 13), `error.message`, or a top-level
 * `@Message.ExtendedInfo`/`Messages` on a success or a Task.
 */
export function bmcMessages(body: unknown): RedfishMessage[] {
  if (!isObject(body)) return [];
  const out: RedfishMessage[] = [];
  const add = (info: unknown): void => {
    for (const item of Array.isArray(info) ? info : [info]) {
      if (!isObject(item)) continue;
      const text = optText(item, 'Message') ?? optText(item, 'Resolution') ?? optText(item, 'MessageId');
      if (text !== undefined) out.push({ id: optText(item, 'MessageId'), text });
    }
  };
  const error = optObject(body, 'error');
  if (error !== undefined) {
    add(error['@Message.ExtendedInfo']);
    const summary = optText(error, 'message');
    if (out.length === 0 && summary !== undefined) out.push({ id: optText(error, 'code'), text: summary });
  }
  add(body['@Message.ExtendedInfo']);
  add(body['Messages']);
  return out;
}

/** Messages as one line for an error text, bounded in length. */
export function messageLine(messages: readonly RedfishMessage[]): string {
  const line = messages.map((m) => (m.id !== undefined && !m.text.includes(m.id) ? `${m.text} [${m.id}]` : m.text)).join('; ');
  return line.length > 500 ? `${line.slice(0, 497)}…` : line;
}

/**
 * The path (and query) of a link or `Location` header, absolute or not. A BMC
 * behind NAT may name itself by another address; only the path is followed,
 * always on the configured endpoint.
 */
export function pathOf(location: string | undefined): string | undefined {
  if (location === undefined || location.trim() === '') return undefined;
  try {
    const url = new URL(location.trim(), 'http://bmc.invalid');
    return `${url.pathname}${url.search}`;
  } catch {
    return undefined;
  }
}
