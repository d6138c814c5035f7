import type { Clock, Disposable, FaultInjector, Random, TimerHandle } from '../../sim/index.js';
import { InvalidTwinConfigError, TwinStateError } from '../errors.js';
import { EventLog, type LogEntry, type LogEventKind, type SensorCrossing } from './event-log.js';
import { checkServerIdentity, type ServerIdentity } from './identity.js';
import { checkPowerTimings, POWER_TIMING_PROFILES, type DurationRange, type PowerTimings } from './power-timings.js';
import { checkSensorSpecs, DEFAULT_SENSORS, SensorModel, type SensorReading, type SensorSpec } from './sensors.js';

/**
 * Power as the BMC sees it. PoweringOn is POST (power is on, the OS is not up
 * yet); PoweringOff is an ACPI soft-off in progress (power still on).
 */
export type PowerState = 'Off' | 'PoweringOn' | 'On' | 'PoweringOff';

/** What a BMC can ask of the chassis (IPMI Chassis Control, Redfish ComputerSystem.Reset). */
export type PowerAction = 'on' | 'off' | 'soft-off' | 'cycle' | 'hard-reset';

/** `done`: the action took (or started); `no-op`: the server was already there. */
export type PowerActionOutcome = 'done' | 'no-op';

export type BootDevice = 'None' | 'Pxe' | 'Hdd' | 'Cd' | 'BiosSetup';
export type BootMode = 'Uefi' | 'Legacy';
export type BootPersistence = 'Once' | 'Persistent';

export interface BootOverride {
  readonly device: BootDevice;
  readonly mode: BootMode;
  readonly persistence: BootPersistence;
}

/** What the firmware booted from when POST began. */
export interface BootRecord {
  readonly atMs: number;
  /** `None`: no override, the normal boot order. */
  readonly device: BootDevice;
  readonly mode: BootMode;
}

export interface IdentifyState {
  readonly on: boolean;
  /** When a timed identify goes dark; undefined when off or on until told otherwise. */
  readonly untilMs: number | undefined;
}

export type ServerEvent =
  | { readonly type: 'power'; readonly atMs: number; readonly from: PowerState; readonly to: PowerState }
  | { readonly type: 'boot-override'; readonly atMs: number; readonly override: BootOverride }
  | { readonly type: 'booted'; readonly atMs: number; readonly boot: BootRecord }
  | { readonly type: 'identify'; readonly atMs: number; readonly identify: IdentifyState }
  /** The BMC inserted (image) or ejected (undefined) virtual media in a CD/DVD drive the host sees. */
  | { readonly type: 'virtual-media'; readonly atMs: number; readonly image: string | undefined }
  | { readonly type: 'log'; readonly atMs: number; readonly entry: LogEntry }
  /** A sensor crossed a threshold (or came back): what alert events are made of. */
  | { readonly type: 'sensor'; readonly atMs: number; readonly reading: SensorReading; readonly crossing: SensorCrossing };

export type ServerListener = (event: ServerEvent) => void;

export interface SimulatedServerOptions {
  /**
   * The server's name. Its fault target is the name when that already reads
   * KIND:NAME (`node:r1-s3`), else `node:<name>`: `power-on-ignored`,
   * `post-hang` and `sensor-excursion` strike it.
   */
  name: string;
  identity: ServerIdentity;
  clock: Clock;
  /** The server forks its own streams from it (`power`, `sensor:<id>`). */
  random: Random;
  faults?: FaultInjector;
  /** Default: the `fast` profile. */
  timings?: PowerTimings;
  /** Default: DEFAULT_SENSORS. */
  sensors?: readonly SensorSpec[];
  /** Default: Off. `On` starts the server up already booted, without logging. */
  initialPower?: 'On' | 'Off';
  /** Default: 512 entries. */
  eventLogCapacity?: number;
}

const NO_OVERRIDE: BootOverride = { device: 'None', mode: 'Uefi', persistence: 'Once' };

