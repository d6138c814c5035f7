/**
 * Wiring the orchestrator's IPMI driver to the twin's IPMI BMC, the one place
 * both sides meet: a SimulatedServer, its IpmiBmc, and IpmiDriver instances
 * aimed at it, with every side effect registered for `dispose()`.
 *
 * - `startModelIpmiTwin`: model fidelity — the in-process DatagramSwitch, the
 *   VirtualClock and one SeededRandom (named forks per component), faults from
 *   a FaultPlan, every datagram, fault strike, IPMI command and server event
 *   in one TraceRecorder. The same seed gives the same trace.
 * - `startWireIpmiTwin`: wire fidelity — real UDP on a loopback address and
 *   the system clock, as `ipmitool -I lanplus` or a production driver sees it.
 */
import {
  DisposableStack,
  FaultInjector,
  FaultPlan,
  SeededRandom,
  SystemClock,
  TraceRecorder,
  UdpNetwork,
  DatagramSwitch,
  VirtualClock,
  formatSeed,
  type FaultPlanData,
  type SeedInput,
  type TraceSink,
} from '../../sim/index.js';
import { IpmiBmc, SimulatedServer, type IpmiBmcOptions, type IpmiUser, type PowerTimings, type ServerIdentity } from '../../twins/index.js';
import { IpmiDriver, type IpmiDriverConfig } from '../../orchestrator/index.js';
import { identityFor } from './identities.js';
import { traceServerEvents } from '../twin/trace-server.js';

/** The one user every rig configures unless told otherwise. */
export const IPMI_ADMIN: IpmiUser = { name: 'admin', password: 'drill-ipmi', privilege: 'administrator' };

/** BMC options a caller may tune (the rig supplies server, network, clock, random, faults, trace). */
export type BmcTuning = Partial<Pick<IpmiBmcOptions, 'cipherSuites' | 'maxSessions' | 'sessionTimeoutMs'>>;

/** Driver settings a caller may override; transport, clock and random are the rig's. */
export type DriverOverrides = Partial<Omit<IpmiDriverConfig, 'transport' | 'clock' | 'random'>>;

interface TwinBase {
  readonly server: SimulatedServer;
  readonly bmc: IpmiBmc;
  /** Where the driver sends: the BMC's bound address. */
  readonly host: string;
  readonly port: number;
  /** A driver for this BMC as the admin user unless overridden; closed by `dispose()`. */
  driver(overrides?: DriverOverrides): IpmiDriver;
  /** Closes the drivers, then the BMC, then stops the server. */
  dispose(): Promise<void>;
}

export interface ModelIpmiTwinOptions extends BmcTuning {
  seed: SeedInput;
  faults?: FaultPlanData;
  /** Where trace lines go; default in memory. */
  sink?: TraceSink;
  /** Default `node:r1-s1`; the BMC is `bmc:r1-s1` (fault target `bmc:*`). */
  serverName?: string;
  identity?: ServerIdentity;
  timings?: PowerTimings;
  initialPower?: 'On' | 'Off';
  users?: readonly IpmiUser[];
  /** Default 127.1.1.1, port 623. */
  bmcHost?: string;
}

export interface ModelIpmiTwin extends TwinBase {
  readonly seed: string;
  readonly clock: VirtualClock;
  readonly net: DatagramSwitch;
  readonly faults: FaultInjector;
  readonly trace: TraceRecorder;
  /** Runs the virtual clock until `work` settles (bounded by `timeoutMs` of virtual time), then returns its outcome. */
  settle<T>(work: Promise<T>, timeoutMs?: number): Promise<T>;
}

/** Drivers wait on their own clock: a settle that outlives this much virtual time is a hang. */
const SETTLE_TIMEOUT_MS = 10 * 60_000;

