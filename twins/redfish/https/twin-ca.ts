import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Clock, Random } from '../../../sim/index.js';
import { issueCertificate, type IssuedCertificate } from './x509.js';

const DAY_MS = 86_400_000;

/**
 * The twin's certificate authority, made at startup: one CA and one server key,
 * with a certificate per BMC address. Clients trust the CA (`curl --cacert`) or
 * skip verification (`curl -k`, sushy `verify=False`), as with a real BMC's
 * self-signed certificate.
 */
export class TwinCa {
  readonly certPem: string;
  private readonly ca: IssuedCertificate;
  private readonly serverKey: { privateKey: KeyObject; publicKey: KeyObject };
  private readonly leaves = new Map<string, { certPem: string; keyPem: string }>();

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    readonly organization = 'drill digital twin',
  ) {
    const now = clock.now();
    this.ca = issueCertificate({ commonName: 'drill twin CA', organization, notBeforeMs: now - DAY_MS, notAfterMs: now + 3_650 * DAY_MS, random: random.fork('ca'), ca: true });
    this.certPem = this.ca.certPem;
    this.serverKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  }

  /** A server certificate for one address (IP SAN, plus `localhost`), made once and kept. */
  serverCertificate(address: string): { certPem: string; keyPem: string } {
    let leaf = this.leaves.get(address);
    if (leaf) return leaf;
    const now = this.clock.now();
    const issued = issueCertificate({
      commonName: address,
      organization: this.organization,
      notBeforeMs: now - DAY_MS,
      notAfterMs: now + 825 * DAY_MS,
      random: this.random.fork(`leaf:${address}`),
      ca: false,
      ips: /^\d+\.\d+\.\d+\.\d+$/.test(address) ? [address] : [],
      dnsNames: ['localhost', ...(/^\d+\.\d+\.\d+\.\d+$/.test(address) ? [] : [address])],
      issuer: { commonName: 'drill twin CA', organization: this.organization, key: this.ca.key, subjectKeyId: this.ca.subjectKeyId },
      keyPair: this.serverKey,
    });
    leaf = { certPem: `${issued.certPem}${this.ca.certPem}`, keyPem: issued.keyPem };
    this.leaves.set(address, leaf);
    return leaf;
  }
}
