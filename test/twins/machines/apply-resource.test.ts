/**
 * Each resource kind of docs/provisioning.md against the model OS: converged
 * means no change and no time spent; a change prints `drill: changed KIND NAME`;
 * checks the model cannot answer say so instead of passing.
 *
 * Run: npx vitest run test/twins/machines
 */
import { describe, expect, it } from 'vitest';
import { ModelOs, parseWorkItem, type Resource } from '../../../twins/index.js';
import { planResource } from '../../../twins/machines/apply-resource.js';

const freshOs = (): ModelOs =>
  new ModelOs({ name: 'debian', version: '12', hostname: 'n1', agent: { api: 'https://127.0.0.1:8443', token: 't', caCertificatePem: 'pem' }, agentScript: '#!/bin/sh\n', bootNic: 'eno1' });

function applyAll(os: ModelOs, resources: readonly Resource[], fails: readonly string[] = []): { lines: string[]; timed: number; exitStatus: number | undefined } {
  const ctx = { changedPaths: new Set<string>(), packageFails: (name: string) => fails.includes(name) };
  const lines: string[] = [];
  let timed = 0;
  for (const resource of resources) {
    const step = planResource(os, resource, ctx);
    if (step.timing !== undefined) timed++;
    const outcome = step.apply();
    lines.push(...outcome.lines);
    if (outcome.exitStatus !== undefined) return { lines, timed, exitStatus: outcome.exitStatus };
  }
  return { lines, timed, exitStatus: undefined };
}

describe('resources on the model OS', () => {
  it('removes a package, sets the hostname (and /etc/hostname), and is converged the second time', () => {
    const os = freshOs();
    const resources: Resource[] = [
      { kind: 'package', name: 'curl', state: 'absent' },
      { kind: 'hostname', name: 'lab-r1-u01' },
      { kind: 'service', name: 'ssh', enabled: true, running: false },
    ];
    expect(applyAll(os, resources).lines).toEqual(['drill: changed package curl', 'drill: changed hostname lab-r1-u01']);
    expect(os.files.get('/etc/hostname')?.content).toBe('lab-r1-u01\n');
    expect(applyAll(os, resources)).toEqual({ lines: [], timed: 0, exitStatus: undefined });
  });

  it('a file differs by mode alone; a command without creates runs every time', () => {
    const os = freshOs();
    const file = (mode: string): Resource => ({ kind: 'file', path: '/etc/motd', content: 'hi\n', mode, owner: 'root', group: 'root' });
    applyAll(os, [file('0644')]);
    expect(applyAll(os, [file('644')]).lines).toEqual([]);
    expect(applyAll(os, [file('0600')]).lines).toEqual(['drill: changed file /etc/motd']);
    const command: Resource = { kind: 'command', run: 'sysctl --system' };
    applyAll(os, [command, command]);
    expect(os.commandLog).toEqual(['sysctl --system', 'sysctl --system']);
  });

  it('a user converges on exactly the keys given', () => {
    const os = freshOs();
    applyAll(os, [{ kind: 'user', name: 'ops', sshAuthorizedKeys: ['k1', 'k2'] }]);
    expect(applyAll(os, [{ kind: 'user', name: 'ops', sshAuthorizedKeys: ['k1', 'k2'] }]).lines).toEqual([]);
    expect(applyAll(os, [{ kind: 'user', name: 'ops', sshAuthorizedKeys: ['k2'] }]).lines).toEqual(['drill: changed user ops']);
    expect(os.users.get('ops')?.sshAuthorizedKeys).toEqual(['k2']);
  });

  it('checks read the OS; a failed check stops the item; one the model cannot evaluate says so', () => {
    const os = freshOs();
    expect(applyAll(os, [{ kind: 'check', run: 'test -f /etc/hostname', description: 'hostname file' }]).exitStatus).toBeUndefined();
    expect(applyAll(os, [{ kind: 'check', run: '[ -d /etc/drill ]', description: 'drill dir' }]).exitStatus).toBeUndefined();
    expect(applyAll(os, [{ kind: 'check', run: 'dpkg -s openssh-server', description: 'ssh installed' }]).exitStatus).toBeUndefined();
    const failed = applyAll(os, [
      { kind: 'check', run: 'systemctl is-active --quiet nginx', description: 'nginx runs' },
      { kind: 'package', name: 'never', state: 'present' },
    ]);
    expect(failed).toEqual({ lines: ['drill: check failed: nginx runs'], timed: 1, exitStatus: 1 });
    expect(os.packages.has('never')).toBe(false);
    const unknown = applyAll(os, [{ kind: 'check', run: 'etcdctl endpoint health', description: 'etcd healthy' }]);
    expect(unknown.exitStatus).toBe(127);
    expect(unknown.lines[0]).toMatch(/^drill model agent: cannot evaluate "etcdctl endpoint health" in model fidelity/);
  });
});

describe('work items from the wire', () => {
  it('lists every problem as path: problem — fix, and keeps the id to report against', () => {
    const parsed = parseWorkItem({ id: 'w-9', nodeRole: 'r', attempt: 1, shell: '', resources: [{ kind: 'package', name: 'x', state: 'latest' }, { kind: 'reboot' }] });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.id).toBe('w-9');
    expect(parsed.problems).toEqual([
      'resources[0].state: state must be present or absent — write state: present',
      'resources[1].kind: kind must be one of package, file, service, user, hostname, command, check — see docs/provisioning.md',
    ]);
  });
});
