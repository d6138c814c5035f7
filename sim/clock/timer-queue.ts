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

function before(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);
}

/** Binary min-heap ordered by (dueMs, seq). Cancelled timers are dropped lazily when they reach the top. */
export class TimerQueue {
  private readonly heap: VirtualTimer[] = [];
  private liveCount = 0;

  get size(): number {
    return this.liveCount;
  }

  push(timer: VirtualTimer): void {
    const heap = this.heap;
    timer.state = 'queued';
    heap.push(timer);
    this.liveCount++;
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(timer, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = timer;
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
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.state !== 'queued') this.removeTop();
    return heap[0];
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
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}
