// The checker against small virtual trees: every rule must catch what it is for
// (right path, line, column) and leave the near misses alone. Without these, the
// real-tree test could pass because the checker is blind.
import { describe, expect, it } from 'vitest';
import { checkSources, DETERMINISM_EXEMPTIONS, formatViolation, type RuleId, type Violation } from './source-rules.js';

const src = (...lines: string[]): string => lines.join('\n');

function check(files: Record<string, string>): Violation[] {
  return checkSources(new Map(Object.entries(files)));
}

/** `path:line:col rule` — enough to say what was caught and where. */
function where(files: Record<string, string>): string[] {
  return check(files).map((v) => `${v.path}:${v.line}:${v.column} ${v.rule}`);
}

/** Two harmless lines first, so the reported line must really be 3. */
function onLine3(statement: string): string {
  return src("import { z } from 'zod';", 'export const schema = z.string();', statement);
}

function expectOne(files: Record<string, string>, rule: RuleId, path: string, line: number): Violation {
  const found = check(files);
  expect(found.map(formatViolation)).toHaveLength(1);
  const v = found[0]!;
  expect({ path: v.path, line: v.line, rule: v.rule }).toEqual({ path, line, rule });
  return v;
}

describe('formatViolation', () => {
  it('prints path:line:col: message — fix, as in the brief', () => {
    const files = { 'orchestrator/drivers/x.ts': src('export function f(): void {', '  // …', "  void import('../../twins/index.js');", '}') };
    expect(check(files).map(formatViolation)).toEqual([
      'orchestrator/drivers/x.ts:3:15: imports twins/ (twins/index.ts) — the orchestrator reaches the twin only over the network; move the shared type into orchestrator/',
    ]);
  });
});

