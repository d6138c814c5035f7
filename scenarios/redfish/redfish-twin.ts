/**
 * Wiring the orchestrator's RedfishDriver to the twin's RedfishBmc, the one place
 * both sides meet: a SimulatedServer, its RedfishBmc (one vendor flavour), and
 * RedfishDriver instances aimed at it, with every side effect registered for
 * `dispose()`.
 *
 * - `startModelRedfishTwin`: model fidelity — the InProcessHttpNetwork carries
 *   the driver's requests (FetchTransport) to the BMC's Fetch handler without
 *   sockets; the VirtualClock runs the driver's timeouts, back-offs and task
 *   polls and the server's POST; one SeededRandom forks a stream per component;
 *   faults (a FaultPlan plus the flavour modifiers `slow`/`flaky`) strike on the
 *   network and in the BMC; every exchange, fault strike and server event goes
 *   into one TraceRecorder. The same seed gives the same trace.
 * - `startWireRedfishTwin`: wire fidelity — the same BMC on real loopback HTTPS
 *   (serveRedfishHttps, a certificate from the twin CA) on the system clock, and
 *   drivers on NodeHttpTransport that trust exactly that CA.
 */
import {
  DisposableStack,
  FaultInjector,
  FaultPlan,
  InProcessHttpNetwork,
  SeededRandom,
  SystemClock,
  TraceRecorder,
  VirtualClock,
  formatSeed,
  type Disposable,
  type FaultPlanData,
  type HttpHandler,
  type SeedInput,
  type TraceSink,
} from '../../sim/index.js';
import {
  RedfishBmc,
  SimulatedServer,
  TwinCa,
  modifierFaults,
  serveRedfishHttps,
  type BmcModifierName,
  type PowerTimings,
  type RedfishBmcOptions,
  type RedfishCredentials,
  type RedfishFlavourName,
  type RedfishHardware,
  type ServerIdentity,
} from '../../twins/index.js';
import { FetchTransport, RedfishDriver, type RedfishDriverConfig } from '../../orchestrator/index.js';
import { redfishIdentityFor } from './identities.js';
import { traceServerEvents } from '../twin/trace-server.js';

/** The administrator account every rig configures unless told otherwise. */
export const REDFISH_ADMIN: RedfishCredentials = { user: 'admin', password: 'drill-redfish' };

/** Driver settings a caller may override; endpoint, clock and random are the rig's. */
export type RedfishDriverOverrides = Partial<Omit<RedfishDriverConfig, 'endpoint' | 'clock' | 'random'>>;

/** What both fidelities take to build the server and its BMC. */
interface TwinOptionsBase {
  seed: SeedInput;
  flavour: RedfishFlavourName;
  /** Default `node:r1-s1`; the BMC is `bmc:r1-s1`. */
  serverName?: string;
  /** Default: redfishIdentityFor(flavour, 0). */
  identity?: ServerIdentity;
  /** Default: the twin's DEFAULT_HARDWARE. */
  hardware?: RedfishHardware;
  /** Licences installed on the BMC (Supermicro's `SFT-DCMS-SINGLE`). */
  licenses?: readonly string[];
  /** More accounts besides REDFISH_ADMIN. */
  accounts?: RedfishBmcOptions['accounts'];
  timings?: PowerTimings;
  initialPower?: 'On' | 'Off';
}

interface TwinBase {
  readonly flavour: RedfishFlavourName;
  readonly server: SimulatedServer;
  readonly bmc: RedfishBmc;
  /** `https://HOST[:PORT]`: what a driver (or curl) is pointed at. */
  readonly endpoint: string;
  /** A driver for this BMC as the admin unless overridden; closed (logged out) by `dispose()`. */
  driver(overrides?: RedfishDriverOverrides): RedfishDriver;
  /** Closes the drivers (logging out), then the BMC, then stops the server. */
  dispose(): Promise<void>;
}

