import { createHash } from 'node:crypto';
import {
  DisposableStack,
  FaultInjector,
  FaultPlan,
  SeededRandom,
  UdpNetwork,
  type Clock,
  type FaultSpec,
} from '../../sim/index.js';
import {
  IpmiBmc,
  modifierFaults,
  RedfishBmc,
  REDFISH_FLAVOURS,
  serveRedfishHttps,
  SimulatedServer,
  type Datacenter,
  type IpmiPrivilege,
  type RedfishFlavourName,
  type ResolvedServer,
  type ServerEvent,
  type ServerIdentity,
  type UserPrivilege,
} from '../../twins/index.js';

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
}

function redfishFlavourOf(spec: ResolvedServer): RedfishFlavourName {
  const flavour = spec.bmc.flavour;
  if (!(REDFISH_FLAVOURS as readonly string[]).includes(flavour)) {
    throw new Error(`Invariant violated: ${spec.name} has a Redfish port but flavour ${flavour} speaks no Redfish`);
  }
  return flavour as RedfishFlavourName;
}

/** The IPMI user levels the twin knows; callback and OEM users get the nearest. */
function userPrivilege(privilege: IpmiPrivilege): UserPrivilege {
  return privilege === 'callback' ? 'user' : privilege === 'oem' ? 'administrator' : privilege;
}

/** A GUID for the BMC itself, stable for a server and seed, distinct from the host's. */
function bmcGuid(seed: string, server: string): string {
  const hex = createHash('sha256').update(`${seed}/bmc-guid/${server}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function identityOf(dc: Datacenter, server: ResolvedServer): ServerIdentity {
  const id = server.identity;
  return {
    manufacturer: id.manufacturer,
    manufacturerId: id.ipmi.manufacturerId,
    productName: id.model,
    productId: id.ipmi.productId,
    serialNumber: id.systemSerial,
    boardSerialNumber: id.boardSerial,
    chassisSerialNumber: id.systemSerial,
    partNumber: server.template,
    boardPartNumber: server.template,
    firmwareVersion: server.bmc.firmwareVersion,
    systemGuid: id.uuid,
    bmcGuid: bmcGuid(dc.seed, server.name),
    ...(id.assetTag === undefined ? {} : { assetTag: id.assetTag }),
  };
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
  const faults = new FaultInjector({ plan: FaultPlan.parse({ faults: faultSpecs }), clock, random: random.fork('faults') });
  const stack = new DisposableStack();
  try {
    const udp = new UdpNetwork();
    const redfishEndpoints = [];
    const bmcs: ServedBmc[] = [];
    for (const spec of servers) {
      const server = new SimulatedServer({ name: spec.name, identity: identityOf(dc, spec), clock, random: random.fork(`server:${spec.name}`), faults });
      stack.use(server);
      if (options.onServerEvent) {
        const report = options.onServerEvent;
        stack.use(server.onEvent((event) => report(spec.name, event)));
      }
      const { credentials } = spec.bmc;
      const password = credentials.password.reveal();
      if (spec.bmc.redfishPort !== undefined) {
        const bmc = new RedfishBmc({
          server,
          flavour: redfishFlavourOf(spec),
          clock,
          random: random.fork(`redfish:${spec.name}`),
          faults,
          name: spec.name,
          credentials: { user: credentials.user, password },
          hardware: { cpu: spec.hardware.cpu, memory: spec.hardware.memory, disks: spec.disks, nics: spec.nics },
        });
        stack.use(bmc);
        redfishEndpoints.push({ bmc, host: spec.bmc.address, port: spec.bmc.redfishPort });
      }
      const ipmi = await IpmiBmc.start({
        server,
        network: udp,
        host: spec.bmc.address,
        port: spec.bmc.ipmiPort,
        name: `bmc:${spec.name}`,
        users: [{ name: credentials.user, password, privilege: userPrivilege(credentials.privilege) }],
        clock,
        random: random.fork(`ipmi:${spec.name}`),
        faults,
      });
      stack.use(ipmi);
      bmcs.push({
        server: spec.name,
        flavour: spec.bmc.flavour,
        modifiers: spec.bmc.modifiers,
        redfishUrl: undefined,
        ipmiAddress: `${spec.bmc.address}:${spec.bmc.ipmiPort}`,
        user: credentials.user,
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
