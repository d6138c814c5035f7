/**
 * IPv4 addresses as unsigned 32-bit numbers: cheap to compare, hash and offset,
 * which a 10,000-server spec needs. Only dotted-quad text is accepted (no
 * shorthand such as `127.1`), so what a user reads is what the twin binds.
 */
export interface Cidr {
  /** The network address (host bits zero). */
  readonly base: number;
  readonly prefix: number;
  readonly text: string;
}

const QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export const IPV4_PATTERN = QUAD.source.slice(1, -1);

export function parseIpv4(text: string): number | undefined {
  const m = QUAD.exec(text);
  if (!m) return undefined;
  return ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffff_ffff << (32 - prefix)) >>> 0;
}

/** `a.b.c.d/p`; undefined when malformed. Host bits must be zero (checked by the caller, to say so). */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0 || !/^\d{1,2}$/.test(text.slice(slash + 1))) return undefined;
  const base = parseIpv4(text.slice(0, slash));
  const prefix = Number(text.slice(slash + 1));
  if (base === undefined || prefix > 32) return undefined;
  return { base, prefix, text };
}

export function hasHostBits(cidr: Cidr): boolean {
  return (cidr.base & ~mask(cidr.prefix)) >>> 0 !== 0;
}

/** The same network with the host bits cleared: what the user most likely meant. */
export function canonicalCidr(cidr: Cidr): string {
  return `${formatIpv4((cidr.base & mask(cidr.prefix)) >>> 0)}/${cidr.prefix}`;
}

function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function cidrContains(cidr: Cidr, address: number): boolean {
  return (address & mask(cidr.prefix)) >>> 0 === (cidr.base & mask(cidr.prefix)) >>> 0;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const shorter = a.prefix <= b.prefix ? a : b;
  const longer = shorter === a ? b : a;
  return cidrContains(shorter, longer.base);
}

/** The last address of the network (its broadcast address when it has one). */
export function cidrLast(cidr: Cidr): number {
  return (cidr.base + cidrSize(cidr) - 1) >>> 0;
}

const cidr = (text: string): Cidr => parseCidr(text)!;

/** Where twin traffic may go in model and wire fidelity: this machine only. */
export const LOOPBACK = cidr('127.0.0.0/8');

/** RFC 1918: where the project's own Docker networks live in container fidelity. */
export const PRIVATE_RANGES: readonly Cidr[] = [cidr('10.0.0.0/8'), cidr('172.16.0.0/12'), cidr('192.168.0.0/16')];

/** Docker's default bridge: a project network there would clash with every host's docker0. */
export const DOCKER_DEFAULT_BRIDGE = cidr('172.17.0.0/16');

export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.prefix >= outer.prefix && cidrContains(outer, inner.base);
}
