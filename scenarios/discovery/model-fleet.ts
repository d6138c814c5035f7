/**
 * Model fidelity for discovery: every server of a datacenter spec gets a
 * simulated server, a Redfish BMC on the in-process HTTP network (unless it
 * is IPMI-only) and an IPMI BMC on the datagram switch, all on one virtual
 * clock and one seed. `drivers` is the orchestrator's driver factory over the
 * same in-process transports, so enrollment runs exactly as in production,
 * without sockets. Everything is undone by `dispose()`.
 */
import {
  DatagramSwitch,
  DisposableStack,
  FaultInjector,
  FaultPlan,
  InProcessHttpNetwork,
  SeededRandom,
  VirtualClock,
  type FaultSpec,
} from '../../sim/index.js';
import { messageMachineHttp, modifierFaults, type Datacenter, type ModelMachine, type ResolvedServer, type SimulatedServer } from '../../twins/index.js';
import { buildSpecServer } from '../twin/spec-server.js';
import { MessageTransport, standardDriverFactory, type BmcDriverFactory } from '../../orchestrator/index.js';

export interface ModelFleetServer {
  readonly spec: ResolvedServer;
  readonly server: SimulatedServer;
  readonly machine: ModelMachine;
}

export interface ModelFleet {
  readonly clock: VirtualClock;
  readonly random: SeededRandom;
  readonly servers: ReadonlyMap<string, ModelFleetServer>;
  /** The orchestrator's drivers, over the in-process network and switch. */
  readonly drivers: BmcDriverFactory;
  /** The in-process network the BMCs and machines are on: serve the orchestrator's endpoints here too. */
  readonly http: InProcessHttpNetwork;
  /** Runs the virtual clock until `work` settles (bounded by `timeoutMs` of virtual time). */
  settle<T>(work: Promise<T>, timeoutMs?: number): Promise<T>;
  dispose(): Promise<void>;
}

export interface ModelFleetOptions {
  readonly datacenter: Datacenter;
  /** Serve only the first N servers. */
  readonly limit?: number;
  /** Extra faults on top of the spec's slow/flaky modifiers. */
  readonly faults?: readonly FaultSpec[];
}

const SETTLE_TIMEOUT_MS = 60 * 60_000;

export async function startModelFleet(options: ModelFleetOptions): Promise<ModelFleet> {
  const dc = options.datacenter;
  const clock = new VirtualClock();
  const random = new SeededRandom(dc.seed);
  const specs = dc.servers.slice(0, options.limit ?? dc.servers.length);
  const faultSpecs = [...specs.flatMap((s) => modifierFaults(s.name, s.bmc.modifiers)), ...(options.faults ?? [])];
  const faults = new FaultInjector({ plan: FaultPlan.parse({ faults: faultSpecs }), clock, random: random.fork('faults') });
  const stack = new DisposableStack();
  try {
    // Every client of the fleet sends with the network's own send or fetch, so node:http(s) need not be intercepted (see `intercept`).
    const http = stack.use(InProcessHttpNetwork.attach({ clock, random: random.fork('http'), faults, intercept: 'fetch' }));
    const udp = stack.use(new DatagramSwitch({ clock, random: random.fork('udp'), faults }));
    const servers = new Map<string, ModelFleetServer>();
    const machineHttp = messageMachineHttp(clock, http.send);
    for (const spec of specs) {
      const { server, machine, redfish } = await buildSpecServer({ datacenter: dc, spec, clock, random, faults, datagrams: udp, stack, machineHttp });
      if (redfish && spec.bmc.redfishPort !== undefined) stack.use(redfish.listen(http, `${spec.bmc.address}:${spec.bmc.redfishPort}`));
      servers.set(spec.name, { spec, server, machine });
    }
    const drivers = standardDriverFactory({
      clock,
      random: random.fork('orchestrator'),
      httpTransport: () => new MessageTransport({ send: http.send }),
      datagram: udp,
      ipmiLocalHost: '127.0.0.1',
      log: { warn: () => undefined },
    });
    const settle = <T>(work: Promise<T>, timeoutMs = SETTLE_TIMEOUT_MS): Promise<T> => clock.runUntilSettled(work, { timeoutMs });
    return { clock, random, servers, drivers, http, settle, dispose: () => stack.dispose() };
  } catch (error) {
    await stack.dispose();
    throw error;
  }
}
