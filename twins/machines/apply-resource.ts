import type { ModelOs, OsFile } from './model-os.js';
import type { MachineTimings } from './timings.js';
import type { Resource } from './work-item.js';

/**
 * One resource against the model OS, as the rendered shell would do it: test
 * first, act only when not converged, print `drill: changed KIND NAME` for each
 * change. Planning is separate from applying so the agent can spend the
 * modelled time first and change the OS only when that time has passed (a
 * power cut mid-install leaves the package uninstalled).
 */
export interface ResourceOutcome {
  readonly changed: boolean;
  readonly lines: readonly string[];
  /** Set when the resource failed: the item stops here with this exit status. */
  readonly exitStatus?: number;
}

export interface ResourceStep {
  /** Which modelled duration applying takes; undefined when there is nothing to do. */
  readonly timing: Extract<keyof MachineTimings, 'packageMs' | 'fileMs' | 'serviceMs' | 'commandMs'> | undefined;
  readonly apply: () => ResourceOutcome;
}

export interface ApplyContext {
  /** Paths of files this item changed so far (for `restartOnChangeOf`). */
  readonly changedPaths: Set<string>;
  /** True when a `package-fail` fault strikes this package's install now. */
  readonly packageFails: (name: string) => boolean;
}

const unchanged: ResourceStep = { timing: undefined, apply: () => ({ changed: false, lines: [] }) };
const changed = (kind: string, name: string): ResourceOutcome => ({ changed: true, lines: [`drill: changed ${kind} ${name}`] });

/** What apt prints when a package's configuration fails; apt-get exits 100. */
function aptFailure(name: string): ResourceOutcome {
  return {
    changed: false,
    exitStatus: 100,
    lines: [
      `Setting up ${name} ...`,
      `dpkg: error processing package ${name} (--configure):`,
      ` installed ${name} package post-installation script subprocess returned error exit status 1`,
      'Errors were encountered while processing:',
      ` ${name}`,
      'E: Sub-process /usr/bin/dpkg returned an error code (1)',
    ],
  };
}

const sameFile = (a: OsFile | undefined, b: OsFile): boolean => a !== undefined && a.content === b.content && a.mode === b.mode && a.owner === b.owner && a.group === b.group;

/** Checks the model can answer from the OS; anything else it says it cannot evaluate. */
function evaluateCheck(os: ModelOs, run: string): { exitStatus: number; lines: string[] } {
  const words = run.trim().split(/\s+/).filter((w) => w !== '--quiet' && w !== '-q');
  const pass = (ok: boolean): { exitStatus: number; lines: string[] } => ({ exitStatus: ok ? 0 : 1, lines: [] });
  const [command, ...args] = words[0] === '[' && words.at(-1) === ']' ? ['test', ...words.slice(1, -1)] : words;
  const target = args.at(-1) ?? '';
  if (command === 'true' && args.length === 0) return pass(true);
  if (command === 'false' && args.length === 0) return pass(false);
  if (command === 'test' && args.length === 2 && (args[0] === '-f' || args[0] === '-e')) return pass(os.files.has(target));
  if (command === 'test' && args.length === 2 && args[0] === '-d') return pass([...os.files.keys()].some((p) => p.startsWith(`${target.replace(/\/$/, '')}/`)));
  if (command === 'systemctl' && args.length === 2 && args[0] === 'is-active') return pass(os.services.get(target)?.running === true);
  if (command === 'systemctl' && args.length === 2 && args[0] === 'is-enabled') return pass(os.services.get(target)?.enabled === true);
  if ((command === 'dpkg' && args[0] === '-s') || (command === 'dpkg-query' && args[0] === '-W')) return pass(args.length === 2 && os.packages.has(target));
  if ((command === 'id' && args.length === 1) || (command === 'getent' && args[0] === 'passwd' && args.length === 2)) return pass(os.users.has(target));
  return {
    exitStatus: 127,
    lines: [`drill model agent: cannot evaluate ${JSON.stringify(run)} in model fidelity (it answers true, false, test -f/-e/-d, systemctl is-active/is-enabled, dpkg -s, dpkg-query -W, id, getent passwd)`],
  };
}

export function planResource(os: ModelOs, resource: Resource, ctx: ApplyContext): ResourceStep {
  switch (resource.kind) {
    case 'package': {
      const { name } = resource;
      const want = resource.state === 'present';
      if (os.packages.has(name) === want) return unchanged;
      return {
        timing: 'packageMs',
        apply: () => {
          if (want && ctx.packageFails(name)) return aptFailure(name);
          if (want) os.packages.add(name);
          else os.packages.delete(name);
          return changed('package', name);
        },
      };
    }
    case 'file': {
      const file: OsFile = { content: resource.content, mode: resource.mode.padStart(4, '0'), owner: resource.owner, group: resource.group };
      if (sameFile(os.files.get(resource.path), file)) return unchanged;
      return {
        timing: 'fileMs',
        apply: () => {
          os.files.set(resource.path, file);
          ctx.changedPaths.add(resource.path);
          return changed('file', resource.path);
        },
      };
    }
    case 'service': {
      const current = os.services.get(resource.name);
      const restart = resource.running && current?.running === true && (resource.restartOnChangeOf ?? []).some((p) => ctx.changedPaths.has(p));
      if (current !== undefined && current.enabled === resource.enabled && current.running === resource.running && !restart) return unchanged;
      return {
        timing: 'serviceMs',
        apply: () => {
          const starts = (current?.starts ?? 0) + (resource.running && (restart || current?.running !== true) ? 1 : 0);
          os.services.set(resource.name, { enabled: resource.enabled, running: resource.running, starts });
          return changed('service', resource.name);
        },
      };
    }
    case 'user': {
      const current = os.users.get(resource.name);
      const shell = resource.shell ?? current?.shell ?? '/bin/sh';
      const sameKeys = current !== undefined && current.sshAuthorizedKeys.length === resource.sshAuthorizedKeys.length && current.sshAuthorizedKeys.every((k, i) => k === resource.sshAuthorizedKeys[i]);
      if (sameKeys && current.shell === shell) return unchanged;
      return {
        timing: 'fileMs',
        apply: () => {
          os.users.set(resource.name, { sshAuthorizedKeys: [...resource.sshAuthorizedKeys], shell });
          return changed('user', resource.name);
        },
      };
    }
    case 'hostname':
      if (os.hostname === resource.name) return unchanged;
      return {
        timing: 'fileMs',
        apply: () => {
          os.hostname = resource.name;
          os.files.set('/etc/hostname', { content: `${resource.name}\n`, mode: '0644', owner: 'root', group: 'root' });
          return changed('hostname', resource.name);
        },
      };
    case 'command': {
      const { creates } = resource;
      if (creates !== undefined && os.files.has(creates)) return unchanged;
      return {
        timing: 'commandMs',
        apply: () => {
          os.commandLog.push(resource.run);
          if (creates !== undefined) os.files.set(creates, { content: '', mode: '0644', owner: 'root', group: 'root' });
          return changed('command', resource.run);
        },
      };
    }
    case 'check':
      return {
        timing: 'commandMs',
        apply: () => {
          const result = evaluateCheck(os, resource.run);
          if (result.exitStatus === 0) return { changed: false, lines: result.lines };
          return { changed: false, exitStatus: result.exitStatus, lines: [...result.lines, `drill: check failed: ${resource.description}`] };
        },
      };
  }
}
