/**
 * `drill twin validate` and `drill twin schema` as a user runs them:
 * `node dist/cli/main.js …`. Exit 0 when every file is valid, 2 otherwise.
 *
 * Needs a build: `npm test` builds dist/ first; on its own run
 *   npx tsc -p tsconfig.build.json && npx vitest run test/twins/spec/cli.test.ts
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = path.join(ROOT, 'dist', 'cli', 'main.js');
const EXAMPLES = 'scenarios/datacenters';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const exec = promisify(execFile);

/** Runs drill without DRILL_TWIN_BMC_PASSWORD from this shell, plus `env`. */
async function drill(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const { DRILL_TWIN_BMC_PASSWORD: _unset, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await exec(process.execPath, [MAIN, ...args], { cwd: ROOT, env: { ...inherited, ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout: string; stderr: string };
    return { code: typeof failed.code === 'number' ? failed.code : null, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let dir = '';
beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`Failed to find ${MAIN}: build it first — npx tsc -p tsconfig.build.json (npm test does)`);
  dir = mkdtempSync(path.join(tmpdir(), 'drill-twin-'));
});
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('drill twin validate', () => {
  it('prints one summary paragraph per valid file and exits 0', async () => {
    const files = ['lab.yaml', 'pod.yaml', 'site-10k.yaml'].map((f) => `${EXAMPLES}/${f}`);
    const run = await drill(['twin', 'validate', ...files], { DRILL_TWIN_BMC_PASSWORD: 'from-the-env' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^scenarios\/datacenters\/lab\.yaml: lab \(seed 0x1ab, wire fidelity, per-bmc BMC addressing\): 1 site, 1 row, 1 rack, 12 servers \(dmtf 1, dell-idrac9 2, .*ipmi-only 1; slow 1, flaky 1\), 1 top-of-rack switch and 0 spines; networks bmc 127\.1\.0\.0\/16 VLAN 10, provisioning 127\.64\.0\.0\/16 VLAN 20 \(boot server 127\.64\.255\.254:8080\), /);
    expect(lines[0]).toContain('BMC passwords inline in the spec (12 servers)');
    expect(lines[1]).toContain('3 racks, 120 servers');
    expect(lines[1]).toContain('BMC passwords from $DRILL_TWIN_BMC_PASSWORD (120 servers)');
    expect(lines[2]).toContain('250 racks, 10,000 servers');
  });

  it('says when the twin fallback password is used because the variable is unset', async () => {
    const run = await drill(['twin', 'validate', `${EXAMPLES}/pod.yaml`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("BMC passwords the spec's twin fallback, as $DRILL_TWIN_BMC_PASSWORD is unset (120 servers)");
  });

  it('lists every problem of an invalid file as FILE:LINE:COL: path: problem — fix, and exits 2', async () => {
    const bad = path.join(dir, 'bad.yaml');
    const text = readFileSync(path.join(ROOT, EXAMPLES, 'lab.yaml'), 'utf8')
      .replace('flavour: dell-idrac9, modifiers', 'flavour: dell-idrac8, modifiers')
      .replace('{ unit: 5,  template: hpe-dl380', '{ unit: 4,  template: hpe-dl380')
      .replace('admin:        { role: admin,        cidr: 127.65.0.0/16', 'admin:        { role: admin,        cidr: 127.64.0.0/17');
    writeFileSync(bad, text);
    const run = await drill(['twin', 'validate', bad, `${EXAMPLES}/lab.yaml`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${bad}: 3 problems`);
    expect(lines[1]).toMatch(new RegExp(`^  ${bad}:\\d+:\\d+: networks\\.admin\\.cidr: 127\\.64\\.0\\.0/17 overlaps network provisioning .* — give each network its own, non-overlapping range$`));
    expect(lines[2]).toMatch(/:\d+:\d+: sites\[0\]\.rows\[0\]\.racks\[0\]\.servers\[1\]\.flavour: "dell-idrac8" is not a BMC flavour — use one of dmtf, /);
    expect(lines[3]).toMatch(/:\d+:\d+: sites\[0\]\.rows\[0\]\.racks\[0\]\.servers\[3\]\.unit: server lab-r1-u04 needs U4, which server lab-r1-u03 already occupies — /);
    // The valid file after it is still summarised.
    expect(lines[4]).toMatch(/^scenarios\/datacenters\/lab\.yaml: lab \(/);
  });

  it('reports a missing file and a YAML syntax error as problems of that file', async () => {
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, 'version: 1\nname: x\nname: y\n');
    const run = await drill(['twin', 'validate', path.join(dir, 'missing.yaml'), broken]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(`${path.join(dir, 'missing.yaml')}: 1 problem\n  ${path.join(dir, 'missing.yaml')}: (spec): cannot read the file (ENOENT) — check the path`);
    expect(run.stdout).toContain(`  ${broken}:3:1: (spec): YAML syntax error at line 3, column 1: Map keys must be unique`);
  });

  it('without a file is a usage error: one line on stderr, exit 2', async () => {
    const run = await drill(['twin', 'validate']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^drill: missing required argument 'files'\n$/);
  });
});

describe('drill twin schema', () => {
  it('prints the committed JSON Schema', async () => {
    const run = await drill(['twin', 'schema']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync(path.join(ROOT, EXAMPLES, 'datacenter.schema.json'), 'utf8'));
    expect(JSON.parse(run.stdout)).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', title: 'drill datacenter spec' });
  });

  it('is listed by drill twin --help', async () => {
    const run = await drill(['twin', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\s+validate <files\.\.\.>/m);
    expect(run.stdout).toMatch(/^\s+schema\b/m);
  });
});
