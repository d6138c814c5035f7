/**
 * compareTraces and readTraceLines: what `drill trace diff` is built on. Two
 * traces are identical or diverge at a first line, with the fields that differ;
 * a corrupt line is reported as such (file:line), never as a divergence.
 *
 * Run: npx vitest run test/sim/trace/trace-diff.test.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidTraceError, compareTraces, readTraceLines, type TraceComparison } from '../../../sim/index.js';

/** One canonical trace line. */
function line(t: number, seq: number, type: string, data: Record<string, unknown> = {}, source = 'net'): string {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify({ t, seq, source, type, data: sorted });
}

const BASE = [
  line(0, 0, 'http.request', { id: 1, url: 'http://127.1.1.1/power' }),
  line(40, 1, 'http.response', { id: 1, status: 200 }),
  line(40, 2, 'power.on', { attempt: 1 }, 'bmc:r1-s1'),
  line(90, 3, 'server.ready', { server: 'bmc:r1-s1' }, 'client'),
];

function withLine(index: number, replacement: string): string[] {
  return BASE.map((l, i) => (i === index ? replacement : l));
}

function divergence(result: TraceComparison) {
  if (result.identical) throw new Error('expected the traces to diverge');
  return result;
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the comparison to fail');
}

describe('compareTraces', () => {
  it('reports identical traces with their event count', async () => {
    expect(await compareTraces(BASE, [...BASE])).toEqual({ identical: true, events: 4 });
    expect(await compareTraces([], [])).toEqual({ identical: true, events: 0 });
  });

  it('names the first diverging line (1-based) and only the field that differs: t', async () => {
    const result = divergence(await compareTraces(BASE, withLine(2, line(41, 2, 'power.on', { attempt: 1 }, 'bmc:r1-s1'))));
    expect(result.line).toBe(3);
    expect(result.fields).toEqual(['t']);
    expect(result.a?.t).toBe(40);
    expect(result.b?.t).toBe(41);
    expect(result.lastCommon).toEqual(JSON.parse(BASE[1]!));
  });

  it('names a differing type', async () => {
    const result = divergence(await compareTraces(BASE, withLine(1, line(40, 1, 'http.refused', { id: 1, status: 200 }))));
    expect(result.line).toBe(2);
    expect(result.fields).toEqual(['type']);
  });

  it('names differing data keys as data.KEY, in key order', async () => {
    const result = divergence(
      await compareTraces(BASE, withLine(0, line(0, 0, 'http.request', { id: 1, url: 'http://127.1.1.2/power', foo: 'new' }))),
    );
    expect(result.line).toBe(1);
    expect(result.fields).toEqual(['data.foo', 'data.url']);
    expect(result.lastCommon).toBeUndefined();
  });

  it('lists several differing fields at once', async () => {
    const result = divergence(await compareTraces(BASE, withLine(3, line(95, 3, 'server.failed', { server: 'bmc:r1-s1' }, 'watchdog'))));
    expect(result.fields).toEqual(['t', 'source', 'type']);
  });

  it('stops at the first divergence even when later lines differ too', async () => {
    const b = BASE.map((l, i) => (i >= 1 ? l.replace('"t":', '"t":1') : l));
    expect(divergence(await compareTraces(BASE, b)).line).toBe(2);
  });

  it('reports field end when one trace is a prefix of the other, either way round', async () => {
    const shorter = BASE.slice(0, 2);
    const ab = divergence(await compareTraces(BASE, shorter));
    expect(ab).toMatchObject({ line: 3, fields: ['end'], b: undefined });
    expect(ab.a).toEqual(JSON.parse(BASE[2]!));
    expect(ab.lastCommon).toEqual(JSON.parse(BASE[1]!));
    const ba = divergence(await compareTraces(shorter, BASE));
    expect(ba).toMatchObject({ line: 3, fields: ['end'], a: undefined });
    expect(divergence(await compareTraces([], BASE))).toMatchObject({ line: 1, fields: ['end'] });
  });

  it('reports a corrupt line as InvalidTraceError naming file:line, not as a divergence', async () => {
    const error = await errorOf(compareTraces(BASE, withLine(2, '{"t": 40, "seq": 2'), { a: 'good.jsonl', b: 'bad.jsonl' }));
    expect(error).toBeInstanceOf(InvalidTraceError);
    expect((error as Error).message).toMatch(/^bad\.jsonl:3: /);
  });

  it('reports a corrupt line even where the other trace has already ended', async () => {
    const error = await errorOf(compareTraces(BASE.slice(0, 1), [BASE[0]!, 'garbage'], { a: 'a.jsonl', b: 'b.jsonl' }));
    expect(error).toBeInstanceOf(InvalidTraceError);
    expect((error as Error).message).toMatch(/^b\.jsonl:2: /);
  });

  it('closes both sources when it stops early', async () => {
    const closed: string[] = [];
    async function* source(name: string, lines: string[]): AsyncGenerator<string> {
      try {
        yield* lines;
      } finally {
        closed.push(name);
      }
    }
    await compareTraces(source('a', BASE), source('b', withLine(0, line(1, 0, 'x'))));
    expect(closed.sort()).toEqual(['a', 'b']);
    closed.length = 0;
    await errorOf(compareTraces(source('a', BASE), source('b', ['not json', ...BASE])));
    expect(closed.sort()).toEqual(['a', 'b']);
  });
});

describe('readTraceLines on files', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'drill-trace-diff-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function file(name: string, text: string): string {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  }

  async function collect(p: string): Promise<string[]> {
    const out: string[] = [];
    for await (const l of readTraceLines(p)) out.push(l);
    return out;
  }

  it('yields each line without its newline, with or without a final newline or CRLF endings', async () => {
    expect(await collect(file('lf.jsonl', `${BASE.join('\n')}\n`))).toEqual(BASE);
    expect(await collect(file('no-final.jsonl', BASE.join('\n')))).toEqual(BASE);
    expect(await collect(file('crlf.jsonl', `${BASE.join('\r\n')}\r\n`))).toEqual(BASE);
    expect(await collect(file('empty.jsonl', ''))).toEqual([]);
  });

  it('compares two files: identical, diverging, and corrupt (named by path and line)', async () => {
    const a = file('a.jsonl', `${BASE.join('\n')}\n`);
    const same = file('same.jsonl', `${BASE.join('\n')}\n`);
    const other = file('other.jsonl', `${withLine(3, line(90, 3, 'server.failed', { server: 'bmc:r1-s1' }, 'client')).join('\n')}\n`);
    const bad = file('bad.jsonl', `${BASE.slice(0, 2).join('\n')}\n{oops\n`);
    expect(await compareTraces(readTraceLines(a), readTraceLines(same), { a, b: same })).toEqual({ identical: true, events: 4 });
    expect(divergence(await compareTraces(readTraceLines(a), readTraceLines(other), { a, b: other }))).toMatchObject({ line: 4, fields: ['type'] });
    const error = await errorOf(compareTraces(readTraceLines(a), readTraceLines(bad), { a, b: bad }));
    expect(error).toBeInstanceOf(InvalidTraceError);
    expect((error as Error).message.startsWith(`${bad}:3: `)).toBe(true);
  });
});
