/**
 * A WebSocket event stream that resumes: every frame carries a sequence
 * number, and after a drop it reconnects with `?after=<last seen>`, so the
 * server sends exactly what was missed. Backs off up to 5 s between tries and
 * reports its state for the connection badge.
 */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface ResumingStreamOptions<E extends { readonly seq: number }> {
  /** The stream's URL for resuming after `seq`. */
  readonly url: (afterSeq: number) => string;
  readonly protocols?: readonly string[];
  readonly afterSeq: number;
  readonly onEvent: (event: E) => void;
  readonly onState: (state: ConnectionState, detail: string) => void;
  /** The server no longer has the events after the last seen: re-read state, then `resume(seq)`. */
  readonly onGap?: () => void;
}

const GAP_CLOSE_CODE = 4409;
const BACKOFF_MS = [250, 500, 1000, 2000, 5000] as const;

export class ResumingStream<E extends { readonly seq: number }> {
  private socket: WebSocket | undefined;
  private lastSeq: number;
  private attempt = 0;
  private retryTimer: number | undefined;
  private stopped = false;

  constructor(private readonly options: ResumingStreamOptions<E>) {
    this.lastSeq = options.afterSeq;
    this.connect();
  }

  /** Start over from `seq` (after re-reading state). */
  resume(seq: number): void {
    this.lastSeq = seq;
    this.socket?.close();
    this.connect();
  }

  /** Drops the connection as a network failure would; it comes back by itself. */
  drop(): void {
    this.socket?.close(4000, 'dropped by the page');
  }

  close(): void {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'page closed the stream');
    this.options.onState('closed', 'stopped');
  }

  private connect(): void {
    if (this.stopped) return;
    window.clearTimeout(this.retryTimer);
    this.options.onState(this.attempt === 0 ? 'connecting' : 'reconnecting', `from event ${this.lastSeq}`);
    const socket = new WebSocket(this.options.url(this.lastSeq), this.options.protocols ? [...this.options.protocols] : undefined);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.attempt = 0;
      this.options.onState('live', `resumed after event ${this.lastSeq}`);
    });
    socket.addEventListener('message', (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as E;
      // Each event exactly once, even if a server resent one around a reconnect.
      if (event.seq <= this.lastSeq) return;
      this.lastSeq = event.seq;
      this.options.onEvent(event);
    });
    socket.addEventListener('close', (event: CloseEvent) => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = undefined;
      if (event.code === GAP_CLOSE_CODE && this.options.onGap) {
        this.options.onState('reconnecting', 'missed too much: re-reading state');
        this.options.onGap();
        return;
      }
      const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)]!;
      this.attempt++;
      this.options.onState('reconnecting', `retrying in ${delay} ms`);
      this.retryTimer = window.setTimeout(() => this.connect(), delay);
    });
  }
}
