import type { OrchestratorInventory, OrchestratorNode, OrchestratorNodeRole, TwinServersSnapshot, TwinTopology } from './wire.js';

/** What went wrong talking to the twin or the orchestrator, said so the page can show it. */
export class ServerCallError extends Error {
  override name = 'ServerCallError';
  constructor(
    readonly code: 'HTTP_STATUS' | 'UNAUTHORIZED' | 'NETWORK',
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json', ...headers }, cache: 'no-store' });
  } catch (error) {
    throw new ServerCallError('NETWORK', `Failed to read ${url}: ${error instanceof Error ? error.message : String(error)} — is it running?`);
  }
  if (response.status === 401) throw new ServerCallError('UNAUTHORIZED', `Failed to read ${url}: the API token was refused — enter the token drill printed`);
  if (!response.ok) throw new ServerCallError('HTTP_STATUS', `Failed to read ${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** The twin observer: layout, physical state, and its event stream. */
export class TwinClient {
  constructor(readonly baseUrl: string) {}

  topology(): Promise<TwinTopology> {
    return getJson(`${this.baseUrl}/twin/v1/topology`);
  }

  servers(): Promise<TwinServersSnapshot> {
    return getJson(`${this.baseUrl}/twin/v1/servers`);
  }

  eventsUrl(afterSeq: number): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}/twin/v1/events?after=${afterSeq}`;
  }
}

/** The orchestrator's API, same origin as the page, with the user's bearer token. */
export class OrchestratorClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private get<T>(path: string): Promise<T> {
    return getJson<T>(`${this.baseUrl}${path}`, { authorization: `Bearer ${this.token}` });
  }

  latestSeq(): Promise<number> {
    return this.get<{ seq: number }>('/api/v1/events/latest').then((r) => r.seq);
  }

  nodes(): Promise<OrchestratorNode[]> {
    return this.get('/api/v1/nodes');
  }

  nodeRoles(): Promise<OrchestratorNodeRole[]> {
    return this.get('/api/v1/node-roles');
  }

  inventory(node: string): Promise<OrchestratorInventory> {
    return this.get(`/api/v1/nodes/${encodeURIComponent(node)}/inventory`);
  }

  eventsUrl(afterSeq: number): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}/api/v1/events/stream?after=${afterSeq}`;
  }

  /** Browsers cannot set headers on a WebSocket: the stream takes the token as a subprotocol. */
  get streamProtocols(): readonly string[] {
    return ['drill-events', `bearer.${this.token}`];
  }
}
