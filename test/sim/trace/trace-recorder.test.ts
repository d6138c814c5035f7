/**
 * TraceRecorder and canonicalJson: the bytes a trace file holds. The same run
 * must write the same bytes, so `t` is virtual time since the recorder began,
 * data keys are sorted at every depth, values JSON would silently change are
 * refused with the path of the offending value, and the digest is the SHA-256
 * of exactly the bytes written.
 *
 * Run: npx vitest run test/sim/trace/trace-recorder.test.ts
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FileTraceSink,
  InvalidArgumentError,
  InvalidTraceError,
  MemoryTraceSink,
  TraceRecorder,
  VirtualClock,
  canonicalJson,
  parseTraceLine,
  type TraceSink,
} from '../../../sim/index.js';

function recorder(sink: TraceSink = new MemoryTraceSink()) {
  const clock = new VirtualClock();
  return { clock, trace: new TraceRecorder({ clock, sink }), sink };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Records a small, fixed scenario; `flip` builds every data object with its keys in reverse order. */
async function scenario(sink: TraceSink, flip: boolean): Promise<string> {
  const { clock, trace } = recorder(sink);
  const obj = (entries: Array<[string, unknown]>): Record<string, unknown> => Object.fromEntries(flip ? [...entries].reverse() : entries);
  trace.record('bmc:r1-s1', 'power.on', obj([['state', 'On'], ['attempt', 1], ['detail', obj([['z', 1], ['a', [obj([['y', 2], ['b', 3]])]]])]]));
  await clock.runFor(125);
  trace.record('net', 'http.request', obj([['url', 'http://127.1.1.1/power'], ['method', 'GET'], ['id', 1]]));
  await clock.runFor(3);
  trace.record('client', 'server.ready', obj([['server', 'bmc:r1-s1']]));
  return trace.finish();
}

describe('TraceRecorder: line format', () => {
  it('writes {"t","seq","source","type","data"} with virtual t and data keys sorted at every depth', async () => {
    const { clock, trace, sink } = recorder();
    await clock.runFor(250);
    trace.record('bmc:r1-s1', 'power.on', { b: 1, a: { d: [{ z: 1, y: 2 }], c: 'x' } });
    expect((sink as MemoryTraceSink).lines).toEqual([
      '{"t":250,"seq":0,"source":"bmc:r1-s1","type":"power.on","data":{"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1}}',
    ]);
  });

  it('counts t from the recorder’s creation, not from the clock’s epoch', async () => {
    const clock = new VirtualClock();
    await clock.runFor(60_000);
    const sink = new MemoryTraceSink();
    const trace = new TraceRecorder({ clock, sink });
    trace.record('a', 'first');
    await clock.runFor(1_500);
    trace.record('a', 'second');
    expect(sink.lines.map((l) => parseTraceLine(l, 'x').t)).toEqual([0, 1_500]);
  });

  it('numbers events from seq 0 and counts them', () => {
    const { trace, sink } = recorder();
    for (let i = 0; i < 5; i++) trace.record('src', 'tick', { i });
    expect(trace.count).toBe(5);
    expect((sink as MemoryTraceSink).lines.map((l) => parseTraceLine(l, 'x').seq)).toEqual([0, 1, 2, 3, 4]);
  });

  it('writes data as {} when none is given', () => {
    const { trace, sink } = recorder();
    trace.record('src', 'tick');
    expect((sink as MemoryTraceSink).lines[0]).toBe('{"t":0,"seq":0,"source":"src","type":"tick","data":{}}');
  });

  it('escapes source, type and strings as JSON, so every line parses back to what was recorded', () => {
    const { trace, sink } = recorder();
    const data = { quote: 'say "hi"\n', unicode: 'größe ✓', nested: { list: [1, 'two', true, null, -0.5] } };
    trace.record('bmc:"odd"', 'type\twith\ttabs', data);
    const line = (sink as MemoryTraceSink).lines[0]!;
    expect(line).not.toContain('\n');
    const event = parseTraceLine(line, 'x');
    expect(event).toEqual({ t: 0, seq: 0, source: 'bmc:"odd"', type: 'type\twith\ttabs', data });
  });

  it('writes identical bytes for data built in different key orders', async () => {
    const a = new MemoryTraceSink();
    const b = new MemoryTraceSink();
    const digestA = await scenario(a, false);
    const digestB = await scenario(b, true);
    expect(b.lines).toEqual(a.lines);
    expect(digestB).toBe(digestA);
  });

  it('leaves out object keys whose value is undefined, as JSON does', () => {
    const { trace, sink } = recorder();
    trace.record('src', 'x', { a: 1, gone: undefined });
    expect((sink as MemoryTraceSink).lines[0]).toContain('"data":{"a":1}');
  });
});

