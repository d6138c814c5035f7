import {
  DisposableStack,
  FaultInjector,
  FaultPlan,
  InProcessHttpNetwork,
  SeededRandom,
  TraceRecorder,
  VirtualClock,
  formatSeed,
  type Clock,
  type FaultPlanData,
  type Random,
  type SeedInput,
  type TraceSink,
} from '../../sim/index.js';
import { PowerController } from './power-controller.js';

export interface KernelDemoOptions {
  seed: SeedInput;
  racks: number;
  serversPerRack: number;
  faults?: FaultPlanData;
  sink?: TraceSink;
  /** Called every `progressEveryMs` of virtual time. */
  onProgress?: (progress: KernelDemoProgress) => void;
  progressEveryMs?: number;
}

export interface KernelDemoProgress {
  readonly elapsedMs: number;
  readonly off: number;
  readonly poweringOn: number;
  readonly on: number;
  readonly requests: number;
  readonly failures: number;
}

export interface KernelDemoResult extends KernelDemoProgress {
  readonly seed: string;
  readonly servers: number;
  readonly traceEvents: number;
  readonly faultStrikes: number;
  /** SHA-256 of the trace: equal for equal seeds. */
  readonly digest: string;
}

/** Faults that make the demo earn its retries: slow links, flaky BMCs, one rack cut off for a minute. */
export const DEFAULT_DEMO_FAULTS: FaultPlanData = {
  faults: [
    { id: 'slow-links', target: 'bmc:*', kind: 'latency', latencyMs: 40, jitterMs: 30 },
    { id: 'busy-bmcs', target: 'bmc:*', kind: 'error', status: 503, probability: 0.05 },
    { id: 'resets', target: 'bmc:*', kind: 'reset', probability: 0.02 },
    { id: 'lost', target: 'bmc:*', kind: 'drop', probability: 0.01 },
    { id: 'rack-2-cut-off', target: 'bmc:r2-*', kind: 'drop', window: { fromMs: 5_000, toMs: 65_000 } },
  ],
};

const REQUEST_TIMEOUT_MS = 5_000;
const POLL_EVERY_MS = 2_000;
const MAX_ATTEMPTS = 40;

/**
 * Powers on a small simulated fleet over the in-process network on the virtual
 * clock, through injected faults, and records every exchange in a trace.
 * The same seed gives the same trace, byte for byte.
 */
export async function runKernelDemo(options: KernelDemoOptions): Promise<KernelDemoResult> {
  const clock = new VirtualClock();
  const random = new SeededRandom(options.seed);
  const trace = new TraceRecorder({ clock, ...(options.sink ? { sink: options.sink } : {}) });
  const plan = FaultPlan.parse(options.faults ?? DEFAULT_DEMO_FAULTS);
  let faultStrikes = 0;
  const faults = new FaultInjector({
    plan,
    clock,
    random: random.fork('faults'),
    observer: {
      record: (source, type, data) => {
        faultStrikes++;
        trace.record(source, type, data);
      },
    },
  });
  const cleanup = new DisposableStack();
  const network = cleanup.use(InProcessHttpNetwork.attach({ clock, random: random.fork('network'), faults, trace }));
  try {
    const servers: PowerController[] = [];
    for (let r = 1; r <= options.racks; r++) {
      for (let s = 1; s <= options.serversPerRack; s++) {
        const name = `bmc:r${r}-s${s}`;
        const server = new PowerController(name, clock, random.fork(name), trace, { min: 20_000, max: 60_000 });
        cleanup.use(network.listen(`127.1.${r}.${s}:80`, server.handle, { name }));
        servers.push(server);
      }
    }
    const counters = { requests: 0, failures: 0 };
    const progress = (): KernelDemoProgress => ({
      elapsedMs: faults.elapsedMs(),
      off: servers.filter((s) => s.powerState === 'Off').length,
      poweringOn: servers.filter((s) => s.powerState === 'PoweringOn').length,
      on: servers.filter((s) => s.powerState === 'On').length,
      ...counters,
    });
    if (options.onProgress) {
      const report = options.onProgress;
      const every = clock.setInterval(() => report(progress()), options.progressEveryMs ?? 10_000);
      cleanup.defer(() => clock.clearInterval(every));
    }
    let done = 0;
    servers.forEach((server, i) => {
      const address = `127.1.${Math.floor(i / options.serversPerRack) + 1}.${(i % options.serversPerRack) + 1}`;
      const client = new DemoClient(`http://${address}`, clock, random.fork(`client:${server.name}`), trace, counters);
      void client.powerOnAndWait().then(
        () => trace.record('client', 'server.ready', { server: server.name }),
        (error: Error) => trace.record('client', 'server.failed', { server: server.name, reason: error.message }),
      ).finally(() => done++);
    });
    await clock.runUntil(() => done === servers.length, { timeoutMs: 30 * 60_000 });
    const final = progress();
    options.onProgress?.(final);
    const traceEvents = trace.count;
    return { ...final, seed: formatSeed(random.seed), servers: servers.length, traceEvents, faultStrikes, digest: trace.finish() };
  } finally {
    await cleanup.dispose();
  }
}

/** A careful client: per-request timeout, retries with exponential backoff and seeded jitter. */
class DemoClient {
  constructor(
    private readonly base: string,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly trace: TraceRecorder,
    private readonly counters: { requests: number; failures: number },
  ) {}

  async powerOnAndWait(): Promise<void> {
    await this.request('POST', '/power/on');
    for (;;) {
      const body = (await this.request('GET', '/power')) as { state: string };
      if (body.state === 'On') return;
      await this.clock.sleep(POLL_EVERY_MS);
    }
  }

  private async request(method: string, path: string): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      this.counters.requests++;
      const abort = new AbortController();
      const timer = this.clock.setTimeout(() => abort.abort(new Error('timed out')), REQUEST_TIMEOUT_MS);
      let reason: string;
      try {
        const response = await fetch(`${this.base}${path}`, { method, signal: abort.signal });
        if (response.ok) return await response.json();
        reason = `HTTP ${response.status}`;
        await response.body?.cancel();
      } catch (error) {
        const cause = (error as Error).cause as { code?: string } | undefined;
        reason = cause?.code ?? (error as Error).message;
      } finally {
        this.clock.clearTimeout(timer);
      }
      this.counters.failures++;
      this.trace.record('client', 'request.failed', { url: `${this.base}${path}`, method, attempt, reason });
      if (attempt >= MAX_ATTEMPTS) throw new Error(`Failed to ${method} ${this.base}${path}: no answer after ${attempt} attempts`);
      const backoffMs = Math.min(30_000, 250 * 2 ** Math.min(attempt, 7));
      await this.clock.sleep(backoffMs / 2 + this.random.float() * (backoffMs / 2));
    }
  }
}
