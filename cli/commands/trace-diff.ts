import { statSync } from 'node:fs';
import { compareTraces, InvalidTraceError, readTraceLines, type TraceComparison, type TraceEvent } from '../../sim/index.js';
import { CliError } from '../errors.js';

function show(event: TraceEvent | undefined): string {
  return event ? JSON.stringify(event) : '(end of trace)';
}

/** `drill trace diff A B`: exit 0 when identical, 1 at the first divergence. */
export async function traceDiff(a: string, b: string, out: (line: string) => void): Promise<number> {
  for (const path of [a, b]) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new CliError(`Failed to read trace ${path}: no such file — check the path`, 2);
    if (!stat.isFile()) throw new CliError(`Failed to read trace ${path}: not a file — pass a JSONL trace file (drill sim demo --trace FILE)`, 2);
  }
  let result: TraceComparison;
  try {
    result = await compareTraces(readTraceLines(a), readTraceLines(b), { a, b });
  } catch (error) {
    // A corrupt trace is bad input (exit 2), not a divergence (exit 1).
    if (error instanceof InvalidTraceError) throw new CliError(error.message, 2);
    throw error;
  }
  if (result.identical) {
    out(`identical: ${result.events} events`);
    return 0;
  }
  out(`traces diverge at line ${result.line} (${result.fields.join(', ')} differ)`);
  if (result.lastCommon) out(`  last common   t=${result.lastCommon.t} ${result.lastCommon.source} ${result.lastCommon.type}`);
  out(`  ${a}: ${show(result.a)}`);
  out(`  ${b}: ${show(result.b)}`);
  return 1;
}
