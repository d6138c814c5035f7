import { DatagramSwitch, SeededRandom, VirtualClock, type FaultInjector } from '../../../../sim/index.js';
import { IpmiBmc, type IpmiBmcOptions, type IpmiUser } from '../../../../twins/ipmi/index.js';
import { makeServer } from '../../server/support/server-fixture.js';
import { RmcpTestClient } from './rmcp-test-client.js';

export const USERS: readonly IpmiUser[] = [
  { name: 'admin', password: 'secret', privilege: 'administrator' },
  { name: 'oper', password: 'operpass', privilege: 'operator' },
  { name: 'viewer', password: 'viewerpass', privilege: 'user' },
];

export interface TwinOptions extends Partial<Omit<IpmiBmcOptions, 'server' | 'network' | 'clock' | 'random' | 'faults'>> {
  seed?: number;
  faults?: FaultInjector;
  clock?: VirtualClock;
}

/** A server and its IPMI BMC on the in-process datagram switch, with a test console next to it. */
export async function startTwin(options: TwinOptions = {}) {
  const clock = options.clock ?? new VirtualClock();
  const { seed = 11, faults, clock: _clock, ...bmcOptions } = options;
  const random = new SeededRandom(seed);
  const net = new DatagramSwitch({ clock, random: random.fork('net') });
  const { server } = makeServer({ clock, seed, ...(faults ? { faults } : {}) });
  const bmc = await IpmiBmc.start({ server, network: net, host: '127.1.1.3', clock, random: random.fork('bmc:r1-s1'), users: USERS, ...(faults ? { faults } : {}), ...bmcOptions });
  // Each exchange gets one virtual millisecond: enough for delivery both ways, not enough to run POST timers.
  const newClient = async (): Promise<RmcpTestClient> => new RmcpTestClient(await net.bind({ host: '127.0.0.1' }), bmc.address, () => clock.runFor(1));
  return { clock, net, server, bmc, client: await newClient(), newClient };
}
