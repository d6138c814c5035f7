import { clockTime, el } from './dom.js';

export interface LogLine {
  readonly atMs: number;
  /** `twin`, `orchestrator`, or a trace's source. */
  readonly source: string;
  readonly subject: string;
  readonly text: string;
  /** Replay: the trace entry it is, so a click can jump there. */
  readonly traceIndex?: number;
  /** Replay times are offsets into the trace, not wall-clock times. */
  readonly relative?: boolean;
}

const MAX_LINES = 300;
/** A log that scrolls faster than this cannot be read anyway; fewer DOM updates leave frames for the map. */
const FLUSH_EVERY_MS = 250;

/**
 * The event log, newest first. Live lines are batched and written four
 * times a second, so hundreds of events a second cost a few DOM updates.
 */
export class EventLog {
  private pending: LogLine[] = [];
  private flushQueued = false;

  constructor(
    private readonly host: HTMLElement,
    private readonly onJump: (traceIndex: number) => void,
  ) {
    host.addEventListener('click', (event) => {
      const line = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
      if (line?.dataset.index !== undefined) this.onJump(Number(line.dataset.index));
    });
  }

  add(line: LogLine): void {
    this.pending.push(line);
    if (this.flushQueued) return;
    this.flushQueued = true;
    window.setTimeout(() => requestAnimationFrame(() => this.flush()), FLUSH_EVERY_MS);
  }

  /** Replay: the lines around the current event, the current one marked. */
  show(lines: readonly LogLine[], current: number | undefined): void {
    this.pending = [];
    this.host.replaceChildren(...lines.map((l) => this.line(l, l.traceIndex === current)));
    this.host.querySelector('.current')?.scrollIntoView({ block: 'nearest' });
  }

  clear(): void {
    this.pending = [];
    this.host.replaceChildren();
  }

  private flush(): void {
    this.flushQueued = false;
    const fresh = this.pending.slice(-MAX_LINES).reverse();
    this.pending = [];
    this.host.prepend(...fresh.map((l) => this.line(l, false)));
    while (this.host.childElementCount > MAX_LINES) this.host.lastElementChild?.remove();
  }

  private line(l: LogLine, current: boolean): HTMLElement {
    const time = l.relative ? `+${(l.atMs / 1000).toFixed(3)}s` : clockTime(l.atMs);
    const attrs: Record<string, string> = { class: `line ${l.source === 'orchestrator' ? 'orch' : 'twin'}${current ? ' current' : ''}` };
    if (l.traceIndex !== undefined) attrs['data-index'] = String(l.traceIndex);
    return el('div', attrs, el('span', { class: 'time' }, time), el('span', { class: 'subject' }, l.subject), el('span', { class: 'text', title: l.text }, l.text));
  }
}