describe('import graph', () => {
  const forbidden: ReadonlyArray<readonly [file: string, statement: string, message: string]> = [
    ['orchestrator/a.ts', "import { Twin } from '../twins/index.js';", 'imports twins/ (twins/index.ts)'],
    ['orchestrator/a.ts', "import '../twins/index.js';", 'imports twins/ (twins/index.ts)'],
    ['orchestrator/a.ts', "export * from '../sim/index.js';", 'imports sim/ (sim/index.ts)'],
    ['orchestrator/a.ts', "export { run } from '../scenarios/index.js';", 'imports scenarios/ (scenarios/index.ts)'],
    ['orchestrator/a.ts', "const m = await import('../scenarios/index.js');", 'imports scenarios/ (scenarios/index.ts)'],
    ['orchestrator/a.ts', "const m = await import(`../sim/index.js`);", 'imports sim/ (sim/index.ts)'],
    ['orchestrator/a.ts', "const m = require('../twins/index.js');", 'imports twins/ (twins/index.ts)'],
    ['orchestrator/a.ts', "import m = require('../twins/index.js');", 'imports twins/ (twins/index.ts)'],
    // Decision: a type-only import is still an import (see source-rules.ts).
    ['orchestrator/a.ts', "import type { Clock } from '../sim/index.js';", 'imports sim/ (sim/index.ts)'],
    ['orchestrator/a.ts', "export type { Clock } from '../sim/index.js';", 'imports sim/ (sim/index.ts)'],
    ['orchestrator/a.ts', "type Spec = import('../twins/index.js').DatacenterSpec;", 'imports twins/ (twins/index.ts)'],
    ['orchestrator/a.ts', "import { main } from '../cli/index.js';", 'imports cli/ (cli/index.ts)'],
    ['orchestrator/a.ts', "import { x } from '../visualizer/index.js';", 'imports visualizer/ (visualizer/index.ts)'],
    ['twins/a.ts', "import { RedfishDriver } from '../orchestrator/index.js';", 'imports orchestrator/ (orchestrator/index.ts)'],
    ['twins/a.ts', "import type { Scenario } from '../scenarios/index.js';", 'imports scenarios/ (scenarios/index.ts)'],
    ['twins/a.ts', "import { main } from '../cli/index.js';", 'imports cli/ (cli/index.ts)'],
    ['sim/a.ts', "import { Twin } from '../twins/index.js';", 'imports twins/ (twins/index.ts)'],
    ['sim/clock/a.ts', "import { helper } from '../../test/helpers.js';", 'imports test/ (test/helpers.ts)'],
    ['sim/a.ts', "import config from '../vitest.config.js';", 'imports a file at the repository root (vitest.config.ts)'],
    ['scenarios/a.ts', "import { main } from '../cli/index.js';", 'imports cli/ (cli/index.ts)'],
    ['scenarios/a.ts', "import { draw } from '../visualizer/index.js';", 'imports visualizer/ (visualizer/index.ts)'],
    ['cli/a.ts', "import { visualizerFiles } from '../visualizer/index.js';", 'imports visualizer/ (visualizer/index.ts)'],
    ['bench/a.ts', "import type { Layer } from '../visualizer/src/lifecycle.js';", 'imports visualizer/ (visualizer/src/lifecycle.ts)'],
    ['visualizer/a.ts', "import type { Event } from '../orchestrator/index.js';", 'imports orchestrator/ (orchestrator/index.ts)'],
    ['visualizer/a.ts', "import { VirtualClock } from '../sim/index.js';", 'imports sim/ (sim/index.ts)'],
  ];

  it.each(forbidden)('%s: %s is reported', (file, statement, message) => {
    const v = expectOne({ [file]: onLine3(statement) }, 'import-graph', file, 3);
    expect(v.message).toBe(message);
    expect(v.fix.length).toBeGreaterThan(20);
  });

  it('points at the specifier (column of the string literal)', () => {
    expect(where({ 'orchestrator/deep/b.ts': src('', "    import { T } from '../../twins/index.js';") })).toEqual([
      'orchestrator/deep/b.ts:2:23 import-graph',
    ]);
  });

  it('gives each folder pair its own fix', () => {
    const fixOf = (file: string, statement: string): string => check({ [file]: statement })[0]!.fix;
    expect(fixOf('orchestrator/a.ts', "import '../sim/index.js';")).toContain('Clock and Random injected');
    expect(fixOf('twins/a.ts', "import '../orchestrator/index.js';")).toContain('over the wire');
    expect(fixOf('sim/a.ts', "import '../twins/index.js';")).toContain('imports nothing of ours');
    expect(fixOf('scenarios/a.ts', "import '../cli/index.js';")).toContain('only cli/ and bench/ import cli/');
    expect(fixOf('visualizer/a.ts', "import '../twins/index.js';")).toContain('HTTP and WebSocket');
    expect(fixOf('cli/a.ts', "import '../visualizer/index.js';")).toContain('browser code');
  });

  it('reports a computed specifier where imports are limited, not in cli/', () => {
    const statement = 'export const load = (name: string) => import(`../twins/${name}.js`);';
    expect(where({ 'orchestrator/a.ts': statement, 'twins/a.ts': statement, 'cli/a.ts': statement })).toEqual([
      'orchestrator/a.ts:1:39 import-graph',
      'twins/a.ts:1:39 import-graph',
    ]);
  });

  it('allows what the table allows', () => {
    expect(
      check({
        'sim/clock/a.ts': src("import { b } from '../random/b.js';", "import { c } from './c.js';", "export * from '../index.js';"),
        'twins/redfish/flavours/dell.ts': src("import { VirtualClock, type Clock } from '../../../sim/index.js';", "import { server } from '../server.js';"),
        'orchestrator/drivers/redfish.ts': src("import { tick } from '../annealer/tick.js';", "import type { Role } from '../annealer/roles/role.js';"),
        'scenarios/runner.ts': src(
          "import { VirtualClock } from '../sim/index.js';",
          "import { buildTwin } from '../twins/index.js';",
          "import { Orchestrator } from '../orchestrator/index.js';",
        ),
        'cli/main.ts': src(
          "import { Orchestrator } from '../orchestrator/index.js';",
          "import { runScenario } from '../scenarios/index.js';",
          "import { buildTwin } from '../twins/index.js';",
          "import { commands } from './commands/index.js';",
        ),
        'bench/sim/main.ts': src("import { VirtualClock } from '../../sim/index.js';", "import { main } from '../../cli/index.js';"),
        'visualizer/app.ts': src("import * as d3 from 'd3';", "import { layout } from './layout.js';"),
      }),
    ).toEqual([]);
  });

  it('ignores packages, Node builtins, and specifiers inside comments and strings', () => {
    const file = src(
      "import { createServer } from 'node:http';",
      "import { z } from 'zod';",
      "import { Interceptor } from '@mswjs/interceptors';",
      "// import { Twin } from '../twins/index.js';",
      "/* await import('../sim/index.js') */",
      "export const hint = \"import('../twins/index.js') and require('../sim/index.js')\";",
      "export const tpl = `import '../scenarios/index.js'`;",
      'export { createServer, z, Interceptor };',
    );
    expect(check({ 'orchestrator/a.ts': file })).toEqual([]);
  });

  it('checks only .ts files of the source folders', () => {
    const bad = "import { Twin } from '../twins/index.js';";
    expect(check({ 'test/orchestrator/a.test.ts': bad, 'orchestrator/notes.md': bad, 'orchestrator/legacy.js': bad, 'docs/a.ts': bad })).toEqual([]);
    expect(where({ 'orchestrator/types.d.ts': bad, 'orchestrator/a.mts': bad })).toEqual([
      'orchestrator/a.mts:1:22 import-graph',
      'orchestrator/types.d.ts:1:22 import-graph',
    ]);
  });
});

