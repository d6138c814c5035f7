import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseTraceLine, type TraceEvent } from './trace-event.js';

export interface TraceDivergence {
  /** 1-based line number of the first difference. */
  readonly line: number;
  /** The event on that line in each trace; absent when that trace ended first. */
  readonly a: TraceEvent | undefined;
  readonly b: TraceEvent | undefined;
  /** Top-level fields that differ (`t`, `source`, `type`, `data`…), or `end` when one trace is shorter. */
  readonly fields: readonly string[];
  /** The last event both traces agree on, for context. */
  readonly lastCommon: TraceEvent | undefined;
}

export type TraceComparison = { readonly identical: true; readonly events: number } | ({ readonly identical: false } & TraceDivergence);

function differingFields(a: TraceEvent, b: TraceEvent): string[] {
  const fields: string[] = [];
  for (const key of ['t', 'seq', 'source', 'type'] as const) if (a[key] !== b[key]) fields.push(key);
  const keys = new Set([...Object.keys(a.data), ...Object.keys(b.data)]);
  for (const key of [...keys].sort()) {
    if (JSON.stringify(a.data[key]) !== JSON.stringify(b.data[key])) fields.push(`data.${key}`);
  }
  return fields;
}

/**
 * Walks two traces line by line and stops at the first line that differs.
 * Lines are compared as bytes (traces are canonical); each line is also
 * validated, so a corrupt file is reported rather than "diverging".
 */
export async function compareTraces(
  a: AsyncIterable<string> | Iterable<string>,
  b: AsyncIterable<string> | Iterable<string>,
  names: { a: string; b: string } = { a: 'a', b: 'b' },
): Promise<TraceComparison> {
  const ia = toAsyncIterator(a);
  const ib = toAsyncIterator(b);
  let line = 0;
  let lastCommon: TraceEvent | undefined;
  try {
    for (;;) {
      const [ra, rb] = await Promise.all([ia.next(), ib.next()]);
      line++;
      if (ra.done && rb.done) return { identical: true, events: line - 1 };
      const ea = ra.done ? undefined : parseTraceLine(ra.value, `${names.a}:${line}`);
      const eb = rb.done ? undefined : parseTraceLine(rb.value, `${names.b}:${line}`);
      if (ea && eb && ra.value === rb.value) {
        lastCommon = ea;
        continue;
      }
      const fields = ea && eb ? differingFields(ea, eb) : ['end'];
      return { identical: false, line, a: ea, b: eb, fields: fields.length > 0 ? fields : ['encoding'], lastCommon };
    }
  } finally {
    // Stopping early (a divergence, a corrupt line) must still close both sources, e.g. their open files.
    await Promise.allSettled([ia.return?.(), ib.return?.()]);
  }
}

function toAsyncIterator(source: AsyncIterable<string> | Iterable<string>): AsyncIterator<string> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const it = source[Symbol.iterator]();
  return { next: async () => it.next() };
}

/** The non-empty lines of a trace file, streamed. */
export async function* readTraceLines(path: string): AsyncGenerator<string> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) if (line !== '') yield line;
  } finally {
    lines.close();
    input.destroy();
  }
}