/**
 * One simulated server as its BMC sees it: power, boot override, identify LED,
 * sensors and the event log. The IPMI and Redfish sides of a BMC share one
 * instance, and subscribers (the visualizer) hear every change.
 *
 * Power actions are accepted at once and complete on the clock: POST time and
 * soft-off time are drawn from the seeded Random within `timings`. A cycle or a
 * hard reset of a server that is off is refused (TwinStateError), as the IPMI
 * spec recommends; powering on what is on, or off what is off, is a no-op.
 */
export class SimulatedServer implements Disposable {
  readonly name: string;
  readonly identity: ServerIdentity;
  private readonly clock: Clock;
  private readonly powerRandom: Random;
  private readonly faults: FaultInjector | undefined;
  private readonly timings: PowerTimings;
  private readonly sensorModels: SensorModel[];
  private readonly log: EventLog;
  private readonly listeners = new Set<ServerListener>();
  private powerState: PowerState;
  private override: BootOverride = NO_OVERRIDE;
  private lastBootRecord: BootRecord | undefined;
  private identifyState: IdentifyState = { on: false, untilMs: undefined };
  private mediaImage: string | undefined;
  private powerTimer: TimerHandle | undefined;
  private identifyTimer: TimerHandle | undefined;
  private disposed = false;
  /** Where fault plans aim at this server. */
  readonly faultTarget: string;
  /** Each sensor's status as last reported, so only crossings are logged. */
  private readonly sensorStatus = new Map<string, { status: SensorCrossing['to']; side: SensorCrossing['side'] }>();
  private readonly faultSubscription: Disposable | undefined;

