import { describeData } from './describe.js';
import type { LogLine } from './event-log.js';
import { applyTwinEvent } from './physical.js';
import type { Scene } from './scene.js';
import { physicalAt, type TraceEntry } from './trace.js';

/** How many log lines replay shows on each side of the current event. */
const LOG_WINDOW = 60;

export interface ReplayView {
  readonly scene: Scene;
  /** The log lines around `current`, to show. */
  showLog(lines: readonly LogLine[], current: number | undefined): void;
  /** Position changed: index of the current event (-1 before the first) and its time. */
  showPosition(current: number, tMs: number, playing: boolean): void;
}

/**
 * Replay of a loaded trace: a cursor over its entries that plays at a speed on
 * the trace's own time, pauses, and jumps to any event. Moving forward applies
 * the events in between; moving back recomputes from the start.
 */
export class Replay {
  /** Infinity until the first jump, so that it recomputes every server from the trace's start. */
  private cursor = Number.POSITIVE_INFINITY;
  private playing = false;
  private speed = 1;
  private playheadMs = 0;
  private lastFrameMs: number | undefined;
  private frame = 0;

  constructor(
    private readonly entries: readonly TraceEntry[],
    private readonly view: ReplayView,
  ) {
    this.jump(-1);
  }

  /** Where replay is on the trace's own clock (ms since the recording began). */
  get playhead(): number {
    return this.playheadMs;
  }

  setSpeed(speed: number): void {
    this.speed = speed;
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  play(): void {
    if (this.cursor >= this.entries.length - 1) this.jump(-1);
    this.playing = true;
    this.lastFrameMs = undefined;
    this.frame = requestAnimationFrame((now) => this.tick(now));
  }

  pause(): void {
    this.playing = false;
    cancelAnimationFrame(this.frame);
    this.report();
  }

  /** Makes entry `index` the current one (-1: before the first): the scene shows the state right after it. */
  jump(index: number): void {
    const target = Math.max(-1, Math.min(index, this.entries.length - 1));
    const { scene } = this.view;
    if (target < this.cursor) {
      const names = scene.layout.servers.map((b) => b.server.name);
      for (const state of physicalAt(this.entries, target, names).values()) scene.setPhysical(state);
    } else {
      for (let i = this.cursor + 1; i <= target; i++) this.apply(this.entries[i]!);
    }
    this.cursor = target;
    this.playheadMs = target >= 0 ? this.entries[target]!.tMs : 0;
    this.report();
  }

  stop(): void {
    this.playing = false;
    cancelAnimationFrame(this.frame);
  }

  private apply(entry: TraceEntry): void {
    const event = entry.twin;
    if (!event) return;
    const { scene } = this.view;
    const i = scene.indexOf(event.server);
    if (i !== undefined) scene.setPhysical(applyTwinEvent(scene.physicalOf(i), event));
  }

  private tick(nowMs: number): void {
    if (!this.playing) return;
    if (this.lastFrameMs !== undefined) this.playheadMs += (nowMs - this.lastFrameMs) * this.speed;
    this.lastFrameMs = nowMs;
    let next = this.cursor;
    while (next + 1 < this.entries.length && this.entries[next + 1]!.tMs <= this.playheadMs) next++;
    if (next !== this.cursor) {
      const playhead = this.playheadMs;
      this.jump(next);
      this.playheadMs = playhead;
    }
    if (this.cursor >= this.entries.length - 1) {
      this.pause();
      return;
    }
    this.frame = requestAnimationFrame((now) => this.tick(now));
  }

  private report(): void {
    const from = Math.max(0, this.cursor - LOG_WINDOW);
    const lines = this.entries.slice(from, this.cursor + LOG_WINDOW + 1).map(
      (e): LogLine => ({ atMs: e.tMs, source: e.source, subject: e.twin?.server ?? e.source, text: describeData(e.type, e.data), traceIndex: e.index, relative: true }),
    );
    this.view.showLog(lines.reverse(), this.cursor >= 0 ? this.cursor : undefined);
    this.view.showPosition(this.cursor, this.playheadMs, this.playing);
  }
}
