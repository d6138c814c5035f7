import type { CheckResource, CommandResource, FileResource, HostnameResource, PackageResource, Resource, ServiceResource, UserResource } from './resources.js';
import { shellQuote as q } from './shell-quote.js';

/**
 * Renders resources as one idempotent POSIX sh script (docs/provisioning.md
 * "Work items"): each resource tests before it acts, prints
 * `drill: changed KIND NAME` when it changed something, and the script prints
 * `drill: unchanged` when nothing did. `set -eu`: the first failure stops it
 * with a non-zero status. Every path is under `$DRILL_ROOT` (empty on a real
 * machine), so the same script can be run against a scratch tree; commands
 * (apt-get, systemctl, useradd…) still act on the live system.
 */

const PRELUDE = String.raw`set -eu
R=${'$'}{DRILL_ROOT:-}
export DRILL_ROOT="$R"
drill_changed=0
drill_apt_updated=0
drill_note() { printf 'drill: changed %s %s\n' "$1" "$2"; drill_changed=1; }
# drill_file PATH MODE OWNER GROUP CONTENT: sets drill_did=1 when it changed the file.
# A changed file is written beside the old one with its final mode and owner, then renamed over it.
drill_file() {
  drill_p=$R$1
  drill_d=${'$'}{drill_p%/*}
  drill_did=0
  [ -d "$drill_d" ] || mkdir -p "$drill_d"
  if [ -f "$drill_p" ] && [ ! -L "$drill_p" ] && printf '%s' "$5" | cmp -s - "$drill_p"; then :; else
    drill_t=$(mktemp "$drill_d/.drill.XXXXXX")
    chmod "$2" "$drill_t"
    [ -z "$3" ] || chown "$3" "$drill_t"
    [ -z "$4" ] || chgrp "$4" "$drill_t"
    printf '%s' "$5" > "$drill_t"
    mv -f "$drill_t" "$drill_p"
    drill_did=1
  fi
  if [ "$(stat -c %a "$drill_p")" != "$2" ]; then chmod "$2" "$drill_p"; drill_did=1; fi
  if [ -n "$3" ] && [ "$(stat -c %U "$drill_p")" != "$3" ]; then chown "$3" "$drill_p"; drill_did=1; fi
  if [ -n "$4" ] && [ "$(stat -c %G "$drill_p")" != "$4" ]; then chgrp "$4" "$drill_p"; drill_did=1; fi
}
drill_apt_update() {
  [ "$drill_apt_updated" = 1 ] || { apt-get update -q; drill_apt_updated=1; }
}
`;

/** `0644` → `644`, as `stat -c %a` prints it. */
function modeDigits(mode: string): string {
  return Number.parseInt(mode, 8).toString(8);
}

function homeOf(user: string): string {
  return user === 'root' ? '/root' : `/home/${user}`;
}