export interface ModelRedfishTwinOptions extends TwinOptionsBase {
  /** Network faults (aimed at `bmc:<name>` or `addr:HOST:443`) and BMC faults (`hang`, `wrong-credentials`, `session-exhaustion`). */
  faults?: FaultPlanData;
  /** The flavour behaviour modifiers, as FaultPlan entries (modifierFaults). */
  modifiers?: readonly BmcModifierName[];
  /** Where trace lines go; default in memory. */
  sink?: TraceSink;
  /** Default 127.1.1.1 (port 443). */
  bmcHost?: string;
}

export interface ModelRedfishTwin extends TwinBase {
  readonly seed: string;
  readonly clock: VirtualClock;
  readonly network: InProcessHttpNetwork;
  readonly faults: FaultInjector;
  readonly trace: TraceRecorder;
  /** Runs the virtual clock until `work` settles (bounded by `timeoutMs` of virtual time), then returns its outcome. */
  settle<T>(work: Promise<T>, timeoutMs?: number): Promise<T>;
  /** Serves `handler` at a loopback `HOST:PORT` on the same network (an event listener); undone by `dispose()`. */
  listen(address: string, handler: HttpHandler, name?: string): Disposable;
}

/** Drivers wait on their own clock: a settle that outlives this much virtual time is a hang. */
const SETTLE_TIMEOUT_MS = 30 * 60_000;

const DEFAULT_DRIVER: Pick<RedfishDriverConfig, 'timeoutMs' | 'taskPollIntervalMs'> = { timeoutMs: 10_000, taskPollIntervalMs: 1_000 };

export async function startModelRedfishTwin(options: ModelRedfishTwinOptions): Promise<ModelRedfishTwin> {
  const clock = new VirtualClock();
  const random = new SeededRandom(options.seed);
  const trace = new TraceRecorder({ clock, ...(options.sink ? { sink: options.sink } : {}) });
  const serverName = options.serverName ?? 'node:r1-s1';
  const bmcName = serverName.replace(/^node:/, '');
  const plan = FaultPlan.parse({ faults: [...(options.faults?.faults ?? []), ...modifierFaults(bmcName, options.modifiers ?? [])] });
  const faults = new FaultInjector({ plan, clock, random: random.fork('faults'), observer: trace });
  const cleanup = new DisposableStack();
  try {
    const network = cleanup.use(InProcessHttpNetwork.attach({ clock, random: random.fork('net'), faults, trace }));
    const server = cleanup.use(newServer(options, serverName, clock, random, faults));
    cleanup.use(traceServerEvents(server, trace, serverName));
    const bmc = cleanup.use(newBmc(options, server, bmcName, clock, random, faults));
    const host = options.bmcHost ?? '127.1.1.1';
    cleanup.use(bmc.listen(network, `${host}:443`));
    const endpoint = `https://${host}`;

    const settle = <T>(work: Promise<T>, timeoutMs = SETTLE_TIMEOUT_MS): Promise<T> => clock.runUntilSettled(work, { timeoutMs });
    let drivers = 0;
    return {
      flavour: options.flavour,
      seed: formatSeed(random.seed),
      clock,
      network,
      faults,
      trace,
      server,
      bmc,
      endpoint,
      settle,
      listen: (address, handler, name) => cleanup.use(network.listen(address, handler, name === undefined ? {} : { name })),
      driver: (overrides = {}) => {
        const driver = newDriver(endpoint, clock, random.fork(`driver:bmc:${bmcName}:${drivers++}`), {
          transport: new FetchTransport(),
          log: { warn: (message) => trace.record('driver', 'driver.warning', { bmc: bmcName, message }) },
          ...overrides,
        });
        // Closing logs out with a DELETE: on the virtual clock that needs the clock to run.
        cleanup.defer(() => settle(driver.close()));
        return driver;
      },
      dispose: () => cleanup.dispose(),
    };
  } catch (error) {
    await cleanup.dispose();
    throw error;
  }
}

