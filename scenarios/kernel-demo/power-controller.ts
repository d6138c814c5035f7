import type { Clock, Random, TraceRecorder } from '../../sim/index.js';

export type PowerState = 'Off' | 'PoweringOn' | 'On';

/**
 * The smallest server a simulation can power on: one HTTP endpoint with a power
 * state and a POST that takes a seeded while. It shows the kernel at work until
 * the Redfish twin replaces it.
 */
export class PowerController {
  private state: PowerState = 'Off';

  constructor(
    readonly name: string,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly trace: TraceRecorder,
    private readonly postDurationMs: { min: number; max: number },
  ) {}

  get powerState(): PowerState {
    return this.state;
  }

  readonly handle = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (request.method === 'GET' && path === '/power') return Response.json({ state: this.state });
    if (request.method === 'POST' && path === '/power/on') {
      if (this.state === 'Off') this.powerOn();
      return Response.json({ state: this.state }, { status: 202 });
    }
    return Response.json({ error: `no route for ${request.method} ${path}` }, { status: 404 });
  };

  private powerOn(): void {
    this.state = 'PoweringOn';
    const postMs = this.random.int(this.postDurationMs.min, this.postDurationMs.max);
    this.trace.record(this.name, 'power.post-start', { postMs });
    this.clock.setTimeout(() => {
      this.state = 'On';
      this.trace.record(this.name, 'power.on', {});
    }, postMs);
  }
}
