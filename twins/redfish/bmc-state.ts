import type { Clock, Disposable, FaultInjector, Random } from '../../sim/index.js';
import { SENSOR_UNITS, type SensorCrossing, type SensorReading, type ServerEvent, type SimulatedServer } from '../server/index.js';
import type { AttributeValue, RedfishFlavour } from './flavours/index.js';
import type { BmcNetwork, RedfishHardware } from './hardware.js';
import type { MessageBook, RedfishMessage } from './messages.js';
import type { RedfishSharedData } from './shared-data.js';
import { SessionTable } from './state/sessions.js';
import { TaskTable, type TaskRecord } from './state/tasks.js';
import type { RaidType } from './state/raid.js';
import type { Router } from './router.js';

export type Role = 'Administrator' | 'Operator' | 'ReadOnly';

export interface Account {
  readonly id: string;
  user: string;
  password: string;
  role: Role;
  enabled: boolean;
}

export interface VolumeRecord {
  readonly id: string;
  readonly name: string;
  readonly raid: RaidType;
  /** Indexes into the hardware's disks. */
  readonly drives: readonly number[];
  readonly capacityBytes: number;
  /** `creating`/`deleting`: waits for the next reset (OnReset apply time). */
  state: 'creating' | 'ready' | 'deleting';
}

export interface MediaRecord {
  image: string;
  inserted: boolean;
  writeProtected: boolean;
  transferProtocol: string | undefined;
}

export interface Subscription {
  readonly id: string;
  readonly destination: string;
  readonly context: string | undefined;
  readonly protocol: 'Redfish';
  readonly registryPrefixes: readonly string[];
}

export interface BiosState {
  /** Attributes that differ from the registry defaults. */
  current: Map<string, AttributeValue> | undefined;
  pending: Map<string, AttributeValue> | undefined;
  /** ResetBios was asked for: defaults apply at the next reset. */
  resetPending: boolean;
  pendingSinceMs: number | undefined;
}

/** One event as it goes to SSE clients and subscribers. */
export interface BmcEvent {
  readonly id: number;
  readonly atMs: number;
  readonly message: RedfishMessage;
  readonly origin: string;
}

/**
 * Everything one simulated Redfish BMC holds. Compact on purpose (the benchmark
 * target is ≤ 50 KB per server at 10,000 servers): resources are rendered from this
 * on request, and collections that are usually empty stay `undefined` until used.
 */
export class BmcState {
  readonly accounts: Account[];
  readonly sessions: SessionTable;
  readonly tasks: TaskTable;
  readonly bios: BiosState = { current: undefined, pending: undefined, resetPending: false, pendingSinceMs: undefined };
  volumes: VolumeRecord[] | undefined;
  nextVolume = 0;
  media: Map<string, MediaRecord> | undefined;
  subscriptions: Subscription[] | undefined;
  nextSubscription = 1;
  sseClients: Set<{ send(event: BmcEvent): void; close(): void }> | undefined;
  nextEventId = 1;
  assetTag = '';
  /** Supermicro's `UsbCd` is the server's `Cd`; remembered so the BMC reports what was written. */
  bootTargetAlias: 'UsbCd' | undefined;
  firmware: Map<string, string> | undefined;
  lastResetMs: number | undefined;
  /** A GracefulRestart waiting for the soft-off to finish. */
  restartAfterOff = false;
  /** Licenses installed on this BMC (Supermicro's SFT-DCMS-SINGLE). */
  licenses: ReadonlySet<string>;
  private readonly serverListener: Disposable;

