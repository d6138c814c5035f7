import type { Disposable, TraceRecorder } from '../../sim/index.js';
import type { SimulatedServer } from '../../twins/index.js';

/** Records every change of `server` in the trace, as `server.<type>` events. */
export function traceServerEvents(server: SimulatedServer, trace: TraceRecorder, serverName: string): Disposable {
  return server.onEvent((event) => {
    const { type, atMs: _atMs, ...data } = event;
    trace.record('server', `server.${type}`, { server: serverName, ...data });
  });
}