describe('TraceRecorder: values without a faithful JSON form', () => {
  const bad: Array<{ what: string; data: Record<string, unknown>; path: string }> = [
    { what: 'NaN', data: { x: Number.NaN }, path: 'data.x' },
    { what: 'Infinity', data: { x: [1, 2, Number.POSITIVE_INFINITY] }, path: 'data.x[2]' },
    { what: 'undefined in an array', data: { x: [1, 2, undefined] }, path: 'data.x[2]' },
    { what: 'a bigint', data: { deep: { n: 10n } }, path: 'data.deep.n' },
    { what: 'a function', data: { list: [{ f: () => 1 }] }, path: 'data.list[0].f' },
    { what: 'a symbol', data: { s: Symbol('x') }, path: 'data.s' },
    { what: 'a Date (JSON would turn it into {})', data: { when: new Date(0) }, path: 'data.when' },
    { what: 'a Map (JSON would turn it into {})', data: { m: new Map([['a', 1]]) }, path: 'data.m' },
  ];
  for (const { what, data, path: where } of bad) {
    it(`refuses ${what}, naming ${where}`, () => {
      const { trace } = recorder();
      expect(() => trace.record('src', 'x', data)).toThrow(InvalidArgumentError);
      expect(() => trace.record('src', 'x', data)).toThrow(new RegExp(`^${where.replace(/[.[\]]/g, '\\$&')}: `));
    });
  }

  it('writes nothing and uses no seq for a refused event', () => {
    const { trace, sink } = recorder();
    expect(() => trace.record('src', 'bad', { x: Number.NaN })).toThrow();
    trace.record('src', 'good', { x: 1 });
    expect(trace.count).toBe(1);
    expect((sink as MemoryTraceSink).lines).toEqual(['{"t":0,"seq":0,"source":"src","type":"good","data":{"x":1}}']);
  });

  it('accepts objects without a prototype', () => {
    const data = Object.assign(Object.create(null) as Record<string, unknown>, { b: 2, a: 1 });
    expect(canonicalJson(data)).toBe('{"a":1,"b":2}');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: [3, { d: 1, c: 2 }, 1], a: { y: null, x: false } })).toBe('{"a":{"x":false,"y":null},"b":[3,{"c":2,"d":1},1]}');
  });

  it('names the path from the given root in its errors', () => {
    expect(() => canonicalJson({ x: [0, 1, Number.NaN] }, 'payload')).toThrow(/^payload\.x\[2\]: /);
  });
});

describe('TraceRecorder: digest', () => {
  it('is the SHA-256 of the bytes written (each line plus a newline)', async () => {
    const sink = new MemoryTraceSink();
    const digest = await scenario(sink, false);
    expect(digest).toBe(sha256(sink.lines.map((l) => `${l}\n`).join('')));
  });

  it('is equal for equal traces and differs when one value, one time or one event differs', async () => {
    const run = async (variant: 'base' | 'value' | 'time' | 'extra'): Promise<string> => {
      const { clock, trace } = recorder();
      trace.record('a', 'x', { n: variant === 'value' ? 2 : 1 });
      await clock.runFor(variant === 'time' ? 11 : 10);
      trace.record('a', 'y', {});
      if (variant === 'extra') trace.record('a', 'z', {});
      return trace.finish();
    };
    const base = await run('base');
    expect(await run('base')).toBe(base);
    const others = [await run('value'), await run('time'), await run('extra')];
    for (const other of others) expect(other).not.toBe(base);
    expect(new Set(others).size).toBe(3);
  });
});

