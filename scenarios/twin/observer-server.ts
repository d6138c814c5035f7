import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isLoopback } from '../../orchestrator/index.js';
import { InvalidArgumentError } from '../../sim/index.js';
import type { ObserverEvent, TwinObserverFeed } from './observer-feed.js';

export const TWIN_OBSERVER_PATHS = { topology: '/twin/v1/topology', servers: '/twin/v1/servers', events: '/twin/v1/events' } as const;

/** A client whose socket holds this much unsent data is told to reconnect instead of growing the buffer. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** Close code: the events after the client's `after` are no longer retained; it must re-read the servers. */
export const GAP_CLOSE_CODE = 4409;

export interface TwinObserverServerOptions {
  readonly feed: TwinObserverFeed;
  /** Loopback only: the twin lives on this machine and the observer serves plain HTTP. */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
}

export interface RunningTwinObserver {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function refuse(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${message}\n`);
}

/**
 * The twin's observer endpoint, read-only: `GET /twin/v1/topology` (the spec's
 * layout), `GET /twin/v1/servers` (physical state and the sequence number it is
 * current at) and the WebSocket `/twin/v1/events?after=N`, which sends every
 * retained event after N and then live ones, with no gap and no duplicate.
 * It shows only what a datacenter's own monitoring would (no credentials), so
 * any page may read it (CORS `*`) — which is why it listens on loopback only.
 */
export async function startTwinObserver(options: TwinObserverServerOptions): Promise<RunningTwinObserver> {
  if (!isLoopback(options.host)) {
    throw new InvalidArgumentError(`host: ${options.host} is not a loopback address — the twin observer serves plain HTTP and listens on 127.0.0.1 (or another 127.x address) only`);
  }
  const { feed } = options;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { problem: `${req.method} is not allowed`, fix: 'the twin observer is read-only: use GET' });
    if (path === TWIN_OBSERVER_PATHS.topology) return sendJson(res, 200, feed.topology());
    if (path === TWIN_OBSERVER_PATHS.servers) return sendJson(res, 200, feed.snapshot());
    sendJson(res, 404, { problem: `no endpoint ${path}`, fix: `use ${Object.values(TWIN_OBSERVER_PATHS).join(', ')}` });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== TWIN_OBSERVER_PATHS.events) return refuse(socket, 404, 'Not Found');
    const after = Number(url.searchParams.get('after') ?? '0');
    if (!Number.isInteger(after) || after < 0) return refuse(socket, 400, 'after must be an event sequence number >= 0');
    wss.handleUpgrade(request, socket, head, (ws) => stream(ws, feed, after));
  });
  // once() rejects with the server's 'error' (a port in use) instead of waiting for 'listening'.
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: async () => {
      for (const client of wss.clients) client.close(1001, 'twin shutting down');
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function stream(ws: WebSocket, feed: TwinObserverFeed, after: number): void {
  // The feed is synchronous, so reading the backlog and subscribing cannot miss an event in between.
  const backlog = feed.eventsAfter(after);
  if (backlog === undefined) {
    ws.close(GAP_CLOSE_CODE, `events after ${after} are no longer retained: read ${TWIN_OBSERVER_PATHS.servers} and resume after its seq`);
    return;
  }
  const send = (event: ObserverEvent): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1013, `too slow: reconnect with after=${event.seq - 1}`);
      return;
    }
    ws.send(JSON.stringify(event));
  };
  for (const event of backlog) send(event);
  const subscription = feed.subscribe(send);
  ws.on('close', () => void subscription.dispose());
}