  constructor(
    readonly name: string,
    readonly flavour: RedfishFlavour,
    readonly server: SimulatedServer,
    readonly clock: Clock,
    /** Draws session tokens, task ids. */
    readonly random: Random,
    readonly faults: FaultInjector | undefined,
    readonly shared: RedfishSharedData,
    readonly book: MessageBook,
    readonly router: Router,
    readonly hardware: RedfishHardware,
    readonly network: BmcNetwork | undefined,
    accounts: Account[],
    licenses: readonly string[],
  ) {
    this.accounts = accounts;
    this.licenses = new Set(licenses);
    this.sessions = new SessionTable(flavour.sessions.limit, flavour.sessions.defaultTimeoutSeconds);
    this.tasks = new TaskTable(flavour.tasks.managerJobs ? (n) => `JID_${String(700_000_000_000 + n)}` : (n) => String(n));
    this.serverListener = server.onEvent((event) => this.onServerEvent(event));
  }

  /** The fault target of this BMC in the FaultPlan. */
  get faultTarget(): string {
    return `bmc:${this.name}`;
  }

  get systemPath(): string {
    return `/redfish/v1/Systems/${this.flavour.ids.system}`;
  }

  get chassisPath(): string {
    return `/redfish/v1/Chassis/${this.flavour.ids.chassis}`;
  }

  get managerPath(): string {
    return `/redfish/v1/Managers/${this.flavour.ids.manager}`;
  }

  taskPath(id: string): string {
    return this.flavour.tasks.managerJobs ? `${this.managerPath}/Jobs/${id}` : `/redfish/v1/TaskService/Tasks/${id}`;
  }

  taskMonitorPath(id: string): string {
    if (this.flavour.tasks.managerJobs) return `${this.managerPath}/Jobs/${id}`;
    return this.flavour.tasks.monitor === 'task-subpath' ? `/redfish/v1/TaskService/Tasks/${id}/Monitor` : `/redfish/v1/TaskService/TaskMonitors/${id}`;
  }

  dispose(): void {
    this.serverListener.dispose();
    for (const client of [...(this.sseClients ?? [])]) client.close();
  }

  publish(message: RedfishMessage, origin: string): void {
    const event: BmcEvent = { id: this.nextEventId++, atMs: this.clock.now(), message, origin };
    for (const client of [...(this.sseClients ?? [])]) client.send(event);
    for (const subscription of this.subscriptions ?? []) void deliver(this, subscription, event);
  }

  /** The server POSTs or changes power: settings wait for this (apply at reset), events go out. */
  private onServerEvent(event: ServerEvent): void {
    if (event.type === 'booted') {
      this.applyAtReset();
    } else if (event.type === 'sensor') {
      if (this.shared.registries.has('SensorEvent')) this.publish(sensorMessage(this.book, event.reading, event.crossing), `${this.chassisPath}/Sensors/${event.reading.spec.id}`);
    } else if (event.type === 'power') {
      const kind = { On: 'ResourcePoweredOn', Off: 'ResourcePoweredOff', PoweringOn: 'ResourcePoweringOn', PoweringOff: 'ResourcePoweringOff' }[event.to];
      if (this.shared.registries.has('ResourceEvent')) this.publish(this.book.make(`ResourceEvent.${kind}`, [this.flavour.ids.system]), this.systemPath);
      if (event.to === 'On') this.finishResetTasks();
      if (event.to === 'Off' && this.restartAfterOff) {
        this.restartAfterOff = false;
        this.server.powerAction('on');
      }
    }
  }

  /** Pending BIOS settings and OnReset volume changes take effect as POST begins. */
  private applyAtReset(): void {
    const jobs = this.tasks.waitingForReset();
    const biosByJob = this.flavour.bios.apply === 'job';
    const biosJob = jobs.find((t) => t.name.startsWith('Configure: BIOS'));
    if (!biosByJob || biosJob) this.applyPendingBios();
    if (this.volumes) {
      this.volumes = this.volumes.filter((v) => v.state !== 'deleting');
      for (const v of this.volumes) if (v.state === 'creating') v.state = 'ready';
    }
    for (const task of jobs) {
      task.state = 'Running';
      task.percent = 50;
    }
  }

