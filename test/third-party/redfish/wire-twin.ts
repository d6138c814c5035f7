import { SeededRandom, SystemClock } from '../../../sim/index.js';
import { RedfishBmc, serveRedfishHttps, type RedfishFlavourName, type RedfishHttpsHost } from '../../../twins/redfish/index.js';
import { SimulatedServer } from '../../../twins/server/index.js';
import { ADMIN, identity } from '../../twins/redfish/harness.js';

export interface WireTwin {
  readonly host: RedfishHttpsHost;
  readonly bmcs: readonly RedfishBmc[];
  readonly servers: readonly SimulatedServer[];
  dispose(): Promise<void>;
}

/** One BMC per flavour on 127.0.0.1 with distinct free ports, on the system clock (wire fidelity). */
export async function startWireTwin(flavours: readonly RedfishFlavourName[]): Promise<WireTwin> {
  const clock = new SystemClock();
  const random = new SeededRandom(7);
  const servers = flavours.map((f, i) => new SimulatedServer({ name: `node:${f}`, identity: identity(i + 1), clock, random: random.fork(`server:${f}`), timings: { postMs: { minMs: 300, maxMs: 300 }, softOffMs: { minMs: 100, maxMs: 100 }, cycleOffMs: 100 } }));
  const bmcs = flavours.map((flavour, i) => new RedfishBmc({ server: servers[i]!, flavour, clock, random: random.fork(`bmc:${flavour}`), credentials: ADMIN }));
  const host = await serveRedfishHttps({ endpoints: bmcs.map((bmc) => ({ bmc, host: '127.0.0.1', port: 0 })), clock, random: random.fork('wire') });
  return {
    host,
    bmcs,
    servers,
    async dispose() {
      await host.dispose();
      for (const b of bmcs) b.dispose();
      for (const s of servers) s.dispose();
    },
  };
}
