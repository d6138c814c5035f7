/**
 * Many twin IPMI BMCs on real loopback sockets in one process (wire
 * fidelity), one address each — 127.1.x.y, the whole 127/8 range answers on
 * Linux loopback — or, where those addresses cannot be bound, distinct ports
 * on 127.0.0.1 (the fleet says which it got). For benchmarks and `drill up`
 * style demos; `dispose()` closes every socket and stops every server.
 */
import { DisposableStack, SeededRandom, SystemClock, UdpNetwork, type SeedInput } from '../../sim/index.js';
import { IpmiBmc, SimulatedServer, type IpmiUser, type PowerTimings } from '../../twins/index.js';
import { identityFor } from './identities.js';
import { IPMI_ADMIN } from './ipmi-twin.js';

export type FleetAddressing =
  /** One 127.1.x.y address per BMC, on `port`. */
  | 'loopback-addresses'
  /** 127.0.0.1, a free port per BMC. */
  | 'ports-on-localhost';

export interface WireIpmiFleetOptions {
  count: number;
  seed: SeedInput;
  /** Port on each loopback address; default 623 (needs root or CAP_NET_BIND_SERVICE, else a free port each). */
  port?: number;
  users?: readonly IpmiUser[];
  timings?: PowerTimings;
  initialPower?: 'On' | 'Off';
}

export interface FleetMember {
  readonly server: SimulatedServer;
  readonly bmc: IpmiBmc;
  readonly host: string;
  readonly port: number;
}

export interface WireIpmiFleet {
  readonly members: readonly FleetMember[];
  readonly addressing: FleetAddressing;
  /** Why the fleet fell back to ports on 127.0.0.1, or to free ports; undefined when it did not. */
  readonly fallback: string | undefined;
  dispose(): Promise<void>;
}

/** At most 250 BMCs per 127.1.x.0/24 "rack"; up to 254 racks. */
const PER_RACK = 250;
export const MAX_FLEET = PER_RACK * 254;

/** The loopback address of the i-th BMC (0-based): 127.1.1.1, …, 127.1.1.250, 127.1.2.1, … */
export function fleetAddress(index: number): string {
  return `127.1.${Math.floor(index / PER_RACK) + 1}.${(index % PER_RACK) + 1}`;
}

export async function startWireIpmiFleet(options: WireIpmiFleetOptions): Promise<WireIpmiFleet> {
  const { count } = options;
  if (!Number.isInteger(count) || count < 1 || count > MAX_FLEET) throw new RangeError(`count: ${count} is out of range — use 1 to ${MAX_FLEET}`);
  const clock = new SystemClock();
  const random = new SeededRandom(options.seed);
  const network = new UdpNetwork();
  const cleanup = new DisposableStack();
  const members: FleetMember[] = [];
  let host = (i: number): string => fleetAddress(i);
  let port = options.port ?? 623;
  let addressing: FleetAddressing = 'loopback-addresses';
  let fallback: string | undefined;
  const start = async (i: number): Promise<FleetMember> => {
    const name = `r${Math.floor(i / PER_RACK) + 1}-s${(i % PER_RACK) + 1}`;
    const server = cleanup.use(
      new SimulatedServer({
        name: `node:${name}`,
        identity: identityFor(i),
        clock,
        random: random.fork(`twin/node:${name}`),
        ...(options.timings ? { timings: options.timings } : {}),
        ...(options.initialPower ? { initialPower: options.initialPower } : {}),
      }),
    );
    try {
      const bmc = await IpmiBmc.start({
        server,
        network,
        host: host(i),
        port,
        name: `bmc:${name}`,
        clock,
        random: random.fork(`bmc:${name}`),
        users: options.users ?? [IPMI_ADMIN],
      });
      cleanup.use(bmc);
      return { server, bmc, host: bmc.address.host, port: bmc.address.port };
    } catch (error) {
      server.dispose();
      throw error;
    }
  };
  try {
    // The first BMC decides the addressing: privileged port refused → free ports; 127.1.x.y missing → 127.0.0.1.
    try {
      members.push(await start(0));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' && port !== 0) {
        fallback = `binding port ${port} was refused (${code}); each BMC has a free port on its 127.1.x.y address`;
        port = 0;
      } else if (code === 'EADDRNOTAVAIL') {
        fallback = `127.1.1.1 cannot be bound on this host (${code}); the BMCs share 127.0.0.1 on distinct ports`;
        host = () => '127.0.0.1';
        port = 0;
        addressing = 'ports-on-localhost';
      } else {
        throw error;
      }
      members.push(await start(0));
    }
    for (let i = 1; i < count; i++) members.push(await start(i));
    return { members, addressing, fallback, dispose: () => cleanup.dispose() };
  } catch (error) {
    await cleanup.dispose();
    throw error;
  }
}