export async function startModelIpmiTwin(options: ModelIpmiTwinOptions): Promise<ModelIpmiTwin> {
  const clock = new VirtualClock();
  const random = new SeededRandom(options.seed);
  const trace = new TraceRecorder({ clock, ...(options.sink ? { sink: options.sink } : {}) });
  const faults = new FaultInjector({ plan: FaultPlan.parse(options.faults ?? { faults: [] }), clock, random: random.fork('faults'), observer: trace });
  const net = new DatagramSwitch({ clock, random: random.fork('net'), faults, trace });
  const serverName = options.serverName ?? 'node:r1-s1';
  const bmcName = `bmc:${serverName.replace(/^node:/, '')}`;
  const cleanup = new DisposableStack();
  try {
    cleanup.use(net);
    const server = new SimulatedServer({
      name: serverName,
      identity: options.identity ?? identityFor(0),
      clock,
      random: random.fork(`twin/${serverName}`),
      faults,
      ...(options.timings ? { timings: options.timings } : {}),
      ...(options.initialPower ? { initialPower: options.initialPower } : {}),
    });
    cleanup.use(server);
    cleanup.use(traceServerEvents(server, trace, serverName));
    const bmc = cleanup.use(
      await IpmiBmc.start({
        ...bmcTuning(options),
        server,
        network: net,
        host: options.bmcHost ?? '127.1.1.1',
        name: bmcName,
        clock,
        random: random.fork(bmcName),
        users: options.users ?? [IPMI_ADMIN],
        faults,
        trace,
      }),
    );
    let drivers = 0;
    const settle = <T>(work: Promise<T>, timeoutMs = SETTLE_TIMEOUT_MS): Promise<T> => clock.runUntilSettled(work, { timeoutMs });
    return {
      seed: formatSeed(random.seed),
      clock,
      net,
      faults,
      trace,
      server,
      bmc,
      host: bmc.address.host,
      port: bmc.address.port,
      settle,
      driver: (overrides = {}) => {
        const driver = newDriver(bmc, net, clock, random.fork(`driver:${bmcName}:${drivers++}`), { localHost: '127.0.0.1', ...overrides });
        // Closing sends Close Session and waits for its answer: on the virtual clock that needs the clock to run.
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

export interface WireIpmiTwinOptions extends BmcTuning {
  /** Seeds the twin (session ids, sensor noise, POST time); the drivers draw from it too. */
  seed: SeedInput;
  /** Default 127.0.0.1. Any 127/8 address works on Linux loopback. */
  host?: string;
  /** Default 0: a free port (read it back from `port`). */
  bmcPort?: number;
  identity?: ServerIdentity;
  timings?: PowerTimings;
  users?: readonly IpmiUser[];
  serverName?: string;
}

export type WireIpmiTwin = TwinBase;

/** A server and its IPMI BMC on a real loopback UDP socket, on the system clock. */
export async function startWireIpmiTwin(options: WireIpmiTwinOptions): Promise<WireIpmiTwin> {
  const clock = new SystemClock();
  const random = new SeededRandom(options.seed);
  const network = new UdpNetwork();
  const serverName = options.serverName ?? 'node:r1-s1';
  const bmcName = `bmc:${serverName.replace(/^node:/, '')}`;
  const cleanup = new DisposableStack();
  try {
    const server = cleanup.use(
      new SimulatedServer({
        name: serverName,
        identity: options.identity ?? identityFor(0),
        clock,
        random: random.fork(`twin/${serverName}`),
        ...(options.timings ? { timings: options.timings } : {}),
      }),
    );
    const bmc = cleanup.use(
      await IpmiBmc.start({
        ...bmcTuning(options),
        server,
        network,
        host: options.host ?? '127.0.0.1',
        port: options.bmcPort ?? 0,
        name: bmcName,
        clock,
        random: random.fork(bmcName),
        users: options.users ?? [IPMI_ADMIN],
      }),
    );
    let drivers = 0;
    return {
      server,
      bmc,
      host: bmc.address.host,
      port: bmc.address.port,
      driver: (overrides = {}) => {
        const driver = newDriver(bmc, network, clock, random.fork(`driver:${bmcName}:${drivers++}`), { localHost: '127.0.0.1', ...overrides });
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

/** An IpmiDriver for `bmc` as the admin user, on the given transport, clock and random. */
function newDriver(
  bmc: IpmiBmc,
  transport: IpmiDriverConfig['transport'],
  clock: IpmiDriverConfig['clock'],
  random: IpmiDriverConfig['random'],
  overrides: DriverOverrides = {},
): IpmiDriver {
  return new IpmiDriver({
    host: bmc.address.host,
    port: bmc.address.port,
    username: IPMI_ADMIN.name,
    password: IPMI_ADMIN.password,
    transport,
    clock,
    random,
    ...overrides,
  });
}

function bmcTuning(options: BmcTuning): BmcTuning {
  return {
    ...(options.cipherSuites ? { cipherSuites: options.cipherSuites } : {}),
    ...(options.maxSessions !== undefined ? { maxSessions: options.maxSessions } : {}),
    ...(options.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
  };
}

/** A server event as plain trace data (no `type`, no `atMs`: the trace line has both). */