describe('FileTraceSink', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'drill-trace-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the same bytes as the memory sink, one line per event', async () => {
    const file = path.join(dir, 'run.jsonl');
    const memory = new MemoryTraceSink();
    const digestMemory = await scenario(memory, false);
    const digestFile = await scenario(new FileTraceSink(file), true);
    const bytes = readFileSync(file, 'utf8');
    expect(bytes).toBe(memory.lines.map((l) => `${l}\n`).join(''));
    expect(digestFile).toBe(digestMemory);
    expect(sha256(bytes)).toBe(digestFile);
  });

  it('keeps every event of a trace larger than its buffer, in order', async () => {
    const file = path.join(dir, 'big.jsonl');
    const memory = new MemoryTraceSink();
    const write = async (sink: TraceSink): Promise<string> => {
      const { clock, trace } = recorder(sink);
      for (let i = 0; i < 3_000; i++) {
        trace.record('net', 'http.request', { i, url: `http://127.1.${i % 7}.1/redfish/v1/Systems/${'x'.repeat(i % 50)}` });
        if (i % 100 === 0) await clock.runFor(7);
      }
      return trace.finish();
    };
    const digestMemory = await write(memory);
    const digestFile = await write(new FileTraceSink(file));
    const bytes = readFileSync(file, 'utf8');
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    expect(bytes).toBe(memory.lines.map((l) => `${l}\n`).join(''));
    expect(digestFile).toBe(digestMemory);
  });

  it('replaces an existing file rather than appending to it', async () => {
    const file = path.join(dir, 'again.jsonl');
    await scenario(new FileTraceSink(file), false);
    await scenario(new FileTraceSink(file), false);
    const memory = new MemoryTraceSink();
    await scenario(memory, false);
    expect(readFileSync(file, 'utf8')).toBe(memory.lines.map((l) => `${l}\n`).join(''));
  });
});

describe('parseTraceLine', () => {
  it('parses a recorded line back into its event', () => {
    expect(parseTraceLine('{"t":5,"seq":2,"source":"net","type":"http.request","data":{"id":1}}', 'a.jsonl:3')).toEqual({
      t: 5,
      seq: 2,
      source: 'net',
      type: 'http.request',
      data: { id: 1 },
    });
  });

  const corrupt: Array<{ what: string; line: string; says: RegExp }> = [
    { what: 'text that is not JSON', line: '{"t":5,', says: /not a JSON object/ },
    { what: 'a JSON array', line: '[1,2]', says: /not a JSON object/ },
    { what: 'a negative t', line: '{"t":-1,"seq":0,"source":"a","type":"b","data":{}}', says: /t must be/ },
    { what: 'a fractional seq', line: '{"t":1,"seq":0.5,"source":"a","type":"b","data":{}}', says: /seq must be/ },
    { what: 'an empty source', line: '{"t":1,"seq":0,"source":"","type":"b","data":{}}', says: /source must be/ },
    { what: 'data that is a list', line: '{"t":1,"seq":0,"source":"a","type":"b","data":[]}', says: /data must be an object/ },
  ];
  for (const { what, line, says } of corrupt) {
    it(`rejects ${what} with InvalidTraceError naming where it is`, () => {
      expect(() => parseTraceLine(line, 'run.jsonl:12')).toThrow(InvalidTraceError);
      expect(() => parseTraceLine(line, 'run.jsonl:12')).toThrow(/^run\.jsonl:12: /);
      expect(() => parseTraceLine(line, 'run.jsonl:12')).toThrow(says);
    });
  }

  it('lists every missing field at once', () => {
    expect(() => parseTraceLine('{}', 'x:1')).toThrow(/t must be.*seq must be.*source must be.*type must be.*data must be/);
  });
});