  private finishResetTasks(): void {
    for (const task of this.tasks.waitingForReset()) {
      if (task.state !== 'Running') continue;
      completeTask(this, task);
    }
  }

  applyPendingBios(): void {
    const bios = this.bios;
    if (!bios.pending && !bios.resetPending) return;
    if (bios.resetPending) bios.current = undefined;
    const defaults = new Map(this.flavour.bios.attributes.map((a) => [a.name, a.defaultValue] as const));
    for (const [name, value] of bios.pending ?? []) {
      if (defaults.get(name) === value) bios.current?.delete(name);
      else (bios.current ??= new Map()).set(name, value);
    }
    if (bios.current?.size === 0) bios.current = undefined;
    bios.pending = undefined;
    bios.resetPending = false;
    bios.pendingSinceMs = undefined;
  }
}

/** The SensorEvent registry's words for a threshold crossing (DSP8011 SensorEvent 1.1). */
function sensorMessage(book: MessageBook, reading: SensorReading, crossing: SensorCrossing): RedfishMessage {
  const { name, thresholds } = reading.spec;
  const units = SENSOR_UNITS[reading.spec.kind];
  const value = Math.round(crossing.value * 100) / 100;
  if (crossing.to === 'ok') return book.make('SensorEvent.SensorReadingNormalRange', [name, value, units]);
  const upper = crossing.side === 'upper';
  const critical = upper ? thresholds.upperCritical : thresholds.lowerCritical;
  const caution = upper ? thresholds.upperNonCritical : thresholds.lowerNonCritical;
  if (crossing.to === 'critical') return book.make(`SensorEvent.${upper ? 'ReadingAboveUpperCriticalThreshold' : 'ReadingBelowLowerCriticalThreshold'}`, [name, value, units, critical ?? value]);
  if (crossing.from === 'critical') return book.make(`SensorEvent.${upper ? 'ReadingBelowUpperCriticalThreshold' : 'ReadingAboveLowerCriticalThreshold'}`, [name, value, units, critical ?? value]);
  return book.make(`SensorEvent.${upper ? 'ReadingAboveUpperCautionThreshold' : 'ReadingBelowLowerCautionThreshold'}`, [name, value, units, caution ?? value]);
}

export function completeTask(state: BmcState, task: TaskRecord): void {
  task.state = 'Completed';
  task.percent = 100;
  task.endMs = state.clock.now();
  if (state.shared.registries.has('TaskEvent')) task.messages = [state.book.make('TaskEvent.TaskCompletedOK', [task.id])];
}

/** Loopback only: twin traffic must never leave the machine (DESIGN.md "Twin addresses stay on this machine"). */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Pushes an event to a subscriber (POST of an Event to its Destination); failures are dropped, as a BMC drops them after its retries. */
async function deliver(state: BmcState, subscription: Subscription, event: BmcEvent): Promise<void> {
  if (subscription.registryPrefixes.length > 0 && !subscription.registryPrefixes.some((p) => event.message.MessageId.startsWith(`${p}.`))) return;
  try {
    const response = await fetch(subscription.destination, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(eventBody(state, event, subscription.context)),
    });
    await response.arrayBuffer();
  } catch {
    // Delivery failed: the subscriber is unreachable. Real BMCs retry a few times and then drop the event.
  }
}

export function eventBody(state: BmcState, event: BmcEvent, context: string | undefined): Record<string, unknown> {
  const { message } = event;
  return {
    '@odata.type': '#Event.v1_13_0.Event',
    Id: String(event.id),
    Name: 'Event Array',
    ...(context === undefined ? {} : { Context: context }),
    Events: [
      {
        EventId: String(event.id),
        EventTimestamp: new Date(event.atMs).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
        MemberId: '0',
        MessageId: message.MessageId,
        Message: message.Message,
        MessageArgs: message.MessageArgs,
        MessageSeverity: message.MessageSeverity,
        OriginOfCondition: { '@odata.id': event.origin },
      },
    ],
  };
}
