import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NETWORK_FAULT_KINDS, type Clock, type FaultInjector, type Random } from '../../../sim/index.js';
import { InvalidTwinConfigError } from '../../errors.js';
import type { RedfishReply } from '../exchange.js';
import type { RedfishBmc } from '../redfish-bmc.js';
import { TwinCa } from './twin-ca.js';

export interface RedfishEndpoint {
  readonly bmc: RedfishBmc;
  /** A loopback address: one per BMC (127.1.r.s), or a shared one with distinct ports. */
  readonly host: string;
  /** Default 443; 0 picks a free port. */
  readonly port?: number;
}

export interface ServeRedfishOptions {
  readonly endpoints: readonly RedfishEndpoint[];
  readonly clock: Clock;
  /** Draws the CA's serials and latency jitter. */
  readonly random: Random;
  /** Network faults (`latency`, `error`, `reset`, `drop`) aimed at `bmc:<name>`, applied on the socket as the in-process network applies them in model fidelity. */
  readonly faults?: FaultInjector;
  /** Reuse a CA (e.g. one per twin); default: a new one. */
  readonly ca?: TwinCa;
  /** Request bodies above this are refused with 413. Default 1 MiB. */
  readonly maxBodyBytes?: number;
}

export interface ServedRedfishBmc {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** `https://127.1.0.1` (or with `:port` when not 443). */
  readonly url: string;
}

export interface RedfishHttpsHost {
  readonly ca: TwinCa;
  readonly endpoints: readonly ServedRedfishBmc[];
  /** Closes every listener and connection (the side effect's undo). */
  dispose(): Promise<void>;
}

const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * Serves simulated BMCs over real HTTPS (wire fidelity): one node:https server per
 * endpoint, certificates from the twin CA, keep-alive on. Listens on loopback only.
 */
export async function serveRedfishHttps(options: ServeRedfishOptions): Promise<RedfishHttpsHost> {
  const seen = new Set<string>();
  options.endpoints.forEach((e, i) => {
    if (!LOOPBACK.test(e.host) && e.host !== 'localhost') throw new InvalidTwinConfigError(`endpoints[${i}].host: ${e.host} is not a loopback address — twin BMCs listen on 127.0.0.0/8 only`);
    const key = `${e.host}:${e.port ?? 443}`;
    if ((e.port ?? 443) !== 0 && seen.has(key)) throw new InvalidTwinConfigError(`endpoints[${i}]: ${key} is used twice — give each BMC its own address or port`);
    seen.add(key);
  });
  const ca = options.ca ?? new TwinCa(options.clock, options.random.fork('tls'));
  const jitter = options.random.fork('wire-jitter');
  const servers: Server[] = [];
  const served: ServedRedfishBmc[] = [];
  const dispose = async (): Promise<void> => {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  };
  try {
    for (const endpoint of options.endpoints) {
      const { certPem, keyPem } = ca.serverCertificate(endpoint.host);
      const server = createServer({ cert: certPem, key: keyPem, keepAlive: true }, (req, res) => {
        void serve(endpoint.bmc, req, res, options, jitter);
      });
      server.keepAliveTimeout = 60_000;
      servers.push(server);
      // once() rejects with the server's 'error' (a port in use) instead of waiting for 'listening'.
      server.listen(endpoint.port ?? 443, endpoint.host);
      await once(server, 'listening');
      const port = (server.address() as AddressInfo).port;
      served.push({ name: endpoint.bmc.name, host: endpoint.host, port, url: `https://${endpoint.host}${port === 443 ? '' : `:${port}`}` });
    }
  } catch (error) {
    await dispose();
    throw new InvalidTwinConfigError(`Failed to serve Redfish BMCs: ${(error as Error).message} — use free loopback addresses/ports (port 443 needs root or CAP_NET_BIND_SERVICE)`);
  }
  return { ca, endpoints: served, dispose };
}

async function serve(bmc: RedfishBmc, req: IncomingMessage, res: ServerResponse, options: ServeRedfishOptions, jitter: Random): Promise<void> {
  const struck = options.faults?.strikes(`bmc:${bmc.name}`, NETWORK_FAULT_KINDS) ?? [];
  let delayMs = 0;
  for (const fault of struck) {
    if (fault.kind === 'latency') delayMs += Math.max(0, fault.latencyMs + (fault.jitterMs ? (jitter.float() * 2 - 1) * fault.jitterMs : 0));
  }
  const outcome = struck.find((f) => f.kind !== 'latency');
  const body = await readBody(req, options.maxBodyBytes ?? 1 << 20);
  if (delayMs > 0) await options.clock.sleep(delayMs);
  if (outcome?.kind === 'reset') return void req.socket.destroy();
  if (outcome?.kind === 'drop') return; // never answered; the client's timeout fires, dispose() closes the socket
  if (outcome?.kind === 'error') {
    res.writeHead(outcome.status, { 'Content-Type': 'text/plain' });
    return void res.end(`Injected fault ${outcome.id}`);
  }
  if (body === undefined) {
    res.writeHead(413, { 'Content-Type': 'text/plain', Connection: 'close' });
    return void res.end('Request body too large');
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const reply = await bmc.handle({
    method: req.method ?? 'GET',
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    header: (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    body,
  });
  write(reply, req, res);
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD') {
    req.resume();
    return Promise.resolve('');
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

function write(reply: RedfishReply, req: IncomingMessage, res: ServerResponse): void {
  if (reply.stream) {
    res.writeHead(reply.status, reply.headers);
    res.flushHeaders();
    const subscription = reply.stream.open(
      (chunk) => void res.write(chunk),
      () => void res.end(),
    );
    req.on('close', () => void subscription.dispose());
    return;
  }
  const body = reply.body;
  if (body === undefined || reply.status === 204 || reply.status === 304) {
    res.writeHead(reply.status, reply.headers);
    return void res.end();
  }
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
