import { CryptoRandom, FileTraceSink, formatSeed, parseSeed, SimError } from '../../sim/index.js';
import { runKernelDemo, type KernelDemoProgress } from '../../scenarios/index.js';
import { CliError } from '../errors.js';

export interface SimDemoOptions {
  seed?: string;
  racks: string;
  servers: string;
  trace?: string;
}

function positiveInt(text: string, flag: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`${flag}: ${JSON.stringify(text)} is not a whole number from 1 to ${max} — e.g. ${flag} 4`, 2);
  return n;
}

function clockText(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `+${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** `drill sim demo`: the simulation kernel powering on a small fleet through faults. */
export async function simDemo(options: SimDemoOptions, out: (line: string) => void): Promise<number> {
  let seed: bigint;
  try {
    seed = options.seed === undefined ? parseSeed(`0x${Buffer.from(new CryptoRandom().bytes(4)).toString('hex')}`) : parseSeed(options.seed);
  } catch (error) {
    if (error instanceof SimError) throw new CliError(`--seed: ${error.message.replace(/^seed: /, '')}`, 2);
    throw error;
  }
  const racks = positiveInt(options.racks, '--racks', 250);
  const perRack = positiveInt(options.servers, '--servers', 250);
  let sink: FileTraceSink | undefined;
  if (options.trace !== undefined) {
    try {
      sink = new FileTraceSink(options.trace);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new CliError(`--trace: cannot write ${JSON.stringify(options.trace)} (${reason}) — pass a file path in an existing, writable directory`, 2);
    }
  }
  out(`drill sim demo — seed ${formatSeed(seed)}, ${racks} racks × ${perRack} servers, faults: latency, 503s, resets, drops, rack 2 cut off 5–65 s`);
  out('virtual time   off  powering  on   requests  failed');
  const started = process.hrtime.bigint();
  const result = await runKernelDemo({
    seed,
    racks,
    serversPerRack: perRack,
    ...(sink ? { sink } : {}),
    onProgress: (p: KernelDemoProgress) =>
      out(`${clockText(p.elapsedMs).padEnd(13)}  ${String(p.off).padStart(3)}  ${String(p.poweringOn).padStart(8)}  ${String(p.on).padStart(3)}  ${String(p.requests).padStart(9)}  ${String(p.failures).padStart(6)}`),
  });
  const realMs = Number(process.hrtime.bigint() - started) / 1e6;
  out('');
  out(`${result.on}/${result.servers} servers on after ${clockText(result.elapsedMs)} of virtual time (${realMs.toFixed(0)} ms real)`);
  out(`${result.requests} requests, ${result.failures} failed and retried, ${result.faultStrikes} injected faults struck`);
  out(`trace: ${result.traceEvents} events, sha256 ${result.digest}${options.trace ? `, written to ${options.trace}` : ''}`);
  out(`replay exactly: drill sim demo --seed ${result.seed} --racks ${racks} --servers ${perRack}${options.trace ? ' --trace OTHER.jsonl' : ''}`);
  return result.on === result.servers ? 0 : 1;
}
