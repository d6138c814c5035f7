import type { RedfishMessage } from '../messages.js';

export type TaskState = 'New' | 'Pending' | 'Running' | 'Completed' | 'Exception' | 'Cancelled';

/** What a long operation waits for: the clock (an update) or the next reset (settings applied at POST). */
export type TaskTrigger = { readonly kind: 'clock'; readonly durationMs: number; readonly newForMs: number } | { readonly kind: 'reset' };

/** A long operation (Task, and on iDRAC also a Job under the Manager). */
export interface TaskRecord {
  readonly id: string;
  readonly name: string;
  readonly startMs: number;
  readonly trigger: TaskTrigger;
  /** The request that started it, for `Payload`. */
  readonly targetUri: string;
  readonly httpOperation: 'POST' | 'PATCH' | 'DELETE';
  state: TaskState;
  endMs: number | undefined;
  percent: number;
  messages: RedfishMessage[];
  /** What the task monitor answers once the task is done. */
  result: { readonly status: number; readonly location?: string } | undefined;
  /** Runs once when the task completes on the clock. */
  onComplete: (() => void) | undefined;
}

const KEEP = 32;

/**
 * The BMC's tasks, bounded (the oldest finished task goes first, as
 * CompletedTaskOverWritePolicy `Oldest` says). Clock tasks advance when read;
 * reset tasks are moved by the BMC when the server POSTs.
 */
export class TaskTable {
  private tasks: TaskRecord[] | undefined;
  private nextId = 1;

  constructor(private readonly idFormat: (n: number) => string) {}

  create(fields: Omit<TaskRecord, 'id' | 'endMs' | 'percent' | 'messages' | 'result' | 'state'> & { state: TaskState; messages?: RedfishMessage[] }): TaskRecord {
    const task: TaskRecord = { ...fields, id: this.idFormat(this.nextId++), endMs: undefined, percent: 0, messages: fields.messages ?? [], result: undefined };
    const list = (this.tasks ??= []);
    list.push(task);
    if (list.length > KEEP) {
      const done = list.findIndex((t) => isFinished(t.state));
      list.splice(done >= 0 ? done : 0, 1);
    }
    return task;
  }

  /** Every task, advanced to `nowMs`. */
  list(nowMs: number): readonly TaskRecord[] {
    for (const task of this.tasks ?? []) advance(task, nowMs);
    return this.tasks ?? [];
  }

  get(id: string, nowMs: number): TaskRecord | undefined {
    const task = this.tasks?.find((t) => t.id === id);
    if (task) advance(task, nowMs);
    return task;
  }

  remove(id: string): void {
    this.tasks = this.tasks?.filter((t) => t.id !== id);
    if (this.tasks?.length === 0) this.tasks = undefined;
  }

  /** Tasks waiting for the next reset. */
  waitingForReset(): TaskRecord[] {
    return (this.tasks ?? []).filter((t) => t.trigger.kind === 'reset' && !isFinished(t.state));
  }
}

export function isFinished(state: TaskState): boolean {
  return state === 'Completed' || state === 'Exception' || state === 'Cancelled';
}

function advance(task: TaskRecord, nowMs: number): void {
  if (task.trigger.kind !== 'clock' || isFinished(task.state)) return;
  const elapsed = nowMs - task.startMs;
  const { durationMs, newForMs } = task.trigger;
  if (elapsed >= newForMs + durationMs) {
    task.state = 'Completed';
    task.percent = 100;
    task.endMs = task.startMs + newForMs + durationMs;
    const done = task.onComplete;
    task.onComplete = undefined;
    done?.();
  } else if (elapsed >= newForMs) {
    task.state = 'Running';
    task.percent = Math.min(99, Math.floor(((elapsed - newForMs) / durationMs) * 100));
  }
}