describe('public faces', () => {
  it('reports a deep import into another folder, with the index specifier to use', () => {
    const v = expectOne({ 'twins/redfish/server.ts': onLine3("import { VirtualClock } from '../../sim/clock/virtual-clock.js';") }, 'public-face', 'twins/redfish/server.ts', 3);
    expect(formatViolation(v)).toBe(
      "twins/redfish/server.ts:3:30: imports sim/clock/virtual-clock.ts past sim/index.ts — import from '../../sim/index.js' (the public face of sim/) and export what you need there",
    );
  });

  it('applies to type-only imports, re-exports and the entry points', () => {
    expect(
      where({
        'twins/a.ts': src("import type { Clock } from '../sim/clock/clock.js';", "export { SeededRandom } from '../sim/random/seeded-random.js';"),
        'cli/a.ts': "import { RedfishDriver } from '../orchestrator/drivers/redfish.js';",
        'bench/a.ts': "const m = await import('../sim/clock/virtual-clock.js');",
        'scenarios/a.ts': 'import { twin } from "../twins";',
      }),
    ).toEqual(['bench/a.ts:1:24 public-face', 'cli/a.ts:1:31 public-face', 'scenarios/a.ts:1:22 public-face', 'twins/a.ts:1:28 public-face', 'twins/a.ts:2:30 public-face']);
  });

  it('reports a directory import (NodeNext needs the file, and it is not the index)', () => {
    const v = expectOne({ 'scenarios/a.ts': "import { twin } from '../twins';" }, 'public-face', 'scenarios/a.ts', 1);
    expect(formatViolation(v)).toBe(
      "scenarios/a.ts:1:22: imports twins/ as a directory, not twins/index.ts — import from '../twins/index.js' (the public face of twins/) and export what you need there",
    );
  });

  it('reports a forbidden deep import once, as the graph violation', () => {
    expectOne({ 'orchestrator/a.ts': onLine3("import { RedfishServer } from '../twins/redfish/server.js';") }, 'import-graph', 'orchestrator/a.ts', 3);
  });

  it('leaves imports between subfolders of one folder free', () => {
    expect(
      check({
        'orchestrator/drivers/redfish/session.ts': "import { tick } from '../../annealer/tick.js';",
        'sim/net/http-network.ts': "import { VirtualClock } from '../clock/virtual-clock.js';",
      }),
    ).toEqual([]);
  });
});

