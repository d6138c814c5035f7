/**
 * Model fidelity for the machine tests: a two-server spec (a Redfish server
 * and an IPMI-only one) built the way the twin builds every spec server, on a
 * virtual clock and the in-process network, with the provisioning test peer
 * listening at the spec's boot server and at an agent API address.
 */
import type { FaultSpec, VirtualClock } from '../../../../sim/index.js';
import { startModelFleet, type ModelFleetServer } from '../../../../scenarios/index.js';
import { parseDatacenterSpec, TwinCa, type MachineEvent, type MachineStage } from '../../../../twins/index.js';
import { ProvisioningPeer } from './provisioning-peer.js';

export const BOOT_URL = 'http://127.64.255.254:8080';
export const API_URL = 'https://127.70.0.1:8443';

export const SPEC = `version: 1
name: boot-test
seed: 0xb007
fidelity: model
networks:
  bmc:          { role: bmc, cidr: 127.1.0.0/16 }
  provisioning: { role: provisioning, cidr: 127.64.0.0/16, bootServer: { address: 127.64.255.254, port: 8080 } }
  admin:        { role: admin, cidr: 127.65.0.0/16 }
templates:
  small:
    manufacturer: Example
    model: Small 1U
    cpu: { model: Test CPU, sockets: 2, cores: 4, flags: [vmx] }
    memory: { dimms: 2, dimmGiB: 8 }
    disks: [{ type: ssd, sizeGB: 240, count: 2 }]
    nics:
      - { name: eno1, speedGbps: 10, networks: [provisioning] }
      - { name: eno2, speedGbps: 25, networks: [admin] }
sites:
  - name: test
    rows:
      - name: a
        racks:
          - name: r1
            servers:
              - { unit: 1, template: small, flavour: dmtf, credentials: { user: admin, password: twin-pass } }
              - { unit: 2, template: small, flavour: ipmi-only, credentials: { user: admin, password: twin-pass } }
`;

export interface ModelTwin {
  readonly clock: VirtualClock;
  readonly peer: ProvisioningPeer;
  readonly servers: ReadonlyMap<string, ModelFleetServer>;
  /** Every machine event, in order, as JSON-safe values. */
  readonly events: MachineEvent[];
  /** Runs the clock until `machine` reaches `stage` (bounded in virtual time). */
  untilStage(machine: string, stage: MachineStage, timeoutMs?: number): Promise<void>;
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Registers a machine with the peer under its own name, by its boot MAC and first disk. */
  register(machine: string): void;
  /** A Redfish request to a server's BMC, over the in-process network. */
  redfish(machine: string, method: string, path: string, body?: unknown): Promise<Response>;
  dispose(): Promise<void>;
}

export async function startModelTwin(options: { faults?: readonly FaultSpec[]; seed?: string } = {}): Promise<ModelTwin> {
  const dc = parseDatacenterSpec(options.seed === undefined ? SPEC : SPEC.replace('seed: 0xb007', `seed: ${options.seed}`), { source: 'boot-test' });
  // The same wiring as every model-fidelity run: servers, BMCs and machines on the in-process network.
  const fleet = await startModelFleet({ datacenter: dc, faults: options.faults ?? [] });
  const { clock, http } = fleet;
  const peer = new ProvisioningPeer({ bootUrl: BOOT_URL, apiUrl: API_URL, caCertificatePem: new TwinCa(clock, fleet.random.fork('peer-ca')).certPem });
  const listeners = [http.listen('127.64.255.254:8080', peer.boot), http.listen('127.70.0.1:8443', peer.agent)];
  const servers = fleet.servers;
  const events: MachineEvent[] = [];
  const unsubscribe = [...servers.values()].map(({ machine }) => machine.subscribe((event) => events.push(event)));
  const get = (name: string): ModelFleetServer => {
    const found = servers.get(name);
    if (!found) throw new Error(`no server ${name}`);
    return found;
  };
  const until = async (predicate: () => boolean, timeoutMs = 3_600_000): Promise<void> => {
    await clock.runUntil(predicate, { timeoutMs });
  };
  return {
    clock,
    peer,
    servers,
    events,
    until,
    untilStage: (machine, stage, timeoutMs) => until(() => get(machine).machine.stage === stage, timeoutMs),
    register: (machine) => {
      const { spec } = get(machine);
      peer.addNode(machine, spec.nics[0]!.mac, spec.disks[0]!.serial);
    },
    redfish: (machine, method, path, body) => {
      const { spec } = get(machine);
      return fetch(`https://${spec.bmc.address}${path}`, {
        method,
        headers: { authorization: `Basic ${Buffer.from('admin:twin-pass').toString('base64')}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    },
    dispose: async () => {
      for (const stop of unsubscribe) stop();
      for (const listener of listeners) await listener.dispose();
      await fleet.dispose();
    },
  };
}
