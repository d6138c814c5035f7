/** A UDP peer address. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export interface Subscription {
  dispose(): void | Promise<void>;
}

/** A bound UDP socket, real (Node's dgram) or simulated. */
export interface DatagramSocket {
  readonly local: Endpoint;
  send(data: Uint8Array, to: Endpoint): Promise<void>;
  onMessage(listener: (data: Uint8Array, from: Endpoint) => void): Subscription;
  close(): Promise<void>;
}

/** Where the IPMI driver gets its sockets. */
export interface DatagramTransport {
  bind(options: { host: string; port?: number; name?: string }): Promise<DatagramSocket>;
}
