import { InvalidArgumentError } from '../errors.js';

/**
 * JSON with object keys sorted at every level, so that two runs that build the
 * same data in a different order still write the same bytes. Rejects values
 * JSON would silently change (NaN, undefined, bigint, functions).
 */
export function canonicalJson(value: unknown, path = 'data'): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidArgumentError(`${path}: ${value} has no JSON form — record a finite number or a string`);
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`)).join(',')}]`;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        // A Date, Map, Set, typed array or class instance would lose its contents (a Map becomes {}).
        const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
        throw new InvalidArgumentError(`${path}: a ${typeof name === 'string' && name !== '' ? name : 'non-plain object'} has no faithful JSON form — record plain objects, arrays, strings, numbers and booleans (e.g. a date as an ISO string)`);
      }
      const keys = Object.keys(value).sort();
      const parts: string[] = [];
      for (const key of keys) {
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) continue;
        parts.push(`${JSON.stringify(key)}:${canonicalJson(v, `${path}.${key}`)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new InvalidArgumentError(`${path}: a ${typeof value} has no JSON form — record strings, numbers, booleans, arrays and plain objects`);
  }
}
