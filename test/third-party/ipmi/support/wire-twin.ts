import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FaultInjector, FaultPlan, SeededRandom, SystemClock, UdpNetwork, type FaultPlanData } from '../../../../sim/index.js';
import { IpmiBmc } from '../../../../twins/ipmi/index.js';
import { SimulatedServer } from '../../../../twins/server/index.js';
import { USERS } from '../../../twins/ipmi/support/bmc-fixture.js';
import { IDENTITY } from '../../../twins/server/support/server-fixture.js';

const run = promisify(execFile);

/** A server and its IPMI BMC on a real loopback UDP socket (a free port picked by binding port 0), on the system clock. */
export async function startWireTwin(seed = 5, faults?: FaultPlanData) {
  const clock = new SystemClock();
  const random = new SeededRandom(seed);
  const injector = faults ? new FaultInjector({ plan: FaultPlan.parse(faults), clock, random: random.fork('faults') }) : undefined;
  const server = new SimulatedServer({ name: 'node:r1-s1', identity: IDENTITY, clock, random: random.fork('twin/node:r1-s1'), ...(injector ? { faults: injector, initialPower: 'On' } : {}) });
  const bmc = await IpmiBmc.start({ server, network: new UdpNetwork(), host: '127.0.0.1', port: 0, clock, random: random.fork('bmc:r1-s1'), users: USERS });
  return {
    server,
    bmc,
    port: bmc.address.port,
    dispose: async (): Promise<void> => {
      await bmc.dispose();
      server.dispose();
    },
  };
}

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a host program and returns what it printed, whatever its exit code. */
export async function tool(command: string, args: readonly string[], timeoutMs = 15_000): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await run(command, [...args], { timeout: timeoutMs });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
