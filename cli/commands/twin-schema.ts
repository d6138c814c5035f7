import { datacenterJsonSchemaText } from '../../twins/index.js';

/** `drill twin schema`: the datacenter spec's JSON Schema, as committed in scenarios/datacenters/. */
export function twinSchema(write: (text: string) => void): number {
  write(datacenterJsonSchemaText());
  return 0;
}