  constructor(options: SimulatedServerOptions) {
    if (typeof options.name !== 'string' || options.name === '') throw new InvalidTwinConfigError('name: is empty — give the server a name, e.g. node:r1-s3');
    this.name = options.name;
    this.identity = checkServerIdentity(options.identity);
    this.clock = options.clock;
    this.faults = options.faults;
    this.timings = checkPowerTimings(options.timings ?? POWER_TIMING_PROFILES.fast);
    const capacity = options.eventLogCapacity ?? 512;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 0xfffe) {
      throw new InvalidTwinConfigError(`eventLogCapacity: ${capacity} is out of range — use 1 to 65534 entries`);
    }
    this.log = new EventLog(capacity);
    this.powerRandom = options.random.fork('power');
    this.powerState = options.initialPower === 'On' ? 'On' : 'Off';
    const now = this.clock.now();
    this.sensorModels = checkSensorSpecs(options.sensors ?? DEFAULT_SENSORS).map(
      (spec) => new SensorModel(spec, options.random.fork(`sensor:${spec.id}`), now, this.isPowered()),
    );
    this.faultTarget = /^[a-z][a-z0-9-]*:/.test(this.name) ? this.name : `node:${this.name}`;
    this.faultSubscription = this.faults?.onScheduled(this.faultTarget, (fault, phase) => {
      if (fault.kind === 'sensor-excursion') this.sensorExcursion(fault.id, fault.params, phase);
    });
  }

  get power(): PowerState {
    return this.powerState;
  }

  /** True whenever the chassis has power: PoweringOn, On, PoweringOff. */
  isPowered(): boolean {
    return this.powerState !== 'Off';
  }

  get bootOverride(): BootOverride {
    return this.override;
  }

  get lastBoot(): BootRecord | undefined {
    return this.lastBootRecord;
  }

  get identify(): IdentifyState {
    return this.identifyState;
  }

  onEvent(listener: ServerListener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  powerAction(action: PowerAction): PowerActionOutcome {
    this.checkAlive();
    switch (action) {
      case 'on':
        if (this.powerState !== 'Off') return 'no-op';
        if (this.faults?.strike(this.faultTarget, ['power-on-ignored'])) return 'done';
        this.cancelPowerTimer(); // a pending cycle's power-on is this one
        this.log.append('power-on', this.clock.now());
        this.emitLog();
        this.startPost();
        return 'done';
      case 'off':
        if (this.powerState === 'Off') {
          const cancelled = this.powerTimer !== undefined;
          this.cancelPowerTimer();
          return cancelled ? 'done' : 'no-op';
        }
        this.cutPower('power-off');
        return 'done';
      case 'soft-off':
        if (this.powerState === 'Off' || this.powerState === 'PoweringOff') return 'no-op';
        this.setPower('PoweringOff');
        this.schedulePower(this.draw(this.timings.softOffMs), () => this.cutPower('soft-off'));
        return 'done';
      case 'cycle':
        this.requirePower(action);
        this.cutPower('power-cycle');
        this.schedulePower(this.timings.cycleOffMs, () => {
          this.log.append('power-on', this.clock.now());
          this.emitLog();
          this.startPost();
        });
        return 'done';
      case 'hard-reset':
        this.requirePower(action);
        this.appendLog('hard-reset');
        this.startPost();
        return 'done';
    }
  }

  setBootOverride(override: BootOverride): void {
    this.checkAlive();
    this.override = override.device === 'None' ? { ...NO_OVERRIDE, mode: override.mode } : { ...override };
    this.emit({ type: 'boot-override', atMs: this.clock.now(), override: this.override });
  }

  /** The image in the virtual CD drive the BMC presents to the host, if any. */
  get virtualCd(): string | undefined {
    return this.mediaImage;
  }

  /** The BMC's virtual media, as the host sees it: a CD with `image` in it, or an empty drive. */
  setVirtualCd(image: string | undefined): void {
    this.checkAlive();
    if (image === this.mediaImage) return;
    this.mediaImage = image;
    this.emit({ type: 'virtual-media', atMs: this.clock.now(), image });
  }

  /**
   * Lights the identify LED for `durationMs`, or until told otherwise with
   * `'indefinite'`; 0 turns it off.
   */
  setIdentify(duration: number | 'indefinite'): void {
    this.checkAlive();
    this.clock.clearTimeout(this.identifyTimer);
    this.identifyTimer = undefined;
    if (duration === 0) {
      this.identifyState = { on: false, untilMs: undefined };
    } else if (duration === 'indefinite') {
      this.identifyState = { on: true, untilMs: undefined };
    } else {
      if (!Number.isFinite(duration) || duration < 0) throw new InvalidTwinConfigError(`duration: ${duration} is not a duration — use ms ≥ 0 or 'indefinite'`);
      this.identifyState = { on: true, untilMs: this.clock.now() + duration };
      this.identifyTimer = this.clock.setTimeout(() => {
        this.identifyTimer = undefined;
        this.identifyState = { on: false, untilMs: undefined };
        this.emit({ type: 'identify', atMs: this.clock.now(), identify: this.identifyState });
      }, duration);
    }
    this.emit({ type: 'identify', atMs: this.clock.now(), identify: this.identifyState });
  }

  get sensorSpecs(): readonly SensorSpec[] {
    return this.sensorModels.map((m) => m.spec);
  }

  /** Every sensor's reading now, in spec order. */
  readSensors(): SensorReading[] {
    this.settleSensors();
    return this.sensorModels.map((m) => m.read(this.isPowered()));
  }

  readSensor(id: string): SensorReading | undefined {
    const model = this.sensorModels.find((m) => m.spec.id === id);
    if (!model) return undefined;
    model.advance(this.clock.now(), this.isPowered());
    return model.read(this.isPowered());
  }

  get eventLog(): readonly LogEntry[] {
    return this.log.list();
  }

  eventLogInfo(): ReturnType<EventLog['info']> {
    return this.log.info();
  }

  clearEventLog(): void {
    this.checkAlive();
    this.log.clear(this.clock.now());
    this.emitLog();
  }

  /** Stops the server's timers; it takes no more actions. */
  dispose(): void {
    this.disposed = true;
    this.cancelPowerTimer();
    this.clock.clearTimeout(this.identifyTimer);
    this.identifyTimer = undefined;
    void this.faultSubscription?.dispose();
    this.listeners.clear();
  }

  private startPost(): void {
    const boot: BootRecord = { atMs: this.clock.now(), device: this.override.device, mode: this.override.mode };
    this.setPower('PoweringOn');
    this.lastBootRecord = boot;
    this.emit({ type: 'booted', atMs: boot.atMs, boot });
    if (this.override.persistence === 'Once' && this.override.device !== 'None') this.setBootOverride({ ...NO_OVERRIDE, mode: this.override.mode });
    if (this.faults?.strike(this.faultTarget, ['post-hang'])) return; // stays in POST until reset or power off
    this.schedulePower(this.draw(this.timings.postMs), () => this.setPower('On'));
  }

  private cutPower(kind: LogEventKind): void {
    this.cancelPowerTimer();
    this.appendLog(kind);
    this.setPower('Off');
  }

  private requirePower(action: PowerAction): void {
    if (this.powerState === 'Off') {
      throw new TwinStateError(this.name, `Failed to ${action === 'cycle' ? 'power-cycle' : 'hard-reset'} ${this.name}: it is powered off — power it on instead`);
    }
  }

  private setPower(to: PowerState): void {
    const from = this.powerState;
    if (from === to) return;
    this.settleSensors();
    this.powerState = to;
    this.emit({ type: 'power', atMs: this.clock.now(), from, to });
  }

  private schedulePower(delayMs: number, then: () => void): void {
    this.cancelPowerTimer();
    this.powerTimer = this.clock.setTimeout(() => {
      this.powerTimer = undefined;
      then();
    }, delayMs);
  }

  private cancelPowerTimer(): void {
    this.clock.clearTimeout(this.powerTimer);
    this.powerTimer = undefined;
  }

  private draw(range: DurationRange): number {
    return range.minMs === range.maxMs ? range.minMs : this.powerRandom.int(Math.round(range.minMs), Math.round(range.maxMs));
  }

  private settleSensors(): void {
    const now = this.clock.now();
    const powered = this.isPowered();
    for (const model of this.sensorModels) model.advance(now, powered);
  }

  /**
   * A `sensor-excursion` fault forces one sensor's reading for its window. The
   * crossing it causes (and the return at its end) is logged and announced, as
   * a BMC's threshold events are.
   */
  private sensorExcursion(faultId: string, params: Readonly<Record<string, string | number | boolean>> | undefined, phase: 'start' | 'end'): void {
    const sensor = params?.sensor;
    const value = params?.value;
    const model = this.sensorModels.find((m) => m.spec.id === sensor);
    if (!model || typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidTwinConfigError(
        `faults.${faultId}.params: ${JSON.stringify(params ?? {})} does not name a sensor of ${this.name} and a reading — write params: { sensor: ${this.sensorModels[0]?.spec.id ?? 'cpu1-temp'}, value: 97 }`,
      );
    }
    this.settleSensors();
    model.excursion = phase === 'start' ? value : undefined;
    const reading = model.read(this.isPowered());
    if (reading.status === 'unavailable' || reading.value === undefined) return;
    const from = this.sensorStatus.get(model.spec.id)?.status ?? 'ok';
    if (reading.status === from) return;
    const t = model.spec.thresholds;
    const upper = t.upperNonCritical ?? t.upperCritical;
    // Back to normal keeps the side it left from; otherwise the side the reading is on.
    const side = reading.status === 'ok' ? (this.sensorStatus.get(model.spec.id)?.side ?? 'upper') : upper !== undefined && reading.value >= upper ? 'upper' : 'lower';
    this.sensorStatus.set(model.spec.id, { status: reading.status, side });
    const crossing: SensorCrossing = { sensor: model.spec.id, from, to: reading.status, value: reading.value, side };
    this.log.append('sensor-threshold', this.clock.now(), crossing);
    this.emitLog();
    this.emit({ type: 'sensor', atMs: this.clock.now(), reading, crossing });
  }

  private appendLog(kind: LogEventKind): void {
    this.log.append(kind, this.clock.now());
    this.emitLog();
  }

  private emitLog(): void {
    const entry = this.log.list().at(-1);
    if (entry) this.emit({ type: 'log', atMs: entry.atMs, entry });
  }

  private emit(event: ServerEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private checkAlive(): void {
    if (this.disposed) throw new TwinStateError(this.name, `Failed to act on ${this.name}: the server is disposed`);
  }
}
