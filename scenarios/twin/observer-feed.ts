import { InvalidArgumentError, invariant, type Disposable } from '../../sim/index.js';
import type { Datacenter, PowerState, ResolvedServer, ServerEvent, Switch } from '../../twins/index.js';

/**
 * What the twin shows an observer (the visualizer): the physical layout from
 * the spec, each server's physical state, and a numbered stream of server
 * events that a reconnecting client resumes from a sequence number. Pure
 * bookkeeping: serving it over HTTP is observer-server.ts's job.
 */

/** Switches are plain data in the spec already: served as they are. */
export type TopologySwitch = Switch;

export interface TopologyServer {
  readonly name: string;
  readonly unit: number;
  readonly heightU: number;
  readonly template: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly flavour: string;
  readonly modifiers: readonly string[];
  readonly protocols: readonly string[];
  readonly bmcAddress: string;
  readonly redfishPort: number | undefined;
  readonly ipmiPort: number;
  readonly networks: readonly { readonly nic: string; readonly network: string; readonly address: string }[];
}

export interface TopologyRack {
  readonly name: string;
  readonly index: number;
  readonly uHeight: number;
  readonly failureDomain: string;
  readonly switches: readonly TopologySwitch[];
  readonly servers: readonly TopologyServer[];
}

export interface Topology {
  readonly name: string;
  readonly networks: readonly { readonly name: string; readonly role: string; readonly cidr: string; readonly vlan: number | undefined }[];
  readonly sites: readonly {
    readonly name: string;
    readonly spines: readonly TopologySwitch[];
    readonly rows: readonly { readonly name: string; readonly racks: readonly TopologyRack[] }[];
  }[];
}

/** A server as the twin has it physically; `stage` is the last boot stage the machine reported, as data. */
export interface PhysicalState {
  readonly name: string;
  readonly power: PowerState;
  readonly stage: string | undefined;
  readonly stageDetail: string | undefined;
  readonly bootDevice: string | undefined;
  readonly identify: boolean;
  readonly changedAtMs: number | undefined;
  /** The last fault that struck this server or its BMC (a `slow` BMC is struck on every request). */
  readonly lastFault: { readonly id: string; readonly kind: string; readonly atMs: number } | undefined;
}

/** A fault as the twin's fault injector reports it striking: `bmc:NAME`, `node:NAME` … */
export interface FaultStrike {
  readonly id: string;
  readonly kind: string;
  readonly target: string;
  readonly atMs: number;
}

export interface ObserverEvent {
  readonly seq: number;
  readonly atMs: number;
  readonly server: string;
  /** `power`, `booted`, `stage`, `log`, …: the twin's server event types, passed through. */
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type ObserverListener = (event: ObserverEvent) => void;

export interface TwinObserverFeedOptions {
  readonly datacenter: Datacenter;
  /** How many recent events a reconnecting client can resume from. Default 100,000. */
  readonly retainedEvents?: number;
}

function serverView(s: ResolvedServer): TopologyServer {
  return {
    name: s.name,
    unit: s.unit,
    heightU: s.hardware.heightU,
    template: s.template,
    manufacturer: s.identity.manufacturer,
    model: s.identity.model,
    flavour: s.bmc.flavour,
    modifiers: s.bmc.modifiers,
    protocols: s.bmc.protocols,
    bmcAddress: s.bmc.address,
    redfishPort: s.bmc.redfishPort,
    ipmiPort: s.bmc.ipmiPort,
    networks: s.nics.flatMap((nic) => nic.networks.map((n) => ({ nic: nic.name, network: n.network, address: n.address }))),
  };
}

/** The spec's layout, sites → rows → racks → units, as plain JSON. */
export function topologyOf(dc: Datacenter): Topology {
  return {
    name: dc.name,
    networks: dc.networks.map((n) => ({ name: n.name, role: n.role, cidr: n.cidr, vlan: n.vlan })),
    sites: dc.sites.map((site) => ({
      name: site.name,
      spines: site.spines,
      rows: site.rows.map((row) => ({
        name: row.name,
        racks: row.racks.map((rack) => ({
          name: rack.name,
          index: rack.index,
          uHeight: rack.uHeight,
          failureDomain: rack.failureDomain,
          switches: rack.switches,
          servers: rack.servers.map(serverView),
        })),
      })),
    })),
  };
}

/** A twin stage event, once the machines report boot stages; until then none matches. */
function stageOf(event: ServerEvent): { stage: string; detail: string | undefined } | undefined {
  const raw = event as { readonly type: string; readonly stage?: unknown; readonly detail?: unknown };
  if (raw.type !== 'stage' || typeof raw.stage !== 'string') return undefined;
  return { stage: raw.stage, detail: typeof raw.detail === 'string' ? raw.detail : undefined };
}

function nextState(state: PhysicalState, event: ServerEvent): PhysicalState {
  const stage = stageOf(event);
  if (stage) return { ...state, stage: stage.stage, stageDetail: stage.detail, changedAtMs: event.atMs };
  switch (event.type) {
    case 'power':
      // A machine that loses power has no boot stage any more, whatever it reported last.
      return { ...state, power: event.to, changedAtMs: event.atMs, ...(event.to === 'Off' ? { stage: undefined, stageDetail: undefined } : {}) };
    case 'booted':
      return { ...state, bootDevice: event.boot.device, stage: undefined, stageDetail: undefined, changedAtMs: event.atMs };
    case 'identify':
      return { ...state, identify: event.identify.on };
    default:
      return state;
  }
}

export class TwinObserverFeed {
  private readonly layout: Topology;
  private readonly states = new Map<string, PhysicalState>();
  private readonly retained: ObserverEvent[] = [];
  private readonly retainedMax: number;
  private readonly listeners = new Set<ObserverListener>();
  private seq = 0;

