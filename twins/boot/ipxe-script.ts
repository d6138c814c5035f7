import { BootScriptError } from '../errors.js';

/**
 * The iPXE subset of docs/provisioning.md, parsed: the `#!ipxe` first line,
 * blank lines, `#` comments, `echo`, `kernel URL ARG…`, `initrd URL`, `boot`,
 * `chain URL`, `exit`, and the variables `${net0/mac}` and `${mac}`. Words are
 * separated by spaces or tabs and never quoted. Anything else is a
 * BootScriptError naming the line, as the twin's firmware reports it.
 */
export type IpxeCommand =
  | { readonly kind: 'echo'; readonly line: number; readonly text: string }
  | { readonly kind: 'kernel'; readonly line: number; readonly url: string; readonly args: readonly string[] }
  | { readonly kind: 'initrd'; readonly line: number; readonly url: string }
  | { readonly kind: 'boot'; readonly line: number }
  | { readonly kind: 'chain'; readonly line: number; readonly url: string }
  | { readonly kind: 'exit'; readonly line: number };

export interface IpxeScript {
  /** Where the script came from (its URL), for errors and relative URLs. */
  readonly source: string;
  readonly commands: readonly IpxeCommand[];
  /** The last line of the script, where "ended without booting" is reported. */
  readonly lastLine: number;
}

/** The variables a script may use; both are the MAC the machine booted from. */
export interface IpxeVariables {
  readonly mac: string;
}

const KNOWN_VARIABLES = ['net0/mac', 'mac'] as const;
const COMMANDS = ['echo', 'kernel', 'initrd', 'boot', 'chain', 'exit'] as const;

/** Replaces `${net0/mac}` and `${mac}`; any other `${…}` is an error on that line. */
function expand(text: string, vars: IpxeVariables, fail: (problem: string, fix: string) => never): string {
  return text.replace(/\$\{([^}]*)\}|\$\{/g, (whole, name: string | undefined) => {
    if (name === undefined) fail(`unterminated variable in ${JSON.stringify(text)}`, 'close it with }, e.g. ${net0/mac}');
    if ((KNOWN_VARIABLES as readonly string[]).includes(name)) return vars.mac;
    return fail(`unknown variable ${whole}`, `use one of ${KNOWN_VARIABLES.map((v) => `\${${v}}`).join(', ')}`);
  });
}

function oneUrl(words: readonly string[], command: string, fail: (problem: string, fix: string) => never): string {
  if (words.length === 0) fail(`${command} without a URL`, `write ${command} http://BOOT-SERVER/…`);
  if (words.length > 1) fail(`${command} takes one URL, got ${words.length} words`, `write ${command} URL alone on the line`);
  return words[0]!;
}

/** Parses and expands a script's variables up to the command that ends it; the commands are checked, not run (see runIpxeScript). */
export function parseIpxeScript(text: string, source: string, vars: IpxeVariables): IpxeScript {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines[0]?.trimEnd() !== '#!ipxe') {
    throw new BootScriptError(source, 1, `not an iPXE script (the first line is ${JSON.stringify((lines[0] ?? '').slice(0, 40))})`, 'start the script with the line #!ipxe');
  }
  const commands: IpxeCommand[] = [];
  let lastLine = 1;
  // iPXE reads a script as it runs it: nothing after the command that ends it is read.
  const ended = (): boolean => ['boot', 'chain', 'exit'].includes(commands.at(-1)?.kind ?? '');
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (line === 1 || trimmed === '' || trimmed.startsWith('#') || ended()) return;
    lastLine = line;
    const fail = (problem: string, fix: string): never => {
      throw new BootScriptError(source, line, problem, fix);
    };
    const [command = '', ...rest] = expand(trimmed, vars, fail).split(/[ \t]+/);
    switch (command) {
      case 'echo':
        commands.push({ kind: 'echo', line, text: rest.join(' ') });
        return;
      case 'kernel': {
        const [url, ...args] = rest;
        if (url === undefined) fail('kernel without a URL', 'write kernel http://BOOT-SERVER/vmlinuz key=value …');
        const bad = args.find((arg) => !/^[^=\s]+=\S*$/.test(arg));
        if (bad !== undefined) fail(`kernel argument ${JSON.stringify(bad)} is not key=value`, 'write each kernel argument as key=value (docs/provisioning.md)');
        commands.push({ kind: 'kernel', line, url: url!, args });
        return;
      }
      case 'initrd':
        commands.push({ kind: 'initrd', line, url: oneUrl(rest, 'initrd', fail) });
        return;
      case 'chain':
        commands.push({ kind: 'chain', line, url: oneUrl(rest, 'chain', fail) });
        return;
      case 'boot':
      case 'exit':
        if (rest.length > 0) fail(`${command} takes no arguments here, got ${JSON.stringify(rest.join(' '))}`, `write ${command} alone on the line`);
        commands.push({ kind: command, line });
        return;
      default:
        fail(`unknown command ${JSON.stringify(command.slice(0, 40))}`, `the twin runs ${COMMANDS.join(', ')} (docs/provisioning.md)`);
    }
  });
  return { source, commands, lastLine };
}
