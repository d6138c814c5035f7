import { existsSync } from 'node:fs';
import { compareTraces, readTraceLines, type TraceEvent } from '../../sim/index.js';
import { CliError } from '../errors.js';

function show(event: TraceEvent | undefined): string {
  return event ? JSON.stringify(event) : '(end of trace)';
}

/** `drill trace diff A B`: exit 0 when identical, 1 at the first divergence. */
export async function traceDiff(a: string, b: string, out: (line: string) => void): Promise<number> {
  for (const path of [a, b]) {
    if (!existsSync(path)) throw new CliError(`Failed to read trace ${path}: no such file — check the path`, 2);
  }
  const result = await compareTraces(readTraceLines(a), readTraceLines(b), { a, b });
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
