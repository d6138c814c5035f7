import { DisposableStack, FaultInjector, FaultPlan, SeededRandom, UdpNetwork, type Clock, type FaultSpec } from '../../sim/index.js';
import { modifierFaults, serveRedfishHttps, type Datacenter, type MachineEvent, type RedfishEndpoint, type ResolvedServer, type ServerEvent } from '../../twins/index.js';
import { buildSpecServer } from './spec-server.js';

export interface ServedBmc {
  readonly server: string;
  readonly flavour: string;
  readonly modifiers: readonly string[];
  /** `https://127.1.0.1` when the BMC speaks Redfish. */
  readonly redfishUrl: string | undefined;
  /** `127.1.0.1:623` when it speaks IPMI. */
  readonly ipmiAddress: string | undefined;
  readonly user: string;
  /** Where the password comes from, never the password itself. */
  readonly passwordFrom: string;
}

export interface ServedTwin {
  readonly bmcs: readonly ServedBmc[];
  /** The twin CA's certificate, for `curl --cacert` and sushy. */
  readonly caPem: string;
  dispose(): Promise<void>;
}

export interface ServeTwinOptions {
  readonly datacenter: Datacenter;
  /** Real time: wire fidelity runs on the system clock. */
  readonly clock: Clock;
  /** Serve only the first N servers (a 10,000-server site on one laptop is a lot of sockets). */
  readonly limit?: number;
  /** Power, boot and identify changes of every server, as they happen. */
  readonly onServerEvent?: (server: string, event: ServerEvent) => void;
  /** Every machine's boot stages, console lines and agent activity, as they happen. */
  readonly onMachineEvent?: (event: MachineEvent) => void;
  /** Every fault strike (the spec's `slow`/`flaky` BMCs), with its target (`bmc:NAME`). */
  readonly onFaultStrike?: (strike: { readonly id: string; readonly kind: string; readonly target: string }) => void;
}

function passwordFrom(server: ResolvedServer): string {
  const source = server.bmc.credentials.passwordSource;
  switch (source.kind) {
    case 'inline':
      return 'inline in the spec';
    case 'env':
      return `$${source.variable}`;
    case 'fallback':
      return `the spec's twin password ($${source.variable} unset)`;
  }
}

/**
 * Wire fidelity: every server of the spec gets a simulated server and its BMC
 * on real loopback sockets — Redfish over HTTPS (certificates from a twin CA)
 * and IPMI over UDP — sharing one power/boot/sensor state, with the spec's
 * `slow`/`flaky` modifiers applied as faults. Everything is undone by `dispose()`.
 */
export async function serveTwin(options: ServeTwinOptions): Promise<ServedTwin> {
  const { datacenter: dc, clock } = options;
  const random = new SeededRandom(dc.seed);
  const servers = dc.servers.slice(0, options.limit ?? dc.servers.length);
  const faultSpecs: FaultSpec[] = servers.flatMap((s) => modifierFaults(s.name, s.bmc.modifiers));
  const onStrike = options.onFaultStrike;
  const observer = onStrike && {
    record: (_source: string, type: string, data: Record<string, unknown>): void => {
      if (type === 'fault.strike') onStrike({ id: String(data.id), kind: String(data.kind), target: String(data.target) });
    },
  };
  const faults = new FaultInjector({ plan: FaultPlan.parse({ faults: faultSpecs }), clock, random: random.fork('faults'), ...(observer ? { observer } : {}) });
  const stack = new DisposableStack();
  try {
    const udp = new UdpNetwork();
    const redfishEndpoints: RedfishEndpoint[] = [];
    const bmcs: ServedBmc[] = [];
    for (const spec of servers) {
      const built = await buildSpecServer({ datacenter: dc, spec, clock, random, faults, datagrams: udp, stack });
      if (options.onServerEvent) {
        const report = options.onServerEvent;
        stack.use(built.server.onEvent((event) => report(spec.name, event)));
      }
      if (options.onMachineEvent) stack.defer(built.machine.subscribe(options.onMachineEvent));
      if (built.redfish && spec.bmc.redfishPort !== undefined) redfishEndpoints.push({ bmc: built.redfish, host: spec.bmc.address, port: spec.bmc.redfishPort });
      bmcs.push({
        server: spec.name,
        flavour: spec.bmc.flavour,
        modifiers: spec.bmc.modifiers,
        redfishUrl: undefined,
        ipmiAddress: `${spec.bmc.address}:${spec.bmc.ipmiPort}`,
        user: spec.bmc.credentials.user,
        passwordFrom: passwordFrom(spec),
      });
    }
    const https = await serveRedfishHttps({ endpoints: redfishEndpoints, clock, random: random.fork('https'), faults });
    stack.use(https);
    const urls = new Map(https.endpoints.map((e) => [e.name, e.url]));
    return {
      bmcs: bmcs.map((b) => ({ ...b, redfishUrl: urls.get(b.server) })),
      caPem: https.ca.certPem,
      dispose: () => stack.dispose(),
    };
  } catch (error) {
    await stack.dispose();
    throw error;
  }
}
