import type { Disposable } from '../../sim/index.js';

/**
 * One HTTP request as a simulated BMC sees it, independent of the transport: the
 * Fetch adapter (model fidelity, InProcessHttpNetwork) and the HTTPS adapter (wire
 * fidelity) both build it, so the socket path avoids Fetch objects on the hot path.
 */
export interface RedfishRequest {
  readonly method: string;
  /** The raw path, e.g. `/redfish/v1/Systems/1`. */
  readonly path: string;
  /** The raw query without `?`, '' when none. */
  readonly query: string;
  /** A header by lower-case name. */
  header(name: string): string | undefined;
  /** The body as text, '' when none. */
  readonly body: string;
}

/** A server-sent event stream: `open` starts writing chunks until the returned disposable runs or `close` is called. */
export interface EventStream {
  open(write: (chunk: string) => void, close: () => void): Disposable;
}

export interface RedfishReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly stream?: EventStream;
}

/** Headers every Redfish response carries. */
export const ODATA_HEADERS: Readonly<Record<string, string>> = { 'OData-Version': '4.0' };

export const JSON_TYPE = 'application/json; charset=utf-8';

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): RedfishReply {
  return { status, headers: { 'Content-Type': JSON_TYPE, ...ODATA_HEADERS, ...headers }, body: JSON.stringify(value) };
}

export function emptyReply(status: number, headers: Record<string, string> = {}): RedfishReply {
  return { status, headers: { ...ODATA_HEADERS, ...headers } };
}

/** Header lookup over a plain record whose keys may be in any case. */
export function headerLookup(headers: Readonly<Record<string, string | string[] | undefined>>): (name: string) => string | undefined {
  return (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
}
