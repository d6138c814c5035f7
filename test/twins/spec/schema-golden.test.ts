/**
 * The published JSON Schema (scenarios/datacenters/datacenter.schema.json) is
 * the one the loader's schema generates, and editors validating with it agree
 * with the loader on the examples and on an unknown field.
 *
 * After changing the spec's shape, regenerate the committed file with
 *   UPDATE_GOLDEN=1 npx vitest run test/twins/spec
 * (or: npx drill twin schema > scenarios/datacenters/datacenter.schema.json) and review the diff.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { datacenterJsonSchema, datacenterJsonSchemaText } from '../../../twins/index.js';

const dir = (name: string): string => fileURLToPath(new URL(`../../../scenarios/datacenters/${name}`, import.meta.url));
const GOLDEN = dir('datacenter.schema.json');

describe('scenarios/datacenters/datacenter.schema.json', () => {
  it('is what the loader generates', () => {
    const generated = datacenterJsonSchemaText();
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, generated);
    expect(readFileSync(GOLDEN, 'utf8'), 'the committed schema is stale — run UPDATE_GOLDEN=1 npx vitest run test/twins/spec').toBe(generated);
  });

  it('accepts every example spec, as an editor would', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(datacenterJsonSchema());
    for (const example of ['lab.yaml', 'pod.yaml', 'site-10k.yaml']) {
      const text = readFileSync(dir(example), 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./datacenter.schema.json');
      expect(validate(parse(text)), `${example}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('flags an unknown field and an unknown flavour, as the loader does', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(datacenterJsonSchema());
    const lab = parse(readFileSync(dir('lab.yaml'), 'utf8'));
    lab.sites[0].rows[0].racks[0].uHieght = 42;
    lab.sites[0].rows[0].racks[0].servers[0].flavour = 'dell-idrac8';
    expect(validate(lab)).toBe(false);
    const paths = validate.errors!.map((e) => e.instancePath);
    expect(paths).toContain('/sites/0/rows/0/racks/0');
    expect(paths).toContain('/sites/0/rows/0/racks/0/servers/0/flavour');
  });
});
