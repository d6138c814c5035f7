/**
 * The `drill` binary as a user runs it: `node dist/cli/main.js …`. Exit codes
 * are part of the interface: 0 success (trace diff: identical), 1 failure (trace
 * diff: traces diverge), 2 bad usage or bad input, always as one `drill: …` line
 * on stderr.
 *
 * Needs a build: `npm test` builds dist/ first; on its own run
 *   npx tsc -p tsconfig.build.json && npx vitest run test/cli
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = path.join(ROOT, 'dist', 'cli', 'main.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function drill(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill(), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Asserts the shape of a usage or input error: exit 2, nothing on stdout, one `drill:` line on stderr. */
function expectOneLineError(run: Run): string {
  expect(run.code, `stderr: ${run.stderr}`).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.split('\n');
  expect(lines.at(-1), 'stderr should end with a newline').toBe('');
  expect(lines.slice(0, -1), `stderr was:\n${run.stderr}`).toHaveLength(1);
  expect(lines[0]).toMatch(/^drill: \S/);
  return lines[0]!;
}

/** The sha256 on the `trace: N events, sha256 …` line of `drill sim demo`. */
function digestOf(stdout: string): string {
  const match = /^trace: (\d+) events, sha256 ([0-9a-f]{64})/m.exec(stdout);
  expect(match, `no digest line in:\n${stdout}`).not.toBeNull();
  return `${match![1]} ${match![2]}`;
}

let dir = '';
beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`Failed to find ${MAIN}: build it first — npx tsc -p tsconfig.build.json (npm test does)`);
  dir = mkdtempSync(path.join(tmpdir(), 'drill-cli-'));
});
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('drill: version and help', () => {
  it('--version prints the package.json version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = await drill('--version');
    expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists the sim and trace commands and exits 0', async () => {
    const run = await drill('--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: drill/);
    expect(run.stdout).toMatch(/^\s+sim\b/m);
    expect(run.stdout).toMatch(/^\s+trace\b/m);
  });

  it('sim --help lists demo', async () => {
    const run = await drill('sim', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\s+demo\b/m);
  });
});

describe('drill: usage errors are one line on stderr and exit 2', () => {
  it('an unknown command', async () => {
    expect(expectOneLineError(await drill('frobnicate'))).toContain('frobnicate');
  });

  it('an unknown command close to a real one, with the suggestion on the same line', async () => {
    expect(expectOneLineError(await drill('simm'))).toMatch(/^drill: unknown command 'simm'.*Did you mean sim\?/);
  });

  it('an unknown option', async () => {
    expect(expectOneLineError(await drill('sim', 'demo', '--sede', '7'))).toContain('--sede');
  });

  for (const seed of ['abc', '1.5', '0xZZ', '18446744073709551616']) {
    it(`a bad --seed ${seed}, naming the flag and the fix`, async () => {
      const line = expectOneLineError(await drill('sim', 'demo', '--seed', seed, '--racks', '1', '--servers', '1'));
      expect(line).toMatch(/^drill: --seed: .* — /);
    });
  }

  it('a bad --racks, naming the flag and the range', async () => {
    expect(expectOneLineError(await drill('sim', 'demo', '--seed', '7', '--racks', '0'))).toMatch(/^drill: --racks: "0" .*1 to 250/);
  });

  it('a --trace file that cannot be created', async () => {
    const line = expectOneLineError(await drill('sim', 'demo', '--seed', '7', '--racks', '1', '--servers', '1', '--trace', path.join(dir, 'no-such-dir', 't.jsonl')));
    expect(line).toMatch(/^drill: --trace: .*no-such-dir.* — /);
  });

  it('trace diff with one argument', async () => {
    expectOneLineError(await drill('trace', 'diff', path.join(dir, 'only-one.jsonl')));
  });
});

