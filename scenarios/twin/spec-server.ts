import { createHash } from 'node:crypto';
import type { Clock, DatagramNetwork, DisposableStack, FaultInjector, Random } from '../../sim/index.js';
import {
  bootTargetFromSpec,
  factsFromSpec,
  FLAVOUR_PROFILES,
  IpmiBmc,
  ModelMachine,
  POWER_TIMING_PROFILES,
  RedfishBmc,
  REDFISH_FLAVOURS,
  SimulatedServer,
  type Datacenter,
  type IpmiPrivilege,
  type MachineHttp,
  type PowerTimingProfile,
  type RedfishFlavourName,
  type ResolvedServer,
  type ServerIdentity,
  type UserPrivilege,
} from '../../twins/index.js';

/** One server of a spec as the twin runs it: the server, the BMC sides that share it, and the machine that boots after POST. */
export interface SpecServer {
  readonly spec: ResolvedServer;
  readonly server: SimulatedServer;
  /** Network-boots from the spec's boot server, installs, runs the model agent. */
  readonly machine: ModelMachine;
  /** Absent for IPMI-only gear; the caller serves it (in-process or over HTTPS). */
  readonly redfish: RedfishBmc | undefined;
  readonly ipmi: IpmiBmc;
}

export interface BuildSpecServerOptions {
  readonly datacenter: Datacenter;
  readonly spec: ResolvedServer;
  readonly clock: Clock;
  /** The run's root stream; the server and its BMCs fork their own from it by name. */
  readonly random: Random;
  readonly faults: FaultInjector;
  /** Where the IPMI BMC binds: the datagram switch (model) or real UDP (wire). */
  readonly datagrams: DatagramNetwork;
  /** Each side effect registers its undo here. */
  readonly stack: DisposableStack;
  /** How long POST and soft-off take; POST per the BMC flavour's vendor. Default `fast`. */
  readonly timingProfile?: PowerTimingProfile;
  /** The machine's HTTP client. Default: node:http/https (real sockets in wire fidelity). */
  readonly machineHttp?: MachineHttp;
}

/** The IPMI user levels the twin knows; callback and OEM users get the nearest. */
function userPrivilege(privilege: IpmiPrivilege): UserPrivilege {
  return privilege === 'callback' ? 'user' : privilege === 'oem' ? 'administrator' : privilege;
}

function redfishFlavourOf(spec: ResolvedServer): RedfishFlavourName {
  const flavour = spec.bmc.flavour;
  if (!(REDFISH_FLAVOURS as readonly string[]).includes(flavour)) {
    throw new Error(`Invariant violated: ${spec.name} has a Redfish port but flavour ${flavour} speaks no Redfish`);
  }
  return flavour as RedfishFlavourName;
}

/** A GUID for the BMC itself, stable for a server and seed, distinct from the host's. */
function bmcGuid(seed: string, server: string): string {
  const hex = createHash('sha256').update(`${seed}/bmc-guid/${server}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What the spec says about a server, in the shape the simulated server reports it. */
export function serverIdentity(dc: Datacenter, spec: ResolvedServer): ServerIdentity {
  const id = spec.identity;
  return {
    manufacturer: id.manufacturer,
    manufacturerId: id.ipmi.manufacturerId,
    productName: id.model,
    productId: id.ipmi.productId,
    serialNumber: id.systemSerial,
    boardSerialNumber: id.boardSerial,
    chassisSerialNumber: id.systemSerial,
    partNumber: spec.template,
    boardPartNumber: spec.template,
    firmwareVersion: spec.bmc.firmwareVersion,
    systemGuid: id.uuid,
    bmcGuid: bmcGuid(dc.seed, spec.name),
    ...(id.assetTag === undefined ? {} : { assetTag: id.assetTag }),
  };
}

/**
 * Builds one server of a spec with its BMC sides — Redfish when the flavour
 * speaks it, IPMI always — sharing one power, boot and sensor state, with the
 * spec's credentials, and the model machine that boots from its NIC on the
 * provisioning network (its boot server from the spec). Model and wire
 * fidelity differ only in where they serve it and in the machine's HTTP
 * client: the in-process network's fetch, or node:http/https on real sockets.
 */
export async function buildSpecServer(options: BuildSpecServerOptions): Promise<SpecServer> {
  const { datacenter, spec, clock, random, faults, stack } = options;
  const profile = options.timingProfile ?? 'fast';
  const timings = { ...POWER_TIMING_PROFILES[profile], postMs: FLAVOUR_PROFILES[spec.bmc.flavour].postMs[profile] };
  const server = stack.use(new SimulatedServer({ name: spec.name, identity: serverIdentity(datacenter, spec), clock, random: random.fork(`server:${spec.name}`), faults, timings }));
  const { credentials } = spec.bmc;
  const password = credentials.password.reveal();
  const redfish =
    spec.bmc.redfishPort === undefined
      ? undefined
      : stack.use(
          new RedfishBmc({
            server,
            flavour: redfishFlavourOf(spec),
            clock,
            random: random.fork(`redfish:${spec.name}`),
            faults,
            name: spec.name,
            credentials: { user: credentials.user, password },
            hardware: { cpu: spec.hardware.cpu, memory: spec.hardware.memory, disks: spec.disks, nics: spec.nics },
          }),
        );
  const ipmi = stack.use(
    await IpmiBmc.start({
      server,
      network: options.datagrams,
      host: spec.bmc.address,
      port: spec.bmc.ipmiPort,
      name: `bmc:${spec.name}`,
      users: [{ name: credentials.user, password, privilege: userPrivilege(credentials.privilege) }],
      clock,
      random: random.fork(`ipmi:${spec.name}`),
      faults,
    }),
  );
  const machine = stack.use(
    new ModelMachine({
      server,
      facts: factsFromSpec(spec),
      boot: bootTargetFromSpec(datacenter, spec),
      clock,
      random: random.fork(`machine:${spec.name}`),
      faults,
      ...(options.machineHttp === undefined ? {} : { http: options.machineHttp }),
    }),
  );
  return { spec, server, machine, redfish, ipmi };
}
