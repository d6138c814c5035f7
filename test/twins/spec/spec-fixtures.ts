/**
 * Small specs for the datacenter spec tests, as plain values a test can
 * mutate, and helpers to read a rejected spec's problems as
 * `{ path, problem, fix }`.
 */
import { expect } from 'vitest';
import { InvalidSpecError } from '../../../twins/index.js';

export interface Problem {
  readonly path: string;
  readonly problem: string;
  readonly fix: string;
}

/** A field path as problems print it: `sites[0].rows[1].name`, `templates.mini-1u.model`, `x["odd key"]`, or `(spec)`. */
const SEGMENT = String.raw`(?:[A-Za-z_$][\w$-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])`;
const PROBLEM = new RegExp(String.raw`^(\(spec\)|${SEGMENT}(?:\.[A-Za-z_$][\w$-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*): (.+?) — (\S.*)$`, 's');

/** Splits `path: problem — fix`; fails the test if a problem does not read that way. */
export function splitProblem(text: string): Problem {
  const match = PROBLEM.exec(text);
  expect(match, `"${text}" should read "path: problem — fix"`).not.toBeNull();
  return { path: match![1]!, problem: match![2]!, fix: match![3]! };
}

/** The problems a rejected spec reports; fails if it loaded or threw anything else. */
export function problemsOf(load: () => unknown): Problem[] {
  try {
    load();
  } catch (error) {
    if (!(error instanceof InvalidSpecError)) throw error;
    return error.problems.map(splitProblem);
  }
  throw new Error('expected the spec to be rejected, but it loaded');
}

/** The one problem at `path`; fails when there is none or several. */
export function problemAt(problems: readonly Problem[], path: string): Problem {
  const found = problems.filter((p) => p.path === path);
  expect(found, `problems at ${path} among:\n${problems.map((p) => `${p.path}: ${p.problem} — ${p.fix}`).join('\n')}`).toHaveLength(1);
  return found[0]!;
}

const nic = (name: string, networks: string[]) => ({ name, speedGbps: 25, networks });

/** Two racks (3 + 1 servers), three loopback networks, a 1U and a 2U template. Mutate a copy (typed loosely: tests reach anywhere). */
export function miniSpec(): any {
  const template = {
    model: 'Mini 1U',
    powerWatts: 500,
    cpu: { model: 'Test CPU', sockets: 2, cores: 8, flags: ['vmx'] },
    memory: { dimms: 4, dimmGiB: 16 },
    disks: [{ type: 'nvme', sizeGB: 960, count: 2 }],
    nics: [nic('eno1', ['provisioning']), nic('eno2', ['admin'])],
  };
  return {
    version: 1,
    name: 'mini',
    seed: 42,
    defaults: { template: 'mini-1u', flavour: 'dmtf', credentials: { user: 'root', password: 'lab-only' } },
    networks: {
      bmc: { cidr: '127.1.0.0/16', vlan: 10 },
      provisioning: { cidr: '127.64.0.0/16', vlan: 20 },
      admin: { cidr: '127.65.0.0/16', vlan: 30 },
    },
    templates: { 'mini-1u': template, 'mini-2u': { ...structuredClone(template), model: 'Mini 2U', heightU: 2 } },
    sites: [
      {
        name: 's1',
        rows: [
          {
            name: 'a',
            racks: [
              { name: 'r1', uHeight: 42, switches: [{ ports: 48, speedGbps: 25 }], servers: [{ unit: 1 }, { unit: 2, flavour: 'dell-idrac9' }, { unit: 3, flavour: 'ipmi-only' }] },
              { name: 'r2', servers: [{ unit: 1 }] },
            ],
          },
        ],
      },
    ],
  };
}
