import type { DatagramNetwork, DatagramSocket, Disposable, Endpoint } from '../../sim/index.js';
import { IpmiResponder, type IpmiResponderOptions } from './ipmi-responder.js';

export const IPMI_PORT = 623;

export interface IpmiBmcOptions extends Omit<IpmiResponderOptions, 'name'> {
  /** Real UDP (`UdpNetwork`) for wire fidelity, the `DatagramSwitch` for model fidelity. */
  network: DatagramNetwork;
  /** The BMC's address, e.g. 127.1.1.3. */
  host: string;
  /** Default 623; 0 picks a free port (read it back from `address`). */
  port?: number;
  /** Fault target and socket name; default `bmc:<server name>`. */
  name?: string;
}

/**
 * A simulated IPMI v2.0 BMC listening on a datagram socket: what `ipmitool -I
 * lanplus` and the orchestrator's IPMI driver talk to. `dispose()` closes the
 * socket; the server it manages is the caller's to dispose.
 */
export class IpmiBmc implements Disposable {
  private readonly subscription: Disposable;

  private constructor(
    private readonly socket: DatagramSocket,
    readonly responder: IpmiResponder,
  ) {
    this.subscription = socket.onMessage((data, from) => this.onDatagram(data, from));
  }

  static async start(options: IpmiBmcOptions): Promise<IpmiBmc> {
    const name = options.name ?? `bmc:${options.server.name}`;
    const responder = new IpmiResponder({ ...options, name });
    const socket = await options.network.bind({ host: options.host, port: options.port ?? IPMI_PORT, name });
    return new IpmiBmc(socket, responder);
  }

  get address(): Endpoint {
    return this.socket.local;
  }

  async dispose(): Promise<void> {
    this.subscription.dispose();
    this.responder.resetSessions();
    await this.socket.close();
  }

  private onDatagram(data: Uint8Array, from: Endpoint): void {
    const reply = this.responder.receive(data);
    if (!reply) return;
    // UDP promises nothing; a reply that cannot be sent (the socket closing) is a lost datagram.
    this.socket.send(reply, from).catch(() => undefined);
  }
}
