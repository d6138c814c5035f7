/**
 * Serves a fetch-style handler over a real loopback socket: HTTPS with a
 * certificate for 127.0.0.1 issued by a throwaway orchestrator CA, or plain
 * HTTP when a test asks for it. Tests only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CertificateAuthority } from '../../../../../orchestrator/index.js';
import { CryptoRandom, SystemClock } from '../../../../../sim/index.js';
import type { Handler } from './mockup-handler.js';

export interface TestCertificate {
  readonly key: string;
  readonly cert: string;
  /** The PEM a client must trust. */
  readonly ca: string;
}

let cached: TestCertificate | undefined;

/** A certificate for 127.0.0.1 from a CA made for this test run. */
export function testCertificate(): TestCertificate {
  if (cached) return cached;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-redfish-ca-'));
  try {
    const ca = CertificateAuthority.loadOrCreate(dir, new SystemClock(), new CryptoRandom(), 'drill test CA');
    const issued = ca.issueServerCertificate(['127.0.0.1']);
    cached = { key: issued.keyPem, cert: issued.certificatePem, ca: ca.certificatePem };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return cached;
}

export interface LoopbackServer {
  readonly origin: string;
  /** The PEM to trust, when served over HTTPS. */
  readonly ca: string | undefined;
  /** Connections the server accepted (keep-alive reuse shows as fewer connections than requests). */
  readonly connections: () => number;
  close(): Promise<void>;
}

export async function serveOnLoopback(handler: Handler, options: { tls?: boolean } = {}): Promise<LoopbackServer> {
  const cert = options.tls === false ? null : testCertificate();
  const listener = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body !== undefined && req.method !== 'GET' ? { body } : {}) });
    const response = await handler(request);
    const out: Record<string, string> = {};
    response.headers.forEach((v, k) => (out[k] = v));
    res.writeHead(response.status, out);
    res.end(Buffer.from(await response.arrayBuffer()));
  };
  const server = cert === null ? http.createServer((q, s) => void listener(q, s)) : https.createServer({ key: cert.key, cert: cert.cert }, (q, s) => void listener(q, s));
  let connections = 0;
  server.on(cert === null ? 'connection' : 'secureConnection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${cert === null ? 'http' : 'https'}://127.0.0.1:${port}`,
    ca: cert?.ca,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
