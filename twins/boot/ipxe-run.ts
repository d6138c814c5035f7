import { BootScriptError } from '../errors.js';
import { parseIpxeScript, type IpxeScript, type IpxeVariables } from './ipxe-script.js';

/** What a kernel line boots: its URL and its `key=value` arguments, in order. */
export interface KernelLine {
  readonly url: string;
  readonly args: ReadonlyMap<string, string>;
}

/** How a script ends. `chain` is followed by followIpxeChain; `exit` hands back to the firmware's next boot device. */
export type IpxeOutcome =
  | { readonly kind: 'boot'; readonly kernel: KernelLine; readonly initrd: string | undefined }
  | { readonly kind: 'chain'; readonly url: string; readonly line: number }
  | { readonly kind: 'exit' };

export interface IpxeRun {
  readonly outcome: IpxeOutcome;
  /** What `echo` printed, in order. */
  readonly console: readonly string[];
}

/** An http(s) URL, resolved against the script's own URL as iPXE does. */
function resolveUrl(url: string, script: IpxeScript, line: number): string {
  let resolved: URL;
  try {
    resolved = new URL(url, URL.canParse(script.source) ? script.source : undefined);
  } catch {
    throw new BootScriptError(script.source, line, `${JSON.stringify(url)} is not a URL`, 'write an absolute http:// URL, or one relative to the script');
  }
  if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') {
    throw new BootScriptError(script.source, line, `${resolved.protocol} URLs are not served by the boot server`, 'fetch boot files over http://');
  }
  return resolved.href;
}

/**
 * Runs a parsed script up to the command that ends it: `boot` (with the last
 * `kernel` and `initrd`), `chain` or `exit`. Commands after that one never run,
 * as in iPXE. `boot` without a kernel, and a script that ends without any of
 * the three, are errors on their line.
 */
export function runIpxeScript(script: IpxeScript): IpxeRun {
  const printed: string[] = [];
  let kernel: KernelLine | undefined;
  let initrd: string | undefined;
  for (const command of script.commands) {
    switch (command.kind) {
      case 'echo':
        printed.push(command.text);
        break;
      case 'kernel':
        kernel = {
          url: resolveUrl(command.url, script, command.line),
          args: new Map(command.args.map((arg) => [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] as const)),
        };
        break;
      case 'initrd':
        initrd = resolveUrl(command.url, script, command.line);
        break;
      case 'boot':
        if (kernel === undefined) throw new BootScriptError(script.source, command.line, 'boot without a kernel', 'load one first with kernel URL key=value …');
        return { outcome: { kind: 'boot', kernel, initrd }, console: printed };
      case 'chain':
        return { outcome: { kind: 'chain', url: resolveUrl(command.url, script, command.line), line: command.line }, console: printed };
      case 'exit':
        return { outcome: { kind: 'exit' }, console: printed };
    }
  }
  throw new BootScriptError(script.source, script.lastLine, 'the script ends without boot, chain or exit', 'end it with boot (after kernel), chain URL or exit');
}

export interface FollowOptions {
  /** The first script's URL (the boot server's `B/boot/ipxe?mac=…`). */
  readonly url: string;
  readonly vars: IpxeVariables;
  /** Fetches a script's text; its errors (network, HTTP status) pass through untouched. */
  readonly fetchScript: (url: string) => Promise<string>;
  /** Chains followed at most before the firmware gives up. Default 8. */
  readonly maxChains?: number;
  /** Hears each script's `echo` lines as they are printed. */
  readonly onConsole?: (line: string) => void;
}

export interface NetworkBootResult {
  /** `boot` or `exit`; a chain is always followed. */
  readonly outcome: Exclude<IpxeOutcome, { kind: 'chain' }>;
  /** Every script fetched, in order. */
  readonly scripts: readonly string[];
}

/** Fetches and runs scripts, following `chain` up to `maxChains` times. */
export async function followIpxeChain(options: FollowOptions): Promise<NetworkBootResult> {
  const maxChains = options.maxChains ?? 8;
  const scripts: string[] = [];
  let url = options.url;
  for (;;) {
    scripts.push(url);
    const script = parseIpxeScript(await options.fetchScript(url), url, options.vars);
    const run = runIpxeScript(script);
    for (const line of run.console) options.onConsole?.(line);
    if (run.outcome.kind !== 'chain') return { outcome: run.outcome, scripts };
    if (scripts.length > maxChains) {
      throw new BootScriptError(url, run.outcome.line, `chain to ${run.outcome.url} would be chain number ${scripts.length}, past the limit of ${maxChains}`, 'end the chain with boot or exit (a script that chains to itself loops)');
    }
    url = run.outcome.url;
  }
}
