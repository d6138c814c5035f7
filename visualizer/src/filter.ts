import type { Layer } from './lifecycle.js';
import type { OrchestratorNode, OrchestratorNodeRole, TwinPhysicalState, TwinServer } from './wire.js';

/**
 * The search box: words that all must match. `key:value` narrows to one
 * field — name, rack, row, role, state (layer, lifecycle or power), flavour,
 * tag (a node attribute, `tag:key` or `tag:key=value`); a bare word matches a
 * name, rack or row. Case-insensitive substrings.
 */
export interface FilterSubject {
  readonly server: TwinServer;
  readonly rack: string;
  readonly row: string;
  readonly layer: Layer;
  readonly physical: TwinPhysicalState | undefined;
  readonly node: OrchestratorNode | undefined;
  readonly roles: readonly OrchestratorNodeRole[];
}

export type Filter = (subject: FilterSubject) => boolean;

const KEYS = ['name', 'rack', 'row', 'role', 'state', 'flavour', 'tag'] as const;
type Key = (typeof KEYS)[number];

export class FilterSyntaxError extends Error {
  override name = 'FilterSyntaxError';
  readonly code = 'FILTER_SYNTAX';
}

function fieldValues(key: Key, s: FilterSubject): string[] {
  switch (key) {
    case 'name':
      return [s.server.name];
    case 'rack':
      return [s.rack];
    case 'row':
      return [s.row];
    case 'role':
      return s.roles.map((r) => r.role);
    case 'state':
      return [s.layer, s.node?.lifecycle ?? '', s.physical?.power ?? '', s.physical?.stage ?? ''];
    case 'flavour':
      return [s.server.flavour];
    case 'tag':
      return Object.entries(s.node?.attributes ?? {}).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
}

export function parseFilter(text: string): Filter {
  const terms = text
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((t) => t !== '')
    .map((term) => {
      const colon = term.indexOf(':');
      if (colon === -1) return { keys: ['name', 'rack', 'row'] as Key[], value: term };
      const key = term.slice(0, colon);
      if (!(KEYS as readonly string[]).includes(key)) throw new FilterSyntaxError(`${key}: not a field to filter by — use one of ${KEYS.join(', ')}`);
      return { keys: [key as Key], value: term.slice(colon + 1) };
    });
  return (subject) => terms.every(({ keys, value }) => keys.some((key) => fieldValues(key, subject).some((v) => v.toLowerCase().includes(value))));
}
