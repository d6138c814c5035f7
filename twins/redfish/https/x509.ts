import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { Random } from '../../../sim/index.js';

/**
 * Just enough X.509 (RFC 5280) in DER to issue a twin CA and its server
 * certificates with node:crypto alone (Node 20 can parse certificates but not make
 * them, and the twin takes no certificate library): ECDSA P-256 with SHA-256.
 */

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
}

const seq = (...c: Buffer[]): Buffer => tlv(0x30, ...c);
const set = (...c: Buffer[]): Buffer => tlv(0x31, ...c);
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const explicit = (n: number, c: Buffer): Buffer => tlv(0xa0 + n, c);

function oid(text: string): Buffer {
  const parts = text.split('.').map(Number);
  const bytes = [40 * (parts[0] ?? 0) + (parts[1] ?? 0)];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [];
    let v = part;
    do {
      chunk.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function integer(bytes: Buffer): Buffer {
  const positive = (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return tlv(0x02, positive);
}

function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString();
  const year = Number(iso.slice(0, 4));
  const digits = iso.replace(/[-:T]/g, '').slice(0, 14);
  // UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5).
  return year < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${digits}Z`));
}

const name = (cn: string, org: string): Buffer => seq(set(seq(oid('2.5.4.10'), utf8(org))), set(seq(oid('2.5.4.3'), utf8(cn))));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly key: KeyObject;
  readonly subjectKeyId: Buffer;
}

export interface CertificateRequest {
  readonly commonName: string;
  readonly organization: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  /** Serial numbers and key ids are drawn from it. */
  readonly random: Random;
  readonly ca: boolean;
  /** Subject alternative names (leaf only). */
  readonly ips?: readonly string[];
  readonly dnsNames?: readonly string[];
  /** The issuer; absent for a self-signed CA. */
  readonly issuer?: { readonly commonName: string; readonly organization: string; readonly key: KeyObject; readonly subjectKeyId: Buffer };
  /** Reuse a key pair (servers share one key; each gets its own certificate). */
  readonly keyPair?: { readonly privateKey: KeyObject; readonly publicKey: KeyObject };
}

function ipBytes(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`Invariant violated: ${ip} is not an IPv4 address`);
  return Buffer.from(parts);
}

export function issueCertificate(request: CertificateRequest): IssuedCertificate {
  const pair = request.keyPair ?? generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
  const subjectKeyId = Buffer.from(request.random.bytes(20));
  const serial = Buffer.from(request.random.bytes(16));
  serial[0] = (serial[0] ?? 0) & 0x7f || 0x01;
  const issuerName = request.issuer ? name(request.issuer.commonName, request.issuer.organization) : name(request.commonName, request.organization);
  const extensions: Buffer[] = [
    extension('2.5.29.19', true, seq(...(request.ca ? [bool(true)] : []))),
    // keyUsage: keyCertSign + cRLSign for the CA, digitalSignature for servers.
    extension('2.5.29.15', true, request.ca ? tlv(0x03, Buffer.from([0x01, 0x06])) : tlv(0x03, Buffer.from([0x07, 0x80]))),
    extension('2.5.29.14', false, octets(subjectKeyId)),
  ];
  if (request.issuer) extensions.push(extension('2.5.29.35', false, seq(tlv(0x80, request.issuer.subjectKeyId))));
  if (!request.ca) {
    extensions.push(extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))));
    const names = [...(request.dnsNames ?? []).map((d) => tlv(0x82, Buffer.from(d, 'ascii'))), ...(request.ips ?? []).map((ip) => tlv(0x87, ipBytes(ip)))];
    extensions.push(extension('2.5.29.17', false, seq(...names)));
  }
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ECDSA_SHA256,
    issuerName,
    seq(time(request.notBeforeMs), time(request.notAfterMs)),
    name(request.commonName, request.organization),
    spki,
    explicit(3, seq(...extensions)),
  );
  const signer = request.issuer?.key ?? pair.privateKey;
  const signature = sign('sha256', tbs, signer);
  const der = seq(tbs, ECDSA_SHA256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  const keyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certPem, keyPem, key: pair.privateKey, subjectKeyId };
}

