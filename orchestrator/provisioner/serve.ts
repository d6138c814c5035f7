import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface ServeProvisionerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly handle: (request: Request) => Promise<Response>;
  /** Where unexpected errors go (the machine only hears "internal error"). */
  readonly onInternalError: (error: unknown) => void;
  /** Served as `B/images/…` (kernels, initrds, the virtual-media ISO) when given; real hardware needs them, the twin does not. */
  readonly imagesDir?: string;
}

export interface RunningProvisioner {
  /** The base URL `B` as bound here (machines may know it by another address). */
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A file under `imagesDir` streamed as is, or false when the request is not for one (the handler answers). */
async function image(req: IncomingMessage, res: ServerResponse, imagesDir: string): Promise<boolean> {
  const path = new URL(req.url ?? '/', 'http://boot').pathname;
  if (!path.startsWith('/images/') || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const root = resolve(imagesDir);
  let file: string;
  try {
    file = resolve(join(root, decodeURIComponent(path.slice('/images/'.length))));
  } catch {
    return false;
  }
  // resolve() folds any ../ first, so a path that leaves the folder is caught here.
  if (!file.startsWith(root + sep)) return false;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(info.size) });
  if (req.method === 'HEAD') res.end();
  else {
    // A machine that hangs up mid-download (a reset, iPXE giving up) is no fault of ours.
    await pipeline(createReadStream(file), res).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    });
  }
  return true;
}

async function answer(req: IncomingMessage, res: ServerResponse, base: string, options: ServeProvisionerOptions): Promise<void> {
  if (options.imagesDir !== undefined && (await image(req, res, options.imagesDir))) return;
  const body = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
  if (body === undefined) {
    res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ problem: `the body is over ${MAX_BODY_BYTES} bytes`, fix: 'send the facts the discovery image sees, not more' }));
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
  const request = new Request(new URL(req.url ?? '/', base), { method: req.method ?? 'GET', headers, ...(body.length > 0 ? { body } : {}) });
  const response = await options.handle(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

/**
 * The boot server on a real socket: plain HTTP, as network boot is everywhere
 * (docs/provisioning.md "Boot server"). Returns the bound URL and its undo.
 */
export async function serveProvisioner(options: ServeProvisionerOptions): Promise<RunningProvisioner> {
  const host = isIP(options.host) === 6 ? `[${options.host}]` : options.host;
  let base = '';
  const server = createServer((req, res) => {
    answer(req, res, base, options).catch((error: unknown) => {
      options.onInternalError(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ problem: 'internal error', fix: 'see the orchestrator log' }));
    });
  });
  // once() rejects with the server's 'error' (a port in use) instead of waiting for 'listening'.
  server.listen(options.port, options.host);
  await once(server, 'listening');
  base = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
