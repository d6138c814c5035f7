import type { BmcDriver, HardwareInventoryReader } from '../drivers/bmc-driver.js';
import { IpmiDriver } from '../drivers/ipmi/index.js';
import { RedfishDriver, type HttpTransport, type RedfishLog } from '../drivers/redfish/index.js';
import type { BmcCredentials } from '../credentials/index.js';
import type { Clock } from '../ports/clock.js';
import type { DatagramTransport } from '../ports/datagram.js';
import type { Random } from '../ports/random.js';

/** One BMC to open a driver for. */
export interface DriverTarget {
  readonly host: string;
  readonly port: number;
  readonly credentials: BmcCredentials;
  /** Per request (the driver's own retries fit inside the caller's deadline). */
  readonly requestTimeoutMs: number;
}

/**
 * The port through which discovery and node control get drivers. Model
 * fidelity passes in-process transports (the in-process HTTP network, the
 * datagram switch); production passes sockets. Nothing else differs.
 */
export interface BmcDriverFactory {
  redfish(target: DriverTarget): BmcDriver & HardwareInventoryReader;
  ipmi(target: DriverTarget): BmcDriver;
}

export interface StandardDriverFactoryOptions {
  readonly clock: Clock;
  readonly random: Random;
  /** A fresh HTTP transport per Redfish driver (each keeps its own pool and TLS trust). */
  readonly httpTransport: (target: DriverTarget) => HttpTransport;
  readonly datagram: DatagramTransport;
  /** Local address IPMI sockets bind to (the datagram switch wants a loopback one). */
  readonly ipmiLocalHost?: string;
  readonly log?: RedfishLog;
}

/** Redfish answers over https; a port other than 443 is kept in the URL. */
function redfishEndpoint(host: string, port: number): string {
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return port === 443 ? `https://${bracketed}` : `https://${bracketed}:${port}`;
}

/** Builds the real drivers over whatever transports it is given. */
export function standardDriverFactory(options: StandardDriverFactoryOptions): BmcDriverFactory {
  let opened = 0;
  return {
    redfish: (target) =>
      new RedfishDriver({
        endpoint: redfishEndpoint(target.host, target.port),
        credentials: { username: target.credentials.username, password: target.credentials.reveal() },
        clock: options.clock,
        random: options.random.fork(`redfish:${target.host}:${target.port}:${opened++}`),
        timeoutMs: target.requestTimeoutMs,
        transport: options.httpTransport(target),
        // Discovery would rather move on to IPMI than wait out a long back-off.
        retryAttempts: 2,
        retryBaseDelayMs: 500,
        ...(options.log ? { log: options.log } : {}),
      }),
    ipmi: (target) =>
      new IpmiDriver({
        host: target.host,
        port: target.port,
        username: target.credentials.username,
        password: target.credentials.reveal(),
        transport: options.datagram,
        clock: options.clock,
        random: options.random.fork(`ipmi:${target.host}:${target.port}:${opened++}`),
        timeoutMs: target.requestTimeoutMs,
        retries: 2,
        ...(options.ipmiLocalHost ? { localHost: options.ipmiLocalHost } : {}),
      }),
  };
}
