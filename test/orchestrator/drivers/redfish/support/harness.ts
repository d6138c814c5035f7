/**
 * Model-fidelity harness: a virtual clock, a seeded Random, the in-process HTTP
 * network carrying the driver's fetch to a handler, and `simulate` to run work
 * on the virtual clock to completion.
 */
import { DisposableStack, InProcessHttpNetwork, SeededRandom, VirtualClock } from '../../../../../sim/index.js';
import { FetchTransport, RedfishDriver, type RedfishDriverConfig } from '../../../../../orchestrator/index.js';
import type { Handler } from './mockup-handler.js';

export const BMC_ADDRESS = '127.1.1.3:443';

export interface Model {
  readonly clock: VirtualClock;
  readonly random: SeededRandom;
  readonly warnings: string[];
  driver(overrides?: Partial<RedfishDriverConfig>): RedfishDriver;
  /** Runs `work` on the virtual clock until it settles. */
  run<T>(work: () => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

export function model(handler: Handler, seed = 1): Model {
  const stack = new DisposableStack();
  const clock = new VirtualClock();
  const random = new SeededRandom(seed);
  const network = stack.use(InProcessHttpNetwork.attach({ clock, random: random.fork('network') }));
  stack.use(network.listen(BMC_ADDRESS, handler, { name: 'bmc:test' }));
  const warnings: string[] = [];
  const drivers: RedfishDriver[] = [];
  const run = <T>(work: () => Promise<T>): Promise<T> => clock.runUntilSettled(work());
  return {
    clock,
    random,
    warnings,
    run,
    driver(overrides = {}) {
      const d = new RedfishDriver({
        endpoint: `https://${BMC_ADDRESS.replace(/:443$/, '')}`,
        credentials: { username: 'admin', password: 'secret' },
        clock,
        random: random.fork('driver'),
        timeoutMs: 10_000,
        transport: new FetchTransport(),
        taskPollIntervalMs: 1_000,
        log: { warn: (m) => warnings.push(m) },
        ...overrides,
      });
      drivers.push(d);
      return d;
    },
    async dispose() {
      for (const d of drivers) await run(() => d.close()).catch(() => undefined);
      await stack.dispose();
    },
  };
}

/** The error `promise` rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; retryable?: boolean }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; retryable?: boolean };
  }
  throw new Error('expected a rejection, got a result');
}
