import { readFile } from 'node:fs/promises';
import { InvalidSpecError } from '../errors.js';
import type { Env } from './credentials.js';
import { wholeSpecProblem } from './problems.js';
import { resolveDatacenter } from './resolve.js';
import type { Datacenter } from './types.js';
import { readYaml } from './yaml-source.js';

export interface ParseOptions {
  /** Names the spec in errors, e.g. its file path. Default `(spec)`. */
  readonly source?: string;
  /** Where `passwordEnv` variables are read; the CLI passes `process.env`. Default: empty. */
  readonly env?: Env;
  /** See ResolveOptions.bmcAddressing. */
  readonly bmcAddressing?: 'per-bmc' | 'shared-host';
}

/** A datacenter from YAML (or JSON) text; every problem carries its line and column. */
export function parseDatacenterSpec(text: string, options: ParseOptions = {}): Datacenter {
  const source = options.source ?? '(spec)';
  const yaml = readYaml(text);
  if (!yaml.ok) {
    throw new InvalidSpecError(
      source,
      yaml.problems.map(({ line, column, message }) =>
        wholeSpecProblem(`YAML syntax error at line ${line}, column ${column}: ${message}`, 'fix the syntax there (indentation, quotes, brackets, duplicate keys)', { line, column }),
      ),
    );
  }
  return resolveDatacenter(yaml.value, {
    source,
    locate: yaml.locate,
    ...(options.env ? { env: options.env } : {}),
    ...(options.bmcAddressing ? { bmcAddressing: options.bmcAddressing } : {}),
  });
}

/** A datacenter from a spec file; a file that cannot be read is one problem, like any other. */
export async function loadDatacenterSpec(path: string, options: Omit<ParseOptions, 'source'> = {}): Promise<Datacenter> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InvalidSpecError(path, [wholeSpecProblem(`cannot read the file (${reason})`, 'check the path and that it is a readable file')]);
  }
  return parseDatacenterSpec(text, { ...options, source: path });
}
