import { SeededRandom } from '../../../sim/index.js';
import {
  applyDecision,
  bindRole,
  completeRun,
  planTick,
  RoleCatalog,
  type AnnealerLimits,
  type AnnealerView,
  type DeploymentStatus,
  type NodeRole,
  type NodeStatus,
  type RoleSpec,
  type RunResult,
} from '../../../orchestrator/index.js';

export function role(name: string, fields: Partial<Omit<RoleSpec, 'name'>> = {}): RoleSpec {
  return {
    name,
    requires: [],
    after: [],
    cluster: false,
    local: false,
    inputs: [],
    outputs: [],
    retry: { maxAttempts: 1, baseDelayMs: 1_000, maxDelayMs: 60_000 },
    ...fields,
  };
}

export type Runner = (nr: NodeRole, inputs: Readonly<Record<string, unknown>>) => RunResult;

/** A started run, as the harness saw it when it began. */
export interface StartRecord {
  readonly id: string;
  readonly atMs: number;
  /** States of its hard and soft parents at that moment. */
  readonly parentStates: readonly string[];
}

/**
 * An in-memory installation driven by the pure annealer functions: plan a tick,
 * apply its decisions, run what started (instantly, through `runner`), apply the
 * results, and move time to the next retry when nothing else can happen.
 */
export class AnnealerHarness {
  readonly catalog: RoleCatalog;
  nodeRoles = new Map<string, NodeRole>();
  nodes = new Map<string, NodeStatus>();
  deployments = new Map<string, DeploymentStatus>();
  nowMs = 0;
  readonly starts: StartRecord[] = [];
  private readonly random = new SeededRandom(9).fork('annealer');
  private readonly inFlight = new Map<string, { runId: string; inputs: Readonly<Record<string, unknown>> }>();

  constructor(
    roles: readonly RoleSpec[],
    readonly limits: AnnealerLimits = { maxRunning: 1_000, maxRunningPerNode: 1, leaseMs: 60_000 },
  ) {
    this.catalog = new RoleCatalog(roles);
  }

  addNode(name: string, attributes: Record<string, unknown> = {}): void {
    this.nodes.set(name, { reachable: true, paused: false, attributes });
  }

  addDeployment(name: string, attributes: Record<string, unknown> = {}, committed = true): void {
    this.deployments.set(name, { committed, paused: false, attributes });
  }

  bind(deployment: string, roleName: string, node: string): void {
    for (const [id, nr] of bindRole(this.catalog, this.nodeRoles, deployment, roleName, node)) this.nodeRoles.set(id, nr);
  }

  view(): AnnealerView {
    return { nowMs: this.nowMs, roles: this.catalog.roles, nodes: this.nodes, deployments: this.deployments, nodeRoles: this.nodeRoles, limits: this.limits };
  }

  /** One tick: applies its decisions and returns how many there were. Started runs stay in flight. */
  tick(): number {
    const decisions = planTick(this.view());
    for (const decision of decisions) {
      const nr = this.nodeRoles.get(decision.id)!;
      if (decision.type === 'start') {
        const parentStates = [...nr.parents, ...nr.softParents].map((id) => this.nodeRoles.get(id)!.state.kind);
        this.starts.push({ id: nr.id, atMs: this.nowMs, parentStates });
        this.inFlight.set(nr.id, { runId: decision.state.runId, inputs: decision.inputs });
      }
      this.nodeRoles.set(nr.id, applyDecision(nr, decision));
    }
    return decisions.length;
  }

  /** Completes every run in flight through `runner`. */
  finishRuns(runner: Runner): number {
    const runs = [...this.inFlight];
    this.inFlight.clear();
    for (const [id, { runId, inputs }] of runs) {
      const completion = completeRun(this.view(), this.nodeRoles.get(id), runId, runner(this.nodeRoles.get(id)!, inputs), this.random);
      if (completion) this.nodeRoles.set(id, applyDecision(this.nodeRoles.get(id)!, completion));
    }
    return runs.length;
  }

  /** Anneals until nothing changes and no retry is pending; returns the ticks taken. */
  converge(runner: Runner, maxTicks = 10_000): number {
    for (let ticks = 1; ticks <= maxTicks; ticks++) {
      const decided = this.tick();
      const finished = this.finishRuns(runner);
      if (decided === 0 && finished === 0) {
        const wake = this.nextWakeMs();
        if (wake === undefined) return ticks;
        this.nowMs = wake;
      }
    }
    throw new Error(`did not converge in ${maxTicks} ticks`);
  }

  /** The earliest future retry, if any node-role waits for one. */
  nextWakeMs(): number | undefined {
    let wake: number | undefined;
    for (const nr of this.nodeRoles.values()) {
      if (nr.state.kind === 'todo' && nr.state.notBeforeMs > this.nowMs) wake = Math.min(wake ?? Infinity, nr.state.notBeforeMs);
    }
    return wake;
  }

  stateOf(id: string): NodeRole['state'] {
    const nr = this.nodeRoles.get(id);
    if (!nr) throw new Error(`no node-role ${id}`);
    return nr.state;
  }
}

/** A runner that succeeds and outputs each declared attribute as a function of its inputs. */
export function echoRunner(catalog: RoleCatalog): Runner {
  return (nr, inputs) => {
    const spec = catalog.get(nr.role);
    return { status: 'ok', outputs: Object.fromEntries(spec.outputs.map((name) => [name, { from: nr.id, inputs }])) };
  };
}
