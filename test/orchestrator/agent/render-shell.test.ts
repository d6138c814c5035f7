import { readFileSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Resource, renderShell, type Resource as ResourceT } from '../../../orchestrator/agent/index.js';
import { commandOnPath, describeWithHost } from '../../support/host-tools.js';
import { tempRoot, USER_FAKES, type TempRoot } from './support/temp-root.js';

const me = userInfo().username;
let t: TempRoot;

function twice(resources: ResourceT[]): [{ status: number; output: string }, { status: number; output: string }] {
  const shell = renderShell(resources.map((r) => Resource.parse(r)), 'test/item@n1');
  return [t.run(shell), t.run(shell)];
}

describeWithHost('rendered shell, run with sh in a temporary root', [commandOnPath('sh'), commandOnPath('cmp'), commandOnPath('stat')], () => {
  beforeEach(() => {
    t = tempRoot();
  });
  afterEach(() => t.dispose());

  it('writes files with their content, mode and owner, says so, and changes nothing the second time', () => {
    const [first, second] = twice([
      { kind: 'file', path: '/etc/chrony/chrony.conf', content: 'server 10.0.0.1 iburst\n', mode: '0644', owner: me, group: userInfo().uid === 0 ? 'root' : undefined } as ResourceT,
      { kind: 'file', path: '/etc/drill/secret', content: 'no newline at the end', mode: '0600' },
    ]);
    expect(first).toEqual({ status: 0, output: 'drill: changed file /etc/chrony/chrony.conf\ndrill: changed file /etc/drill/secret\n' });
    expect(second).toEqual({ status: 0, output: 'drill: unchanged\n' });
    expect(readFileSync(t.path('etc/chrony/chrony.conf'), 'utf8')).toBe('server 10.0.0.1 iburst\n');
    expect(readFileSync(t.path('etc/drill/secret'), 'utf8')).toBe('no newline at the end');
    expect(statSync(t.path('etc/chrony/chrony.conf')).mode & 0o777).toBe(0o644);
    expect(statSync(t.path('etc/drill/secret')).mode & 0o777).toBe(0o600);
  });

  it('puts back content and mode someone changed by hand, and only those', () => {
    const conf: ResourceT = { kind: 'file', path: '/etc/a.conf', content: 'a=1\n', mode: '0640' };
    const other: ResourceT = { kind: 'file', path: '/etc/b.conf', content: 'b=1\n', mode: '0644' };
    twice([conf, other]);
    writeFileSync(t.path('etc/a.conf'), 'a=2\n');
    const [repaired] = twice([conf, other]);
    expect(repaired.output).toBe('drill: changed file /etc/a.conf\n');
    expect(readFileSync(t.path('etc/a.conf'), 'utf8')).toBe('a=1\n');
    statSync(t.path('etc/b.conf'));
    const chmod = t.run(`chmod 666 ${t.path('etc/b.conf')}`);
    expect(chmod.status).toBe(0);
    expect(twice([conf, other])[0].output).toBe('drill: changed file /etc/b.conf\n');
    expect(statSync(t.path('etc/b.conf')).mode & 0o777).toBe(0o644);
  });

  it('installs packages, enables and starts services, restarts one whose file changed', () => {
    const conf = (servers: string): ResourceT => ({ kind: 'file', path: '/etc/chrony/chrony.conf', content: servers, mode: '0644' });
    const items = (servers: string): ResourceT[] => [
      { kind: 'package', name: 'chrony', state: 'present' },
      conf(servers),
      { kind: 'service', name: 'chrony', enabled: true, running: true, restartOnChangeOf: ['/etc/chrony/chrony.conf'] },
    ];
    const [first, second] = twice(items('server a\n'));
    expect(first.output).toBe('drill: changed package chrony\ndrill: changed file /etc/chrony/chrony.conf\ndrill: changed service chrony\n');
    expect(second.output).toBe('drill: unchanged\n');
    expect(t.calls()).toContain('apt-get install -y -q --no-install-recommends chrony');
    expect(t.calls()).toContain('systemctl start chrony');
    expect(t.calls()).not.toContain('systemctl restart chrony');
    const [changed] = twice(items('server b\n'));
    expect(changed.output).toBe('drill: changed file /etc/chrony/chrony.conf\ndrill: changed service chrony\n');
    expect(t.calls().filter((c) => c === 'systemctl restart chrony')).toHaveLength(1);
    const [removed, again] = twice([
      { kind: 'package', name: 'chrony', state: 'absent' },
      { kind: 'service', name: 'chrony', enabled: false, running: false },
    ]);
    expect(removed.output).toBe('drill: changed package chrony\ndrill: changed service chrony\n');
    expect(again.output).toBe('drill: unchanged\n');
  });

  it('keeps exactly the given SSH keys of an existing user', () => {
    const keys = (...k: string[]): ResourceT => ({ kind: 'user', name: me, sshAuthorizedKeys: k });
    const home = me === 'root' ? 'root' : `home/${me}`;
    mkdirSync(t.path(home), { recursive: true });
    const [first, second] = twice([keys('ssh-ed25519 AAAAone a@x', 'ssh-ed25519 AAAAtwo b@x')]);
    expect(first).toEqual({ status: 0, output: `drill: changed user ${me}\n` });
    expect(second.output).toBe('drill: unchanged\n');
    expect(readFileSync(t.path(`${home}/.ssh/authorized_keys`), 'utf8')).toBe('ssh-ed25519 AAAAone a@x\nssh-ed25519 AAAAtwo b@x\n');
    expect(statSync(t.path(`${home}/.ssh`)).mode & 0o777).toBe(0o700);
    expect(statSync(t.path(`${home}/.ssh/authorized_keys`)).mode & 0o777).toBe(0o600);
    expect(twice([keys('ssh-ed25519 AAAAtwo b@x')])[0].output).toBe(`drill: changed user ${me}\n`);
    expect(readFileSync(t.path(`${home}/.ssh/authorized_keys`), 'utf8')).toBe('ssh-ed25519 AAAAtwo b@x\n');
  });

  it('creates a missing user with useradd, once', () => {
    t.dispose();
    t = tempRoot(USER_FAKES);
    // The fake chown cannot give files to a user this machine lacks, so the second run
    // repairs ownership again; that it does not add the user again is what is checked.
    const [first] = twice([{ kind: 'user', name: 'ops', sshAuthorizedKeys: ['ssh-ed25519 AAAA ops@x'], shell: '/bin/bash' }]);
    expect(first.output).toBe('drill: changed user ops\n');
    expect(readFileSync(t.path('home/ops/.ssh/authorized_keys'), 'utf8')).toBe('ssh-ed25519 AAAA ops@x\n');
    expect(t.calls().filter((c) => c.startsWith('useradd'))).toEqual(['useradd --create-home --home-dir /home/ops --shell /bin/bash ops']);
  });

  it('sets the static hostname', () => {
    const [first, second] = twice([{ kind: 'hostname', name: 'r1-s3' }]);
    expect(first.output).toBe('drill: changed hostname r1-s3\n');
    expect(second.output).toBe('drill: unchanged\n');
    expect(readFileSync(t.path('etc/hostname'), 'utf8')).toBe('r1-s3\n');
  });

  it('runs a command until what it creates exists, and a command without creates every time', () => {
    const [first, second] = twice([
      { kind: 'command', run: 'mkdir -p "$DRILL_ROOT/var/lib/x" && echo made > "$DRILL_ROOT/var/lib/x/ready"', creates: '/var/lib/x/ready' },
      { kind: 'check', run: 'test -f "$DRILL_ROOT/var/lib/x/ready"', description: 'x is ready' },
    ]);
    expect(first.output).toBe('drill: changed command /var/lib/x/ready\n');
    expect(second.output).toBe('drill: unchanged\n');
    const always = twice([{ kind: 'command', run: 'true' }]);
    expect(always.map((r) => r.output)).toEqual(['drill: changed command true\n', 'drill: changed command true\n']);
  });

  it('stops at the first failure with a non-zero status', () => {
    const [failed] = twice([
      { kind: 'check', run: 'test -e "$DRILL_ROOT/nope"', description: 'nope exists' },
      { kind: 'file', path: '/after', content: 'x', mode: '0644' },
    ]);
    expect(failed.status).not.toBe(0);
    expect(failed.output).toBe('drill: check failed: nope exists\n');
    expect(existsSync(t.path('after'))).toBe(false);
    const [command] = twice([{ kind: 'command', run: 'echo half; false; echo never' }]);
    expect(command.status).not.toBe(0);
    expect(command.output).toBe('half\n');
  });

  it('writes any content to any file name byte for byte (fast-check)', () => {
    const segment = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((s) => !/[/\0\n\r]/.test(s) && s !== '.' && s !== '..' && Buffer.byteLength(s) < 200);
    const content = fc.string({ unit: 'grapheme', maxLength: 300 }).filter((s) => !s.includes('\0'));
    const files = fc.uniqueArray(fc.record({ name: segment, content }), { minLength: 1, maxLength: 5, selector: (f) => f.name });
    fc.assert(
      fc.property(files, (entries) => {
        const resources = entries.map(({ name, content: text }) => Resource.parse({ kind: 'file', path: `/data/${name}`, content: text, mode: '0644' }));
        const [first, second] = twice(resources);
        expect(first.status, first.output).toBe(0);
        for (const { name, content: text } of entries) expect(readFileSync(`${t.path('data')}/${name}`)).toEqual(Buffer.from(text));
        expect(second.output).toBe('drill: unchanged\n');
      }),
      { numRuns: 40 },
    );
  });
});

it('refuses resources a shell could misread, naming the field', () => {
  const bad = Resource.safeParse({ kind: 'file', path: '/etc/../shadow', content: 'x', mode: '644' });
  expect(bad.success).toBe(false);
  expect(bad.error?.issues[0]).toMatchObject({ path: ['path'], message: expect.stringContaining('".." segments') });
  expect(Resource.safeParse({ kind: 'package', name: 'chrony; rm -rf /', state: 'present' }).success).toBe(false);
  expect(Resource.safeParse({ kind: 'file', path: '/a', content: 'x\0', mode: '0644' }).success).toBe(false);
  expect(Resource.safeParse({ kind: 'user', name: 'ops', sshAuthorizedKeys: ['a\nb'] }).success).toBe(false);
});