  constructor(options: TwinObserverFeedOptions) {
    this.layout = topologyOf(options.datacenter);
    this.retainedMax = options.retainedEvents ?? 100_000;
    if (!Number.isInteger(this.retainedMax) || this.retainedMax < 1) {
      throw new InvalidArgumentError(`retainedEvents: ${this.retainedMax} is not a positive integer — keep at least one event for resuming clients`);
    }
    for (const s of options.datacenter.servers) {
      this.states.set(s.name, { name: s.name, power: 'Off', stage: undefined, stageDetail: undefined, bootDevice: undefined, identify: false, changedAtMs: undefined, lastFault: undefined });
    }
  }

  topology(): Topology {
    return this.layout;
  }

  /** Every server's state and the sequence number it is current at: resume the stream after it. */
  snapshot(): { readonly seq: number; readonly servers: readonly PhysicalState[] } {
    return { seq: this.seq, servers: [...this.states.values()] };
  }

  /** Takes one event of a simulated server (what `serveTwin`'s `onServerEvent` reports). */
  record(server: string, event: ServerEvent): void {
    const state = this.states.get(server);
    invariant(state, `the twin reported an event of ${server}, which the spec does not have`);
    this.states.set(server, nextState(state, event));
    const { type, atMs, ...data } = event;
    this.publish({ seq: ++this.seq, atMs, server, type, data });
  }

  private publish(observed: ObserverEvent): void {
    this.retained.push(observed);
    // Trim in halves so each event costs O(1) amortised.
    if (this.retained.length >= 2 * this.retainedMax) this.retained.splice(0, this.retained.length - this.retainedMax);
    for (const listener of this.listeners) listener(observed);
  }

  /**
   * Takes a fault strike; one aimed at something other than a server or its
   * BMC (the network, the orchestrator) is not this feed's to show.
   */
  recordFault(strike: FaultStrike): void {
    const server = strike.target.slice(strike.target.indexOf(':') + 1);
    const state = this.states.get(server);
    if (!state) return;
    this.states.set(server, { ...state, lastFault: { id: strike.id, kind: strike.kind, atMs: strike.atMs } });
    this.publish({ seq: ++this.seq, atMs: strike.atMs, server, type: 'fault', data: { id: strike.id, kind: strike.kind, target: strike.target } });
  }

  /** Events after `seq`, oldest first; undefined when some of them are no longer retained. */
  eventsAfter(seq: number): ObserverEvent[] | undefined {
    if (seq >= this.seq) return [];
    const oldest = this.retained[0]?.seq ?? this.seq + 1;
    if (seq + 1 < oldest) return undefined;
    return this.retained.slice(seq + 1 - oldest);
  }

  get latestSeq(): number {
    return this.seq;
  }

  subscribe(listener: ObserverListener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }
}
