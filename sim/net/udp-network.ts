import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Disposable } from '../disposable.js';
import { checkEndpoint, type Endpoint } from './address.js';
import type { BindOptions, DatagramListener, DatagramNetwork, DatagramSocket } from './datagram.js';

/** Real UDP sockets (Node's `dgram`), for wire and container fidelity. */
export class UdpNetwork implements DatagramNetwork {
  async bind(options: BindOptions): Promise<DatagramSocket> {
    checkEndpoint({ host: options.host, port: options.port ?? 0 }, 'bind');
    const socket = createSocket({ type: isIP(options.host) === 6 ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: options.host, port: options.port ?? 0, exclusive: true }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new UdpSocket(socket);
  }
}

class UdpSocket implements DatagramSocket {
  readonly local: Endpoint;

  constructor(private readonly socket: Socket) {
    const { address, port } = socket.address();
    this.local = { host: address, port };
  }

  send(data: Uint8Array, to: Endpoint): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.send(data, to.port, to.host, (error) => (error ? reject(error) : resolve()));
    });
  }

  onMessage(listener: DatagramListener): Disposable {
    const onMessage = (msg: Buffer, rinfo: { address: string; port: number }): void =>
      listener(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), { host: rinfo.address, port: rinfo.port });
    this.socket.on('message', onMessage);
    return { dispose: () => void this.socket.off('message', onMessage) };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
