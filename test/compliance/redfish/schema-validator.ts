import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const BASE = 'http://redfish.dmtf.org/schemas/v1/';

/**
 * DMTF's published Redfish JSON schemas, registered by their `$id`, compiled on
 * demand. References to schemas that are not in the folder (Swordfish) are stubbed
 * with `false`, so a payload that uses one of them fails instead of passing unchecked.
 */
export class RedfishSchemas {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  readonly stubbed: string[] = [];

  constructor(folder: string) {
    this.ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false, logger: false, unicodeRegExp: false, inlineRefs: false, code: { optimize: false } });
    addFormats(this.ajv);
    const ids = new Set<string>();
    const refs = new Map<string, Set<string>>();
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.json'))) {
      const schema = JSON.parse(readFileSync(join(folder, file), 'utf8')) as { $id?: string };
      // Registered by `$id` and by file name: DMTF's odata-v4.json says its $id is odata.v4_0_5.json, yet others refer to it by name.
      const names = [schema.$id, `${BASE}${file}`].filter((id): id is string => id !== undefined && !ids.has(id));
      for (const id of new Set(names)) {
        ids.add(id);
        this.ajv.addSchema({ ...schema, $id: id });
      }
      for (const m of JSON.stringify(schema).matchAll(/"\$ref":"(https?:\/\/[^"#]+)(?:#\/definitions\/([^"]+))?"/g)) {
        const [, uri, def] = m;
        if (!uri) continue;
        const set = refs.get(uri) ?? new Set<string>();
        if (def) set.add(def);
        refs.set(uri, set);
      }
    }
    for (const [uri, defs] of refs) {
      if (ids.has(uri) || ids.has(uri.replace(/\.json$/, ''))) continue;
      this.stubbed.push(uri);
      this.ajv.addSchema({ $id: uri, definitions: Object.fromEntries([...defs].map((d) => [d, false])) });
    }
  }

  /** The validator for `#Namespace.vX_Y_Z.Type` (or `#Collection.Collection`), or undefined when no such schema is published. */
  forType(odataType: string): ValidateFunction | undefined {
    const match = /^#([A-Za-z0-9]+)(?:\.(v\d+_\d+_\d+))?\.([A-Za-z0-9]+)$/.exec(odataType);
    if (!match) return undefined;
    const [, ns, version, type] = match;
    const id = `${BASE}${ns}${version ? `.${version}` : ''}.json#/definitions/${type}`;
    return this.get(id);
  }

  get(id: string): ValidateFunction | undefined {
    let fn = this.compiled.get(id);
    if (fn) return fn;
    fn = this.ajv.getSchema(id);
    if (fn) this.compiled.set(id, fn);
    return fn;
  }

  /** Problems as readable lines, '' when valid. */
  check(fn: ValidateFunction, body: unknown): string[] {
    if (fn(body)) return [];
    return (fn.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }
}
