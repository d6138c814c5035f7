import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { Locator, SpecPath } from './problems.js';

/**
 * YAML text to a plain value, keeping enough of the document to place any
 * later problem at its line and column. Duplicate keys are errors; aliases are
 * bounded by the yaml library (no billion laughs).
 */
export type YamlResult =
  | { readonly ok: true; readonly value: unknown; readonly locate: Locator }
  | { readonly ok: false; readonly problems: readonly { line: number; column: number; message: string }[] };

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

export function readYaml(text: string): YamlResult {
  const lines = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { line, column: col, message: firstLine(e.message) };
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    return { ok: false, problems: [{ line: 1, column: 1, message: firstLine((error as Error).message) }] };
  }
  const locate: Locator = (path: SpecPath) => {
    // The deepest node that exists on the path: a missing field points at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const { line, col } = lines.linePos(node.range[0]);
        return { line, column: col };
      }
    }
    return undefined;
  };
  return { ok: true, value, locate };
}
