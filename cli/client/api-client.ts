import http from 'node:http';
import https from 'node:https';
import { CliError } from '../errors.js';
import type { Connection } from './connection.js';

interface ProblemBody {
  field?: string;
  problem?: string;
  fix?: string;
  problems?: ProblemBody[];
}

function oneProblem(b: ProblemBody): string {
  return `${b.field ? `${b.field}: ` : ''}${b.problem ?? ''}${b.fix ? ` — ${b.fix}` : ''}`;
}

/** The orchestrator's `{field, problem, fix}` as one line, or one line each when it lists several. */
function problemLine(status: number, body: unknown): string {
  const b = (typeof body === 'object' && body !== null ? body : {}) as ProblemBody;
  if (!b.problem) return `the orchestrator answered ${status}`;
  if (b.problems && b.problems.length > 1) return `${b.problems.length} problems:\n${b.problems.map((p) => `  ${oneProblem(p)}`).join('\n')}`;
  return oneProblem(b);
}

/**
 * A small JSON client for the orchestrator API over node:http(s), trusting
 * the orchestrator's own CA. No request timeout: an enrollment of a thousand
 * BMCs answers when it is done.
 */
export class ApiClient {
  constructor(readonly connection: Connection) {}

  async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.connection.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const secure = url.protocol === 'https:';
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = (secure ? https : http).request(
        url,
        {
          method,
          headers: {
            authorization: `Bearer ${this.connection.token}`,
            accept: 'application/json',
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
          },
          ...(secure && this.connection.caPem ? { ca: this.connection.caPem } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      request.on('error', (error: NodeJS.ErrnoException) =>
        reject(new CliError(`Failed to reach the orchestrator at ${this.connection.server}: ${error.code ?? error.message} — is \`drill serve\` running, and is --server right?`, 1)),
      );
      if (payload !== undefined) request.write(payload);
      request.end();
    });
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new CliError(`Failed to ${method} ${path}: the orchestrator answered ${status} with a body that is not JSON`, 1);
    }
    if (status < 200 || status >= 300) throw new CliError(`Failed to ${method} ${path}: ${problemLine(status, parsed)}`, 1);
    return parsed as T;
  }
}