describe('drill sim demo and trace diff', () => {
  const demo = (seed: string, file: string) => drill('sim', 'demo', '--seed', seed, '--racks', '2', '--servers', '3', '--trace', path.join(dir, file));
  let runs: Run[] = [];

  beforeAll(async () => {
    runs = await Promise.all([demo('7', 'a.jsonl'), demo('7', 'b.jsonl'), demo('8', 'c.jsonl')]);
  });

  it('brings every server up and prints the seed, digest and replay command', () => {
    const [a] = runs;
    expect(a!.code, a!.stderr).toBe(0);
    expect(a!.stderr).toBe('');
    expect(a!.stdout).toMatch(/^drill sim demo — seed 0x7, 2 racks × 3 servers/);
    expect(a!.stdout).toMatch(/^6\/6 servers on/m);
    expect(a!.stdout).toContain(`written to ${path.join(dir, 'a.jsonl')}`);
    expect(a!.stdout).toMatch(/^replay exactly: drill sim demo --seed 0x7 --racks 2 --servers 3/m);
  });

  it('prints the same digest line for the same seed, and another for another seed', () => {
    const [a, b, c] = runs;
    expect(digestOf(b!.stdout)).toBe(digestOf(a!.stdout));
    expect(digestOf(c!.stdout)).not.toBe(digestOf(a!.stdout));
  });

  it('writes the trace file whose bytes the digest describes', async () => {
    const { createHash } = await import('node:crypto');
    const bytes = readFileSync(path.join(dir, 'a.jsonl'));
    expect(digestOf(runs[0]!.stdout).split(' ')[1]).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('trace diff of two runs with the same seed prints "identical: N events" and exits 0', async () => {
    const events = digestOf(runs[0]!.stdout).split(' ')[0];
    const run = await drill('trace', 'diff', path.join(dir, 'a.jsonl'), path.join(dir, 'b.jsonl'));
    expect(run).toEqual({ code: 0, stdout: `identical: ${events} events\n`, stderr: '' });
  });

  it('trace diff of runs with different seeds prints where they diverge and exits 1', async () => {
    const a = path.join(dir, 'a.jsonl');
    const c = path.join(dir, 'c.jsonl');
    const run = await drill('trace', 'diff', a, c);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^traces diverge at line \d+ \(.+ differ\)$/);
    expect(run.stdout).toContain(`  ${a}: {`);
    expect(run.stdout).toContain(`  ${c}: {`);
  });

  it('trace diff against a truncated copy says which trace ended', async () => {
    const a = path.join(dir, 'a.jsonl');
    const short = path.join(dir, 'short.jsonl');
    writeFileSync(short, readFileSync(a, 'utf8').split('\n').slice(0, 5).join('\n'));
    const run = await drill('trace', 'diff', a, short);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^traces diverge at line 6 \(end differ\)$/m);
    expect(run.stdout).toContain(`  ${short}: (end of trace)`);
  });

  it('trace diff with a missing file exits 2 with one line naming it', async () => {
    const missing = path.join(dir, 'missing.jsonl');
    const line = expectOneLineError(await drill('trace', 'diff', path.join(dir, 'a.jsonl'), missing));
    expect(line).toContain(missing);
    expect(line).toMatch(/no such file — /);
  });

  it('trace diff with a directory instead of a file exits 2 with one line', async () => {
    expect(expectOneLineError(await drill('trace', 'diff', dir, path.join(dir, 'a.jsonl')))).toContain('not a file');
  });

  it('trace diff with a corrupt file exits 2 (bad input, not a divergence), naming file:line', async () => {
    const corrupt = path.join(dir, 'corrupt.jsonl');
    const lines = readFileSync(path.join(dir, 'a.jsonl'), 'utf8').split('\n');
    lines[2] = '{"t":0,"seq":2,';
    writeFileSync(corrupt, lines.join('\n'));
    const line = expectOneLineError(await drill('trace', 'diff', path.join(dir, 'a.jsonl'), corrupt));
    expect(line.startsWith(`drill: ${corrupt}:3: `)).toBe(true);
  });
});
