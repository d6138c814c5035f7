/**
 * `$expand` (DSP0266 "Query parameters"): references in a resource replaced by
 * the resources they point at, as if each had been read with its own GET.
 * `.` expands the references outside `Links` (a collection's Members among
 * them), `~` those under `Links`, `*` both; `($levels=n)` goes n deep.
 */
import type { ExpandSupport } from './flavours/index.js';
import type { MessageBook } from './messages.js';
import { RedfishProblem } from './messages.js';
import { isRecord, type Json } from './odata.js';

export type ExpandForm = '.' | '~' | '*';

export interface ExpandRequest {
  readonly form: ExpandForm;
  readonly levels: number;
}

const SYNTAX = /^([.~*])(?:\(\$levels=(\d+)\))?$/;

/**
 * What `$expand=value` asks of a service with `support`: the expansion to do,
 * undefined to serve the resource as it is (a lenient service ignoring a form
 * it lacks), or a RedfishProblem the way the service refuses it.
 */
export function expandRequest(value: string, support: ExpandSupport, book: MessageBook): ExpandRequest | undefined {
  const match = SYNTAX.exec(value);
  if (!match) throw new RedfishProblem(400, [book.make('QueryParameterValueFormatError', [value, '$expand'])]);
  let form = match[1] as ExpandForm;
  if (form === '*' && !support.expandAll && support.lenient) form = '.';
  const offered = form === '*' ? support.expandAll : form === '~' ? support.links : support.noLinks;
  if (!offered) {
    if (support.lenient) return undefined;
    throw new RedfishProblem(501, [book.make('QueryParameterUnsupported', [`$expand=${form}`])]);
  }
  const levels = match[2] === undefined ? 1 : Number(match[2]);
  if (match[2] !== undefined && !support.levels && !support.lenient) throw new RedfishProblem(501, [book.make('QueryParameterUnsupported', ['$levels'])]);
  if (levels < 1 || levels > support.maxLevels) throw new RedfishProblem(400, [book.make('QueryParameterOutOfRange', [String(levels), '$levels', `1-${support.maxLevels}`])]);
  return { form, levels: support.levels ? levels : 1 };
}

/** A bare reference: `{"@odata.id": …}` and nothing else. */
function referenceOf(value: Json): string | undefined {
  const keys = Object.keys(value);
  return keys.length === 1 && typeof value['@odata.id'] === 'string' ? value['@odata.id'] : undefined;
}

/**
 * `resource` with the references `request` selects replaced by what `read`
 * answers for them (undefined: left as a reference, as for a resource the
 * service cannot render). Expanded resources are expanded again while levels remain.
 */
export async function expandResource(resource: Json, request: ExpandRequest, read: (path: string) => Promise<Json | undefined>): Promise<Json> {
  const walk = async (value: unknown, underLinks: boolean, levels: number): Promise<unknown> => {
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const item of value) out.push(await walk(item, underLinks, levels));
      return out;
    }
    if (!isRecord(value)) return value;
    const path = referenceOf(value);
    if (path !== undefined) {
      const wanted = request.form === '*' || (request.form === '~') === underLinks;
      if (!wanted) return value;
      const target = await read(path);
      return target === undefined ? value : levels > 1 ? walk(target, false, levels - 1) : target;
    }
    const out: Json = {};
    for (const [key, inner] of Object.entries(value)) out[key] = await walk(inner, underLinks || key === 'Links', levels);
    return out;
  };
  return (await walk(resource, false, request.levels)) as Json;
}
