import { FaultInjector, FaultPlan, SeededRandom, VirtualClock, type FaultSpec } from '../../../sim/index.js';
import { RedfishBmc, type RedfishBmcOptions } from '../../../twins/redfish/index.js';
import { SimulatedServer, type ServerIdentity } from '../../../twins/server/index.js';

export const ADMIN = { user: 'admin', password: 'password1' } as const;
export const BASIC = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`;

export function identity(n = 1): ServerIdentity {
  const hex = n.toString(16).padStart(12, '0');
  return {
    manufacturer: 'Contoso',
    manufacturerId: 412,
    productName: 'RX-1000',
    productId: 1,
    serialNumber: `SN${String(n).padStart(6, '0')}`,
    boardSerialNumber: `BRD${String(n).padStart(6, '0')}`,
    chassisSerialNumber: `CH${String(n).padStart(6, '0')}`,
    partNumber: 'PN-1000',
    boardPartNumber: 'BPN-1000',
    firmwareVersion: '1.0.0',
    systemGuid: `00000000-0000-4000-8000-${hex}`,
    bmcGuid: `00000000-0000-4000-9000-${hex}`,
  };
}

export interface Twin {
  readonly clock: VirtualClock;
  readonly server: SimulatedServer;
  readonly bmc: RedfishBmc;
  /** A request straight to the BMC's Fetch handler, with basic auth unless `auth: false` or other headers are given. */
  call(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; auth?: boolean }): Promise<Response>;
  json(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; auth?: boolean }): Promise<{ status: number; body: any; headers: Headers }>;
  dispose(): void;
}

export function makeTwin(
  flavour: RedfishBmcOptions['flavour'],
  options: { seed?: number; faults?: FaultSpec[]; extra?: Partial<RedfishBmcOptions>; initialPower?: 'On' | 'Off' } = {},
): Twin {
  const clock = new VirtualClock();
  const random = new SeededRandom(options.seed ?? 42);
  const faults = options.faults ? new FaultInjector({ plan: FaultPlan.parse({ faults: options.faults }), clock, random: random.fork('faults') }) : undefined;
  const server = new SimulatedServer({ name: 'node:r1-s1', identity: identity(), clock, random: random.fork('server'), initialPower: options.initialPower ?? 'Off', ...(faults ? { faults } : {}) });
  const bmc = new RedfishBmc({ server, flavour, clock, random: random.fork('bmc'), credentials: ADMIN, ...(faults ? { faults } : {}), ...options.extra });
  const call: Twin['call'] = (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.auth === false ? {} : { Authorization: BASIC }), ...o.headers };
    let body: string | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      headers['Content-Type'] ??= 'application/json';
    }
    return bmc.fetch(new Request(`https://127.1.0.1${path}`, { method, headers, ...(body === undefined ? {} : { body }) }));
  };
  return {
    clock,
    server,
    bmc,
    call,
    async json(method, path, o) {
      const response = await call(method, path, o);
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers };
    },
    dispose() {
      bmc.dispose();
      server.dispose();
    },
  };
}
