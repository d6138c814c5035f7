import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A scratch root to run rendered shell in for real, with `sh` (dash on Debian).
 * PATH holds only an allow-list of harmless real tools plus tiny fakes of the
 * tools that change a live system (apt-get, dpkg-query, systemctl, useradd,
 * usermod, hostname): nothing the script runs can reach beyond the root.
 * The fakes keep their state under `$DRILL_ROOT/.fake` and log every call to
 * `.fake/calls`. Real coverage of those tools comes with container fidelity.
 */

const REAL_TOOLS = ['sh', 'cat', 'cmp', 'mkdir', 'chmod', 'chown', 'chgrp', 'stat', 'mv', 'rm', 'mktemp', 'grep', 'cut', 'touch', 'test', 'printf', 'id', 'getent', 'ls', 'env', 'true', 'false', 'sed', 'tail', 'head'];

const FAKES: Record<string, string> = {
  'dpkg-query': `eval "name=\\$$#"; test -e "$F/pkg/$name" && printf 'install ok installed'`,
  'apt-get': `case "$1" in update) ;; install) eval "name=\\$$#"; touch "$F/pkg/$name" ;; remove) eval "name=\\$$#"; rm -f "$F/pkg/$name" ;; *) exit 100 ;; esac`,
  systemctl: `case "$1" in
  is-enabled) test -e "$F/enabled/$3" ;;
  enable) touch "$F/enabled/$3" ;;
  disable) rm -f "$F/enabled/$3" ;;
  is-active) test -e "$F/active/$3" ;;
  start|restart) touch "$F/active/$2" ;;
  stop) rm -f "$F/active/$2" ;;
  daemon-reload) ;;
  *) exit 1 ;;
esac`,
  useradd: `eval "name=\\$$#"; echo "$name" >> "$F/users"`,
  usermod: ':',
  hostname: 'exit 1',
};

/** Fakes for a user that does not exist on this machine: `id` and `getent` know the users `useradd` made (shell /bin/bash), `chown` only logs. */
export const USER_FAKES: Record<string, string> = {
  id: `grep -qx "$2" "$F/users" 2>/dev/null`,
  getent: `grep -qx "$2" "$F/users" && echo "$2:x:1000:1000::/home/$2:/bin/bash"`,
  chown: ':',
};

export interface TempRoot {
  readonly root: string;
  run(script: string): { status: number; output: string };
  /** Calls the fakes received, one line each (`systemctl start chrony`). */
  calls(): string[];
  path(p: string): string;
  dispose(): void;
}

export function tempRoot(extraFakes: Record<string, string> = {}): TempRoot {
  const base = mkdtempSync(join(tmpdir(), 'drill-sh-'));
  const root = join(base, 'root');
  const bin = join(base, 'bin');
  mkdirSync(bin);
  for (const dir of ['pkg', 'enabled', 'active']) mkdirSync(join(root, '.fake', dir), { recursive: true });
  for (const tool of REAL_TOOLS) {
    const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => spawnSync('test', ['-x', p]).status === 0);
    if (found) symlinkSync(found, join(bin, tool));
  }
  for (const [name, body] of Object.entries({ ...FAKES, ...extraFakes })) {
    rmSync(join(bin, name), { force: true });
    writeFileSync(join(bin, name), `#!/bin/sh\nF="$DRILL_ROOT/.fake"\necho "${name} $*" >> "$F/calls"\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  const script = join(base, 'item.sh');
  return {
    root,
    run(text) {
      writeFileSync(script, text);
      const r = spawnSync('/bin/sh', [script], { env: { PATH: bin, DRILL_ROOT: root }, encoding: 'utf8' });
      return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
    },
    calls() {
      const r = spawnSync('cat', [join(root, '.fake', 'calls')], { encoding: 'utf8' });
      return r.stdout.split('\n').filter((l) => l !== '');
    },
    path: (p) => join(root, p),
    dispose: () => rmSync(base, { recursive: true, force: true }),
  };
}
