import { CliError } from '../errors.js';

/** `HOST:PORT` or `[V6]:PORT` → host and port (0: any free port). */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d+)$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || !(port >= 0 && port <= 65_535)) throw new CliError(`--listen: ${JSON.stringify(text)} is not HOST:PORT — e.g. --listen 127.0.0.1:8443 (port 0 picks a free one)`, 2);
  return { host: match[1] ?? match[2]!, port };
}
