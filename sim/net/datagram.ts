import type { Disposable } from '../disposable.js';
import type { Endpoint } from './address.js';

export type DatagramListener = (data: Uint8Array, from: Endpoint) => void;

/** A bound UDP-like socket: the shape IPMI speaks over, real or simulated. */
export interface DatagramSocket {
  readonly local: Endpoint;
  /** Resolves once the datagram is handed to the network (not delivered: UDP promises nothing). */
  send(data: Uint8Array, to: Endpoint): Promise<void>;
  onMessage(listener: DatagramListener): Disposable;
  close(): Promise<void>;
}

export interface BindOptions {
  host: string;
  /** 0 or absent: an ephemeral port. */
  port?: number;
  /** The component's name, used as a fault target (`bmc:r1-s3`) and in traces. */
  name?: string;
}

/** Where datagram sockets come from: Node's `dgram` for real, the switch in model fidelity. */
export interface DatagramNetwork {
  bind(options: BindOptions): Promise<DatagramSocket>;
}