describe('determinism', () => {
  const banned: ReadonlyArray<readonly [statement: string, message: string]> = [
    ['const t = Date.now();', 'reads the host clock (Date.now)'],
    ['const t = globalThis.Date.now();', 'reads the host clock (Date.now)'],
    ['const now = Date.now;', 'reads the host clock (Date.now)'],
    ["const t = Date['now']();", 'reads the host clock (Date.now)'],
    ['const { now } = Date;', 'reads the host clock (Date.now)'],
    ['const d = new Date();', 'reads the host clock (new Date() with no argument)'],
    ['const d = new Date;', 'reads the host clock (new Date() with no argument)'],
    ['const s = Date();', 'reads the host clock (Date() called as a function)'],
    ['const t = performance.now();', 'reads the host clock (performance.now)'],
    ['const t = process.hrtime.bigint();', 'reads the host clock (process.hrtime)'],
    ['const r = Math.random();', 'draws host randomness (Math.random)'],
    ['const pick = [1, 2].map(Math.random);', 'draws host randomness (Math.random)'],
    ['setTimeout(() => {}, 10);', 'uses the host timer setTimeout'],
    ['const h = setInterval(tick, 1000);', 'uses the host timer setInterval'],
    ['setImmediate(tick);', 'uses the host timer setImmediate'],
    ['clearTimeout(handle);', 'uses the host timer clearTimeout'],
    ['clearInterval(handle);', 'uses the host timer clearInterval'],
    ['clearImmediate(handle);', 'uses the host timer clearImmediate'],
    ['globalThis.setTimeout(tick, 5);', 'uses the host timer setTimeout'],
    ["globalThis['setInterval'](tick, 5);", 'uses the host timer setInterval'],
    ['const sleep = promisify(setTimeout);', 'uses the host timer setTimeout'],
    ['const timers = { setTimeout };', 'uses the host timer setTimeout'],
    ['const { setTimeout: later } = globalThis;', 'uses the host timer setTimeout'],
    ["import { setTimeout as sleep } from 'node:timers/promises';", 'imports the host timers module'],
    ["import 'node:timers';", 'imports the host timers module'],
    ["import * as timers from 'timers';", 'imports the host timers module'],
    ["const { setTimeout } = await import('node:timers/promises');", 'imports the host timers module'],
    ["import { performance as perf } from 'node:perf_hooks';", 'imports the host performance clock (perf_hooks)'],
  ];

  for (const folder of ['orchestrator', 'twins', 'sim'] as const) {
    it.each(banned)(`${folder}/: %s is reported`, (statement, message) => {
      const file = `${folder}/x/y.ts`;
      const v = expectOne({ [file]: onLine3(statement) }, 'determinism', file, 3);
      expect(v.message).toBe(message);
    });
  }

  it('points at the offending expression', () => {
    expect(check({ 'sim/a.ts': src('export function f(): number {', '  return 1 + Date.now();', '}') }).map(formatViolation)).toEqual([
      'sim/a.ts:2:14: reads the host clock (Date.now) — use the injected Clock: clock.now()',
    ]);
  });

  it('leaves the near misses alone', () => {
    const file = src(
      "import type { Clock, Random } from './clock.js';",
      "import type { Timeout } from 'node:timers';", // erased: cannot read a clock
      '// Date.now() and Math.random() and setTimeout(f) are banned here.',
      '/* new Date() */',
      "const note = 'Date.now() is replaced by clock.now(); never Math.random()';",
      'const tpl = `setTimeout(${note})`;',
      'export const EPOCH_MS = Date.UTC(2026, 0, 1);',
      'export class Poller {',
      '  private handle: ReturnType<typeof setTimeout> | undefined;',
      '  private other: ReturnType<typeof globalThis.setInterval> | undefined;',
      '  constructor(private readonly clock: Clock, private readonly random: Random, private readonly t?: Timeout) {}',
      '  setTimeout(callback: () => void, delayMs: number): void {',
      '    this.clock.setTimeout(callback, delayMs);',
      '  }',
      '  start(clock: Clock, ms: number): string {',
      '    const h = clock.setTimeout(() => {}, ms + this.random.float());',
      '    clock.clearTimeout(h);',
      '    const stamp = new Date(ms).toISOString() + new Date(2026, 0, 1).getTime() + new Date(this.clock.now()).getTime();',
      '    const timers = { setTimeout: clock.setTimeout.bind(clock), now: () => this.clock.now() };',
      '    const x = { Date: { now: () => 1 } };',
      '    return stamp + String(x.Date.now()) + String(timers.now()) + String(Math.floor(Math.max(1, 2)));',
      '  }',
      '}',
      'export interface Timers { setTimeout(cb: () => void, ms: number): unknown; clearTimeout: (h: unknown) => void }',
    );
    expect(check({ 'orchestrator/a.ts': file, 'twins/a.ts': file, 'sim/clock/a.ts': file }).map(formatViolation)).toEqual([]);
  });

  it('does not apply outside orchestrator/, twins/, sim/', () => {
    const file = src('export const t = Date.now() + Math.random();', 'setTimeout(() => {}, 1);', "import 'node:timers';");
    expect(check({ 'cli/a.ts': file, 'scenarios/a.ts': file, 'bench/a.ts': file, 'visualizer/a.ts': file })).toEqual([]);
  });

  describe('exemptions are per file and per item', () => {
    const everything = src(
      'export const a = Date.now();', // 1
      'export const b = Math.random();', // 2
      'globalThis.setTimeout(() => {}, 1);', // 3
      'setImmediate(() => {});', // 4
      'export const c = new Date();', // 5
    );
    const lines = (file: string): number[] => check({ [file]: everything }).map((v) => v.line);

    it('sim/clock/system-clock.ts may read the host clock and set host timers, not draw Math.random or setImmediate', () => {
      expect(lines('sim/clock/system-clock.ts')).toEqual([2, 4]);
    });

    it('sim/clock/virtual-clock.ts may call setImmediate only', () => {
      expect(lines('sim/clock/virtual-clock.ts')).toEqual([1, 2, 3, 5]);
      expect(check({ 'sim/clock/virtual-clock.ts': 'export const t = Date.now();' }).map(formatViolation)).toEqual([
        'sim/clock/virtual-clock.ts:1:18: reads the host clock (Date.now) — use the injected Clock: clock.now()',
      ]);
    });

    it('sim/random/crypto-random.ts may use Math.random only', () => {
      expect(lines('sim/random/crypto-random.ts')).toEqual([1, 3, 4, 5]);
    });

    it('the same code anywhere else is reported in full', () => {
      expect(lines('sim/clock/other-clock.ts')).toEqual([1, 2, 3, 4, 5]);
      expect(lines('twins/clock/system-clock.ts')).toEqual([1, 2, 3, 4, 5]);
    });

    it('exemptions name only sim/ files', () => {
      for (const file of DETERMINISM_EXEMPTIONS.keys()) expect(file.startsWith('sim/')).toBe(true);
    });
  });
});
