import type { Clock } from '../clock/clock.js';
import type { Disposable } from '../disposable.js';
import { SimError } from '../errors.js';
import { NETWORK_FAULT_KINDS, type Fault } from '../faults/fault-plan.js';
import type { FaultInjector, FaultObserver } from '../faults/fault-injector.js';
import type { Random } from '../random/random.js';
import { checkEndpoint, formatAddress, type Endpoint } from './address.js';
import type { BindOptions, DatagramListener, DatagramNetwork, DatagramSocket } from './datagram.js';
import { injectedLatencyMs } from './latency.js';
import { NetworkError } from './network-error.js';

export interface DatagramSwitchOptions {
  clock: Clock;
  /** Draws latency jitter. */
  random: Random;
  faults?: FaultInjector;
  trace?: FaultObserver;
}

const EPHEMERAL_FIRST = 49_152;
const EPHEMERAL_LAST = 65_535;

/**
 * UDP without sockets for model fidelity. Every datagram is delivered through
 * the injected clock, so delivery order is deterministic: by arrival time, then
 * by send order. Ephemeral ports are handed out in order from 49152.
 *
 * Faults are looked up for the sender and the receiver (their names and
 * `addr:HOST:PORT`): `latency` delays delivery by latencyMs ± jitterMs;
 * `drop` and `reset` lose the datagram silently, as UDP would; `error`
 * does not apply to datagrams. Sending to an address no socket is bound to
 * fails with ECONNREFUSED: in the twin that is a wiring bug, not a lost packet.
 */
export class DatagramSwitch implements DatagramNetwork, Disposable {
  private readonly clock: Clock;
  private readonly jitter: Random;
  private readonly faults: FaultInjector | undefined;
  private readonly trace: FaultObserver | undefined;
  private readonly sockets = new Map<string, SwitchSocket>();
  private readonly nextEphemeral = new Map<string, number>();
  private nextDatagram = 1;

  constructor(options: DatagramSwitchOptions) {
    this.clock = options.clock;
    this.jitter = options.random.fork('udp-jitter');
    this.faults = options.faults;
    this.trace = options.trace;
  }

  async bind(options: BindOptions): Promise<DatagramSocket> {
    const host = options.host.toLowerCase();
    const port = options.port ? options.port : this.ephemeralPort(host);
    const local = { host, port };
    checkEndpoint(local, 'bind');
    const key = formatAddress(local);
    if (this.sockets.has(key)) {
      throw new SimError('ADDRESS_IN_USE', `Failed to bind ${key}: the address is already in use — close the other socket or pick another port`);
    }
    const socket = new SwitchSocket(this, local, options.name ?? `addr:${key}`);
    this.sockets.set(key, socket);
    return socket;
  }

  /** Closes every socket; datagrams in flight are lost. */
  dispose(): void {
    for (const socket of [...this.sockets.values()]) socket.detach();
  }

  /** @internal used by sockets */
  route(from: SwitchSocket, data: Uint8Array, to: Endpoint): void {
    checkEndpoint(to, 'to');
    const key = formatAddress({ host: to.host.toLowerCase(), port: to.port });
    const target = this.sockets.get(key);
    const id = this.nextDatagram++;
    if (!target) {
      this.trace?.record('net', 'udp.refused', { id, from: formatAddress(from.local), to: key });
      throw new NetworkError('ECONNREFUSED', `Failed to send to ${key}: no socket is bound there in the in-process network — bind one first`);
    }
    const struck = this.strikes(from, target);
    const lost = struck.find((f) => f.kind === 'drop' || f.kind === 'reset');
    this.trace?.record('net', 'udp.send', { id, from: formatAddress(from.local), to: key, bytes: data.byteLength });
    if (lost) {
      this.trace?.record('net', 'udp.dropped', { id, fault: lost.id });
      return;
    }
    const copy = data.slice();
    this.clock.setTimeout(() => {
      if (this.sockets.get(key) !== target) {
        this.trace?.record('net', 'udp.lost', { id, reason: 'receiver closed' });
        return;
      }
      this.trace?.record('net', 'udp.deliver', { id });
      target.deliver(copy, from.local);
    }, injectedLatencyMs(struck, this.jitter));
  }

  /** @internal used by sockets */
  unbind(socket: SwitchSocket): void {
    const key = formatAddress(socket.local);
    if (this.sockets.get(key) === socket) this.sockets.delete(key);
  }

  private strikes(from: SwitchSocket, to: SwitchSocket): Fault[] {
    if (!this.faults) return [];
    const targets = new Set([to.name, `addr:${formatAddress(to.local)}`, from.name, `addr:${formatAddress(from.local)}`]);
    return [...targets].flatMap((target) => this.faults!.strikes(target, NETWORK_FAULT_KINDS));
  }

  private ephemeralPort(host: string): number {
    let port = this.nextEphemeral.get(host) ?? EPHEMERAL_FIRST;
    for (let tries = 0; tries <= EPHEMERAL_LAST - EPHEMERAL_FIRST; tries++) {
      const candidate = port;
      port = port === EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1;
      if (!this.sockets.has(formatAddress({ host, port: candidate }))) {
        this.nextEphemeral.set(host, port);
        return candidate;
      }
    }
    throw new SimError('ADDRESS_IN_USE', `Failed to bind ${host}: every ephemeral port is in use — close some sockets`);
  }
}

class SwitchSocket implements DatagramSocket {
  private readonly listeners = new Set<DatagramListener>();
  private closed = false;

  constructor(
    private readonly network: DatagramSwitch,
    readonly local: Endpoint,
    readonly name: string,
  ) {}

  async send(data: Uint8Array, to: Endpoint): Promise<void> {
    if (this.closed) throw new SimError('NETWORK_CLOSED', `Failed to send from ${formatAddress(this.local)}: the socket is closed`);
    this.network.route(this, data, to);
  }

  onMessage(listener: DatagramListener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  async close(): Promise<void> {
    this.detach();
  }

  detach(): void {
    this.closed = true;
    this.listeners.clear();
    this.network.unbind(this);
  }

  deliver(data: Uint8Array, from: Endpoint): void {
    for (const listener of [...this.listeners]) listener(data, from);
  }
}
