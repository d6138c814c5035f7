/** A timer as the virtual clock stores it. */
export interface VirtualTimer {
  readonly timerId: number;
  readonly owner: object;
  dueMs: number;
  /** Scheduling order: breaks ties between timers due at the same instant. */
  seq: number;
  readonly intervalMs: number | undefined;
  readonly callback: () => void;
  state: 'queued' | 'running' | 'done';
}

/**
 * Four-ary min-heap ordered by (dueMs, seq). The keys live in their own
 * arrays of numbers, beside the timers, so sifting through a million timers
 * reads contiguous memory instead of chasing objects, over half the levels
 * of a binary heap. Cancelled timers are dropped
 * lazily when they reach the top.
 */
export class TimerQueue {
  private readonly dues: number[] = [];
  private readonly seqs: number[] = [];
  private readonly timers: VirtualTimer[] = [];
  private liveCount = 0;

  get size(): number {
    return this.liveCount;
  }

  push(timer: VirtualTimer): void {
    timer.state = 'queued';
    this.liveCount++;
    const { dues, seqs, timers } = this;
    const due = timer.dueMs;
    const seq = timer.seq;
    let i = timers.length;
    dues.push(due);
    seqs.push(seq);
    timers.push(timer);
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pd = dues[parent]!;
      if (pd < due || (pd === due && seqs[parent]! < seq)) break;
      dues[i] = pd;
      seqs[i] = seqs[parent]!;
      timers[i] = timers[parent]!;
      i = parent;
    }
    dues[i] = due;
    seqs[i] = seq;
    timers[i] = timer;
  }

  /** Cancels a queued timer, or an interval whose callback is running now. */
  cancel(timer: VirtualTimer): boolean {
    if (timer.state === 'done') return false;
    if (timer.state === 'queued') this.liveCount--;
    timer.state = 'done';
    return true;
  }

  /** The earliest live timer, without removing it. */
  peek(): VirtualTimer | undefined {
    const timers = this.timers;
    while (timers.length > 0 && timers[0]!.state !== 'queued') this.removeTop();
    return timers[0];
  }

  /** Removes and returns the earliest live timer. */
  pop(): VirtualTimer | undefined {
    const top = this.peek();
    if (top) {
      this.removeTop();
      this.liveCount--;
      top.state = 'running';
    }
    return top;
  }

  private removeTop(): void {
    const { dues, seqs, timers } = this;
    const lastTimer = timers.pop()!;
    const lastDue = dues.pop()!;
    const lastSeq = seqs.pop()!;
    const n = timers.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      // The earliest of up to four children.
      let child = first;
      let cd = dues[first]!;
      let cs = seqs[first]!;
      const end = first + 4 < n ? first + 4 : n;
      for (let c = first + 1; c < end; c++) {
        const d = dues[c]!;
        if (d < cd || (d === cd && seqs[c]! < cs)) {
          child = c;
          cd = d;
          cs = seqs[c]!;
        }
      }
      if (cd > lastDue || (cd === lastDue && cs > lastSeq)) break;
      dues[i] = cd;
      seqs[i] = cs;
      timers[i] = timers[child]!;
      i = child;
    }
    dues[i] = lastDue;
    seqs[i] = lastSeq;
    timers[i] = lastTimer;
  }
}
