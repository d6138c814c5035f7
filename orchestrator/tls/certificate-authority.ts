import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';
import type { Clock } from '../ports/clock.js';
import type { Random } from '../ports/random.js';

export interface KeyAndCertificate {
  readonly keyPem: string;
  readonly certificatePem: string;
}

const DAY_MS = 86_400_000;

function newKeyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey; privateKeyPem: string } {
  // Node makes the key (fast, native); forge only builds and signs the certificate, which Node 20 cannot.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.rsa.setPublicKey(forgeKey.n, forgeKey.e), privateKeyPem: privateKey };
}

function serial(random: Random): string {
  // Positive 128-bit serial: clear the top bit so DER does not read it as negative.
  const bytes = random.bytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

/**
 * The orchestrator's own certificate authority: made once in the state
 * directory (the key readable by the owner only), it signs the API server's
 * certificate and the etcd certificates, and users trust its `ca.crt`.
 */
export class CertificateAuthority {
  private constructor(
    private readonly key: forge.pki.rsa.PrivateKey,
    private readonly certificate: forge.pki.Certificate,
    private readonly clock: Clock,
    private readonly random: Random,
    readonly certificatePath: string,
  ) {}

  static loadOrCreate(dir: string, clock: Clock, random: Random, commonName = 'drill orchestrator CA'): CertificateAuthority {
    const keyPath = join(dir, 'ca.key');
    const certificatePath = join(dir, 'ca.crt');
    if (existsSync(keyPath) && existsSync(certificatePath)) {
      const key = forge.pki.privateKeyFromPem(readFileSync(keyPath, 'utf8')) as forge.pki.rsa.PrivateKey;
      const certificate = forge.pki.certificateFromPem(readFileSync(certificatePath, 'utf8'));
      return new CertificateAuthority(key, certificate, clock, random, certificatePath);
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const keys = newKeyPair();
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = serial(random);
    cert.validity.notBefore = new Date(clock.now() - DAY_MS);
    cert.validity.notAfter = new Date(clock.now() + 10 * 365 * DAY_MS);
    const subject = [{ name: 'commonName', value: commonName }];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    cert.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    writeFileSync(keyPath, keys.privateKeyPem, { mode: 0o600 });
    chmodSync(keyPath, 0o600);
    writeFileSync(certificatePath, forge.pki.certificateToPem(cert));
    return new CertificateAuthority(keys.privateKey, cert, clock, random, certificatePath);
  }

  get certificatePem(): string {
    return forge.pki.certificateToPem(this.certificate);
  }

  /** A server certificate for these host names and IP addresses, valid for a year. */
  issueServerCertificate(names: readonly string[]): KeyAndCertificate {
    if (names.length === 0) throw new Error('Failed to issue a certificate: no host names — pass at least one name or address');
    const keys = newKeyPair();
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = serial(this.random);
    cert.validity.notBefore = new Date(this.clock.now() - DAY_MS);
    cert.validity.notAfter = new Date(this.clock.now() + 365 * DAY_MS);
    cert.setSubject([{ name: 'commonName', value: names[0]! }]);
    cert.setIssuer(this.certificate.subject.attributes);
    cert.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
    ]);
    cert.sign(this.key, forge.md.sha256.create());
    return { keyPem: keys.privateKeyPem, certificatePem: forge.pki.certificateToPem(cert) };
  }
}
