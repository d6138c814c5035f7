import WebSocket from 'ws';
import type { Connection } from './connection.js';

export interface StreamedEvent {
  readonly seq: number;
  readonly atMs: number;
  readonly type: string;
  readonly subject: string;
  readonly data: Record<string, unknown>;
}

export interface FollowOptions {
  readonly after: number;
  readonly onEvent: (event: StreamedEvent) => void;
  /** Told when the stream drops and when it is back, for a status line. */
  readonly onStatus?: (status: string) => void;
}

const RETRY_MS_MAX = 10_000;

/**
 * Follows the event stream over WebSocket and reconnects after a drop with
 * `after=<last seq seen>`, so no event is missed or shown twice. Resolves
 * when `stop()` is called.
 */
export function followEvents(connection: Connection, options: FollowOptions): { stop(): void; done: Promise<void> } {
  let last = options.after;
  let stopped = false;
  let socket: WebSocket | undefined;
  let retryMs = 250;
  let timer: NodeJS.Timeout | undefined;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const connect = (): void => {
    const url = `${connection.server.replace(/^http/, 'ws')}/api/v1/events/stream?after=${last}`;
    const ws = new WebSocket(url, ['drill-events', `bearer.${connection.token}`], connection.caPem ? { ca: connection.caPem } : {});
    socket = ws;
    ws.on('open', () => {
      retryMs = 250;
      options.onStatus?.('connected');
    });
    ws.on('message', (data: Buffer) => {
      const event = JSON.parse(data.toString('utf8')) as StreamedEvent;
      if (event.seq <= last) return;
      last = event.seq;
      options.onEvent(event);
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (stopped) return finish();
      options.onStatus?.(`disconnected; reconnecting after event ${last}`);
      timer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MS_MAX);
    });
  };
  connect();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      if (!socket || socket.readyState === WebSocket.CLOSED) finish();
      else socket.close(1000, 'client done');
    },
    done,
  };
}