/** One printable line naming a command in `drill: changed command NAME`. */
function commandLabel(r: CommandResource): string {
  const text = r.creates ?? r.run.split('\n').find((line) => line.trim() !== '')?.trim() ?? r.run;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

interface Context {
  /** Shell variable set to 1 when the file at this path changed in this item. */
  readonly fileFlags: ReadonlyMap<string, string>;
}

function file(r: FileResource, ctx: Context): string[] {
  return [
    `drill_file ${q(r.path)} ${modeDigits(r.mode)} ${q(r.owner ?? '')} ${q(r.group ?? '')} ${q(r.content)}`,
    `if [ "$drill_did" = 1 ]; then drill_note file ${q(r.path)}; ${ctx.fileFlags.get(r.path)}=1; fi`,
  ];
}

function pkg(r: PackageResource): string[] {
  const installed = `dpkg-query -W -f='\${Status}' ${q(r.name)} 2>/dev/null | grep -q ' installed$'`;
  return r.state === 'present'
    ? [`if ${installed}; then :; else drill_apt_update; DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${q(r.name)}; drill_note package ${q(r.name)}; fi`]
    : [`if ${installed}; then DEBIAN_FRONTEND=noninteractive apt-get remove -y -q ${q(r.name)}; drill_note package ${q(r.name)}; fi`];
}

function service(r: ServiceResource, ctx: Context): string[] {
  const name = q(r.name);
  const flags = (r.restartOnChangeOf ?? []).map((path) => ctx.fileFlags.get(path)).filter((flag): flag is string => flag !== undefined);
  const lines = ['drill_did=0'];
  lines.push(
    r.enabled
      ? `if systemctl is-enabled --quiet ${name}; then :; else systemctl enable --quiet ${name}; drill_did=1; fi`
      : `if systemctl is-enabled --quiet ${name}; then systemctl disable --quiet ${name}; drill_did=1; fi`,
  );
  if (r.running) {
    // A service that was stopped starts with the new files; only a running one needs a restart.
    const restart = flags.length > 0 ? `if [ "${flags.map((f) => `$${f}`).join('')}" != "${'0'.repeat(flags.length)}" ]; then systemctl restart ${name}; drill_did=1; fi` : ':';
    lines.push(`if systemctl is-active --quiet ${name}; then ${restart}; else systemctl start ${name}; drill_did=1; fi`);
  } else {
    lines.push(`if systemctl is-active --quiet ${name}; then systemctl stop ${name}; drill_did=1; fi`);
  }
  lines.push(`if [ "$drill_did" = 1 ]; then drill_note service ${name}; fi`);
  return lines;
}

function user(r: UserResource): string[] {
  const name = q(r.name);
  const home = homeOf(r.name);
  const keys = r.sshAuthorizedKeys.length === 0 ? '' : `${r.sshAuthorizedKeys.join('\n')}\n`;
  const shellCheck = r.shell === undefined ? '' : ` if [ "$(getent passwd ${name} | cut -d: -f7)" != ${q(r.shell)} ]; then usermod --shell ${q(r.shell)} ${name}; drill_did=1; fi;`;
  const create = `useradd --create-home --home-dir ${q(home)}${r.shell === undefined ? '' : ` --shell ${q(r.shell)}`} ${name}`;
  return [
    'drill_did=0',
    `if id -u ${name} >/dev/null 2>&1; then${shellCheck || ' :;'} else ${create}; drill_did=1; fi`,
    'drill_user_did=$drill_did',
    `if [ ! -d "$R"${q(`${home}/.ssh`)} ]; then mkdir -p "$R"${q(`${home}/.ssh`)}; chmod 700 "$R"${q(`${home}/.ssh`)}; chown ${q(`${r.name}:`)} "$R"${q(`${home}/.ssh`)}; drill_user_did=1; fi`,
    `drill_file ${q(`${home}/.ssh/authorized_keys`)} 600 ${name} '' ${q(keys)}`,
    `if [ "$drill_did$drill_user_did" != 00 ]; then drill_note user ${name}; fi`,
  ];
}

function hostname(r: HostnameResource): string[] {
  const name = q(r.name);
  return [
    `drill_file /etc/hostname 644 '' '' ${q(`${r.name}\n`)}`,
    // The running kernel's name follows the static one, on a live system only.
    `if [ -z "$R" ] && [ "$(hostname)" != ${name} ]; then hostname ${name}; drill_did=1; fi`,
    `if [ "$drill_did" = 1 ]; then drill_note hostname ${name}; fi`,
  ];
}

function command(r: CommandResource): string[] {
  const run = `(cd / && sh -e -c ${q(r.run)}); drill_note command ${q(commandLabel(r))}`;
  return r.creates === undefined ? [run] : [`if [ -e "$R"${q(r.creates)} ]; then :; else ${run}; fi`];
}

function check(r: CheckResource): string[] {
  return [`if (cd / && sh -e -c ${q(r.run)}); then :; else printf 'drill: check failed: %s\\n' ${q(r.description)}; exit 1; fi`];
}

function render(r: Resource, ctx: Context): string[] {
  switch (r.kind) {
    case 'file':
      return file(r, ctx);
    case 'package':
      return pkg(r);
    case 'service':
      return service(r, ctx);
    case 'user':
      return user(r);
    case 'hostname':
      return hostname(r);
    case 'command':
      return command(r);
    case 'check':
      return check(r);
  }
}

function describe(r: Resource): string {
  switch (r.kind) {
    case 'file':
      return `file ${r.path}`;
    case 'command':
      return `command ${commandLabel(r)}`;
    case 'check':
      return `check ${r.description}`;
    default:
      return `${r.kind} ${r.name}`;
  }
}

/** The shell for `resources`, in order. `title` goes in the header comment (the node-role). */
export function renderShell(resources: readonly Resource[], title: string): string {
  const fileFlags = new Map<string, string>();
  for (const r of resources) if (r.kind === 'file' && !fileFlags.has(r.path)) fileFlags.set(r.path, `drill_fc_${fileFlags.size}`);
  const ctx: Context = { fileFlags };
  const body = resources.flatMap((r) => [`# ${describe(r).replace(/[\r\n]/g, ' ')}`, ...render(r, ctx)]);
  return [
    '#!/bin/sh',
    `# drill work item: ${title.replace(/[\r\n]/g, ' ')} (${resources.length} resources; idempotent, rendered by the orchestrator)`,
    PRELUDE.trimEnd(),
    ...[...fileFlags.values()].map((flag) => `${flag}=0`),
    ...body,
    `[ "$drill_changed" = 1 ] || printf 'drill: unchanged\\n'`,
    '',
  ].join('\n');
}
