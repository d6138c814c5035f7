import type { z } from 'zod';
import type { SpecProblem } from '../errors.js';

/** Where in the spec a problem is: keys and list indexes from the top, as in the file. */
export type SpecPath = readonly (string | number)[];

/** 1-based line and column of a path in the source text, when it has one. */
export type Locator = (path: SpecPath) => { line: number; column: number } | undefined;

interface Entry {
  readonly at: SpecPath;
  readonly problem: string;
  readonly fix: string;
  /** Problems with the same path and group collapse into one line with a count (generated racks repeat themselves). */
  readonly group: string | undefined;
}

/** `sites[0].rows[1].name`, `templates.compute-1u`; a key that is not a plain name is quoted so the path stays unambiguous. */
export function formatPath(path: SpecPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (!/^[A-Za-z_$][\w$-]*$/.test(part)) out += `[${JSON.stringify(part)}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out === '' ? '(spec)' : out;
}

/** The candidate nearest to `word` by edit distance, when it is near enough to be a typo. */
function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** `did you mean X?` when a near name exists, else the list to choose from. */
export function suggest(word: string, candidates: readonly string[], what: string): string {
  const near = closest(word, candidates);
  if (near !== undefined) return `did you mean ${near}?`;
  return candidates.length === 0 ? `define a ${what} first` : `use one of ${candidates.slice(0, 12).join(', ')}${candidates.length > 12 ? ', …' : ''}`;
}

/** Splits a schema message `problem — fix`; a message without a fix points at the schema. */
function splitMessage(message: string): [problem: string, fix: string] {
  const at = message.indexOf(' — ');
  if (at < 0) return [message, 'see scenarios/datacenters/datacenter.schema.json for the allowed shape'];
  return [message.slice(0, at), message.slice(at + 3)];
}

/** A problem about the spec as a whole (it cannot be read or parsed), optionally placed in the text. */
export function wholeSpecProblem(problem: string, fix: string, where?: { line: number; column: number }): SpecProblem {
  return { path: '(spec)', problem, fix, text: `(spec): ${problem} — ${fix}`, ...(where ? { line: where.line, column: where.column } : {}) };
}

/** Every problem found while loading a spec, collected rather than thrown, so all are reported at once. */
export class Problems {
  private readonly entries: Entry[] = [];
  private readonly seen = new Set<string>();

  get size(): number {
    return this.entries.length;
  }

  add(at: SpecPath, problem: string, fix: string, group?: string): void {
    this.entries.push({ at, problem, fix, group });
  }

  /** A problem with a shared part (a default many servers inherit): reported once, however often it is met. */
  addOnce(at: SpecPath, problem: string, fix: string): void {
    const key = `${formatPath(at)}\u0000${problem}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.add(at, problem, fix);
  }

  /** A schema issue; an unknown field is named in the path itself, with the nearest known field. */
  addIssue(issue: z.core.$ZodIssue, base: SpecPath, knownKeys: (path: SpecPath) => readonly string[]): void {
    const at = [...base, ...(issue.path as (string | number)[])];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const near = closest(key, knownKeys(at));
        this.add([...at, key], 'unknown field', near === undefined ? 'remove it or check its spelling' : `did you mean ${near}?`);
      }
    } else if (issue.code === 'invalid_key') {
      // A record key's own message says what is wrong with the key.
      this.add(at, ...splitMessage(issue.issues[0]?.message ?? issue.message));
    } else {
      this.add(at, ...splitMessage(issue.message));
    }
  }

  /** The problems as users read them: in file order (line, then column) where known, repeats of one group folded into a count. */
  render(locate: Locator): SpecProblem[] {
    const groups = new Map<string, { entry: Entry; count: number }>();
    const order: { entry: Entry; count: number }[] = [];
    for (const entry of this.entries) {
      const key = entry.group === undefined ? undefined : `${formatPath(entry.at)}\u0000${entry.group}`;
      const existing = key === undefined ? undefined : groups.get(key);
      if (existing) {
        existing.count++;
        continue;
      }
      const slot = { entry, count: 1 };
      if (key !== undefined) groups.set(key, slot);
      order.push(slot);
    }
    const rendered = order.map(({ entry, count }, seq) => {
      const path = formatPath(entry.at);
      const problem = count > 1 ? `${entry.problem} (and ${count - 1} more like it)` : entry.problem;
      const where = locate(entry.at);
      const detail: SpecProblem = { path, problem, fix: entry.fix, text: `${path}: ${problem} — ${entry.fix}`, ...(where ? { line: where.line, column: where.column } : {}) };
      return { detail, seq };
    });
    const position = (d: SpecProblem): number => (d.line === undefined ? Infinity : d.line * 100_000 + (d.column ?? 0));
    rendered.sort((a, b) => position(a.detail) - position(b.detail) || a.seq - b.seq);
    return rendered.map((r) => r.detail);
  }
}
