import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ObservedStore, StoredEvent } from '../store/index.js';
import type { ApiTokens } from './api-tokens.js';
import { bearerToken } from './app.js';

export const EVENT_STREAM_PATH = '/api/v1/events/stream';
/** Browsers cannot set headers on a WebSocket: they offer the token as a subprotocol `bearer.<token>`. */
const TOKEN_PROTOCOL = 'bearer.';
const PAGE = 500;
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

function tokenOf(request: IncomingMessage): string | undefined {
  const fromHeader = bearerToken(request.headers.authorization);
  if (fromHeader) return fromHeader;
  const offered = String(request.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  return offered.find((p) => p.startsWith(TOKEN_PROTOCOL))?.slice(TOKEN_PROTOCOL.length);
}

function refuse(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${message}\n`);
}

/**
 * Streams events as JSON frames, one event each. A client that connects with
 * `?after=N` first gets every stored event after N, then live ones, with no
 * gap and no duplicate: so a reconnecting client resumes from the last
 * sequence number it saw and misses nothing.
 */
export function attachEventStream(server: Server, store: ObservedStore, tokens: ApiTokens): () => void {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('drill-events') ? 'drill-events' : false),
  });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== EVENT_STREAM_PATH) return refuse(socket, 404, 'Not Found');
    if (tokens.verify(tokenOf(request) ?? '') === undefined) return refuse(socket, 401, 'Unauthorized');
    const after = Number(url.searchParams.get('after') ?? '0');
    if (!Number.isInteger(after) || after < 0) return refuse(socket, 400, 'after must be an event sequence number >= 0');
    wss.handleUpgrade(request, socket, head, (ws) => void stream(ws, store, after));
  };
  server.on('upgrade', onUpgrade);
  return () => {
    server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.close(1001, 'server shutting down');
    wss.close();
  };
}

async function stream(ws: WebSocket, store: ObservedStore, after: number): Promise<void> {
  let lastSent = after;
  let live: StoredEvent[] | undefined = [];
  const send = (event: StoredEvent): void => {
    if (event.seq <= lastSent || ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1013, `too slow: reconnect with after=${lastSent}`);
      return;
    }
    ws.send(JSON.stringify(event));
    lastSent = event.seq;
  };
  // Subscribe before reading history, buffering live events until the backlog is out.
  const unsubscribe = store.subscribe((event) => (live ? live.push(event) : send(event)));
  ws.on('close', unsubscribe);
  for (;;) {
    const page = await store.events(lastSent, PAGE);
    for (const event of page) send(event);
    if (page.length < PAGE) break;
  }
  const buffered = live;
  live = undefined;
  for (const event of buffered) send(event);
}