export interface WireRedfishTwinOptions extends TwinOptionsBase {
  /** Default 127.0.0.1. Any 127/8 address works on Linux loopback. */
  host?: string;
  /** Default 0: a free port (read it back from `endpoint`). */
  port?: number;
  /** Reuse a CA across rigs; default a new one. */
  ca?: TwinCa;
}

export interface WireRedfishTwin extends TwinBase {
  /** The CA that signed the BMC's certificate: what the drivers (and `curl --cacert`) trust. */
  readonly ca: TwinCa;
}

/** A server and its Redfish BMC on real loopback HTTPS, on the system clock. */
export async function startWireRedfishTwin(options: WireRedfishTwinOptions): Promise<WireRedfishTwin> {
  const clock = new SystemClock();
  const random = new SeededRandom(options.seed);
  const serverName = options.serverName ?? 'node:r1-s1';
  const bmcName = serverName.replace(/^node:/, '');
  const cleanup = new DisposableStack();
  try {
    const server = cleanup.use(newServer(options, serverName, clock, random, undefined));
    const bmc = cleanup.use(newBmc(options, server, bmcName, clock, random, undefined));
    const ca = options.ca ?? new TwinCa(clock, random.fork('twin-ca'));
    const host = await serveRedfishHttps({ endpoints: [{ bmc, host: options.host ?? '127.0.0.1', port: options.port ?? 0 }], clock, random: random.fork('wire'), ca });
    cleanup.defer(() => host.dispose());
    const endpoint = host.endpoints[0]!.url;
    let drivers = 0;
    return {
      flavour: options.flavour,
      server,
      bmc,
      ca,
      endpoint,
      driver: (overrides = {}) => {
        const driver = newDriver(endpoint, clock, random.fork(`driver:bmc:${bmcName}:${drivers++}`), {
          // Verify the BMC's certificate against the twin CA, as production verifies a real BMC's.
          ...(overrides.transport === undefined ? { tls: { caCertificates: ca.certPem } } : {}),
          ...overrides,
        });
        cleanup.defer(() => driver.close());
        return driver;
      },
      dispose: () => cleanup.dispose(),
    };
  } catch (error) {
    await cleanup.dispose();
    throw error;
  }
}

/** A RedfishDriver for `endpoint` as the admin, with the rig's defaults under the caller's settings. */
function newDriver(endpoint: string, clock: RedfishDriverConfig['clock'], random: RedfishDriverConfig['random'], settings: RedfishDriverOverrides): RedfishDriver {
  return new RedfishDriver({
    endpoint,
    credentials: { username: REDFISH_ADMIN.user, password: REDFISH_ADMIN.password },
    clock,
    random,
    ...DEFAULT_DRIVER,
    ...settings,
  });
}

function newServer(options: TwinOptionsBase, name: string, clock: VirtualClock | SystemClock, random: SeededRandom, faults: FaultInjector | undefined): SimulatedServer {
  return new SimulatedServer({
    name,
    identity: options.identity ?? redfishIdentityFor(options.flavour, 0),
    clock,
    random: random.fork(`twin/${name}`),
    ...(faults ? { faults } : {}),
    ...(options.timings ? { timings: options.timings } : {}),
    ...(options.initialPower ? { initialPower: options.initialPower } : {}),
  });
}

function newBmc(options: TwinOptionsBase, server: SimulatedServer, name: string, clock: VirtualClock | SystemClock, random: SeededRandom, faults: FaultInjector | undefined): RedfishBmc {
  return new RedfishBmc({
    server,
    flavour: options.flavour,
    name,
    clock,
    random: random.fork(`bmc:${name}`),
    credentials: REDFISH_ADMIN,
    ...(faults ? { faults } : {}),
    ...(options.accounts ? { accounts: options.accounts } : {}),
    ...(options.hardware ? { hardware: options.hardware } : {}),
    ...(options.licenses ? { licenses: options.licenses } : {}),
  });
}

/** A server event as plain trace data (no `type`, no `atMs`: the trace line has both). */
