import { SeededRandom, VirtualClock, type FaultInjector } from '../../../../sim/index.js';
import { SimulatedServer, type ServerIdentity, type SimulatedServerOptions } from '../../../../twins/server/index.js';

export const IDENTITY: ServerIdentity = {
  manufacturer: 'Dell Inc.',
  manufacturerId: 674,
  productName: 'PowerEdge R640',
  productId: 0x0100,
  serialNumber: 'SVC1234',
  boardSerialNumber: 'CN7016387B0042',
  chassisSerialNumber: 'CH8675309',
  partNumber: '0X45NX',
  boardPartNumber: '0H28RR',
  firmwareVersion: '4.40.0',
  systemGuid: '4c4c4544-0042-3910-8030-b3c04f333432',
  bmcGuid: '11111111-2222-3333-4444-555555555555',
  manufacturedAtMs: Date.UTC(2021, 5, 1, 12, 0),
};

export function makeServer(options: Partial<SimulatedServerOptions> & { seed?: number; faults?: FaultInjector } = {}): { server: SimulatedServer; clock: VirtualClock } {
  const clock = options.clock instanceof VirtualClock ? options.clock : new VirtualClock();
  const { seed, ...rest } = options;
  const server = new SimulatedServer({
    name: 'node:r1-s1',
    identity: IDENTITY,
    random: new SeededRandom(seed ?? 7).fork('twin/node:r1-s1'),
    ...rest,
    clock,
  });
  return { server, clock };
}
