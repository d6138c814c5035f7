import { z } from 'zod';
import { datacenterSchema } from './schema.js';

/**
 * The spec's JSON Schema, generated from the same zod schema that validates it,
 * so editors and the loader never disagree on shape. Draft-07, which
 * yaml-language-server and most editors understand. Rules a schema cannot say
 * (references, collisions, addresses) are checked only by the loader.
 */
export function datacenterJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(datacenterSchema, { io: 'input', target: 'draft-07' });
}

/** The committed text of scenarios/datacenters/datacenter.schema.json. */
export function datacenterJsonSchemaText(): string {
  return `${JSON.stringify(datacenterJsonSchema(), null, 2)}\n`;
}
