import type { BmcState } from '../bmc-state.js';
import { emptyReply, jsonReply, type RedfishReply } from '../exchange.js';
import { RedfishProblem } from '../messages.js';
import { collection, isoTime, link, type Json } from '../odata.js';
import type { RouteContext, RouteDef } from '../router.js';
import { isFinished, type TaskRecord } from '../state/tasks.js';

function taskStatus(task: TaskRecord): string {
  return task.state === 'Exception' ? 'Critical' : task.state === 'Cancelled' ? 'Warning' : 'OK';
}

export function renderTask(state: BmcState, task: TaskRecord): Json {
  return {
    '@odata.id': `/redfish/v1/TaskService/Tasks/${task.id}`,
    '@odata.type': '#Task.v1_7_4.Task',
    Id: task.id,
    Name: task.name,
    TaskState: task.state,
    TaskStatus: taskStatus(task),
    StartTime: isoTime(task.startMs),
    ...(task.endMs === undefined ? {} : { EndTime: isoTime(task.endMs) }),
    PercentComplete: task.percent,
    TaskMonitor: state.taskMonitorPath(task.id),
    Messages: task.messages,
    Payload: { TargetUri: task.targetUri, HttpOperation: task.httpOperation },
  };
}

/** iDRAC's view of the same operation: a Job under the Manager. */
export function renderJob(state: BmcState, task: TaskRecord): Json {
  return {
    '@odata.id': `${state.managerPath}/Jobs/${task.id}`,
    '@odata.type': '#Job.v1_3_0.Job',
    Id: task.id,
    Name: task.name,
    JobState: task.state === 'New' ? 'New' : task.state,
    JobStatus: taskStatus(task),
    StartTime: isoTime(task.startMs),
    ...(task.endMs === undefined ? {} : { EndTime: isoTime(task.endMs) }),
    PercentComplete: task.percent,
    Messages: task.messages,
    Payload: { TargetUri: task.targetUri, HttpOperation: task.httpOperation },
  };
}

export function findTask(ctx: RouteContext): TaskRecord {
  const task = ctx.state.tasks.get(ctx.params[0] ?? '', ctx.state.clock.now());
  if (!task) throw new RedfishProblem(404, [ctx.state.book.make('ResourceNotFound', ['Task', ctx.params[0] ?? ''])]);
  return task;
}

/**
 * A task monitor: 202 with the task while it runs; when done, the operation's own
 * answer (201 + Location for a create, 204 otherwise). Lenovo XCC deletes the task
 * on that GET (field note 22).
 */
export function taskMonitor(ctx: RouteContext, render: (state: BmcState, task: TaskRecord) => Json): RedfishReply {
  const { state } = ctx;
  const task = findTask(ctx);
  if (!isFinished(task.state)) {
    return jsonReply(202, render(state, task), { Location: state.taskMonitorPath(task.id), 'Retry-After': '5' });
  }
  if (state.flavour.tasks.finishedMonitorGetDeletes) state.tasks.remove(task.id);
  const result = task.result ?? { status: 200 };
  if (result.status === 204) return emptyReply(204);
  return jsonReply(result.status === 201 ? 201 : 200, render(state, task), result.location === undefined ? {} : { Location: result.location });
}

export function taskRoutes(monitor: 'monitors' | 'task-subpath'): RouteDef[] {
  const base = '/redfish/v1/TaskService';
  const routes: RouteDef[] = [
    {
      pattern: base,
      handlers: {
        GET: (ctx) =>
          jsonReply(200, {
            '@odata.id': base,
            '@odata.type': '#TaskService.v1_3_0.TaskService',
            Id: 'TaskService',
            Name: 'Task Service',
            ServiceEnabled: true,
            DateTime: isoTime(ctx.state.clock.now()),
            CompletedTaskOverWritePolicy: 'Oldest',
            LifeCycleEventOnTaskStateChange: true,
            Status: { State: 'Enabled', Health: 'OK' },
            Tasks: link(`${base}/Tasks`),
          }),
      },
    },
    {
      pattern: `${base}/Tasks`,
      handlers: {
        GET: (ctx) =>
          jsonReply(
            200,
            collection(
              `${base}/Tasks`,
              'TaskCollection',
              'Task Collection',
              ctx.state.tasks.list(ctx.state.clock.now()).map((t) => `${base}/Tasks/${t.id}`),
            ),
          ),
      },
    },
    {
      pattern: `${base}/Tasks/*`,
      handlers: {
        GET: (ctx) => jsonReply(200, renderTask(ctx.state, findTask(ctx))),
        DELETE: (ctx) => {
          const task = findTask(ctx);
          if (!isFinished(task.state)) {
            task.state = 'Cancelled';
            task.endMs = ctx.state.clock.now();
          }
          ctx.state.tasks.remove(task.id);
          return emptyReply(204);
        },
      },
      privileges: { DELETE: 'ConfigureManager' },
    },
  ];
  routes.push(
    monitor === 'task-subpath'
      ? { pattern: `${base}/Tasks/*/Monitor`, handlers: { GET: (ctx) => taskMonitor(ctx, renderTask) } }
      : { pattern: `${base}/TaskMonitors/*`, handlers: { GET: (ctx) => taskMonitor(ctx, renderTask) } },
  );
  return routes;
}
