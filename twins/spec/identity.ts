import { invariant, type Random } from '../../sim/index.js';

/**
 * Generated identities: MACs, serials, UUIDs. Each server draws from its own
 * stream (`server:NAME/…`), so adding a server never changes another's values.
 * Values that must be unique come from a pool: should two draws ever collide
 * (for MACs about 1 in 1,000 at 10,000 servers with 4 NICs each), the server that comes later
 * in the spec draws again from its own stream, so a generated spec never fails
 * on a generated collision and the result is still a function of the spec.
 */
export class UniquePool {
  /** Value → the server holding it. */
  private readonly used = new Map<string, string>();

  /** Records an explicit value; returns the server that held it already, if any. */
  claim(value: string, owner: string): string | undefined {
    const holder = this.used.get(value);
    if (holder === undefined) this.used.set(value, owner);
    return holder;
  }

  draw(random: Random, owner: string, make: (random: Random) => string): string {
    for (let attempt = 0; attempt < 64; attempt++) {
      const value = make(random);
      if (this.claim(value, owner) === undefined) return value;
    }
    invariant(false, `64 draws for ${owner} all collided: the value space is too small`);
  }
}

const hex = (b: number): string => b.toString(16).padStart(2, '0');

/**
 * `02:xx:xx:xx:xx:xx`: locally administered and unicast (first octet 0000 0010),
 * so a twin MAC can never be a vendor's and is easy to recognise; 40 random bits.
 */
export function drawMac(random: Random): string {
  return `02:${Array.from(random.bytes(5), hex).join(':')}`;
}

export function normaliseMac(mac: string): string {
  return mac.toLowerCase();
}

/** Multicast (lowest bit of the first octet) and all-zero MACs cannot name a NIC. */
export function macProblem(mac: string): string | undefined {
  const first = Number.parseInt(mac.slice(0, 2), 16);
  if (mac === '00:00:00:00:00:00') return 'is all zeros';
  if ((first & 1) === 1) return 'is a multicast (or broadcast) address';
  return undefined;
}

/** Letters and digits as vendors print serials: no I or O, which read as 1 and 0. */
const SERIAL_CHARS = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Fills a shape: `#` a digit, `X` a serial character, anything else kept. */
export function drawSerial(random: Random, shape: string): string {
  let out = '';
  for (const c of shape) {
    if (c === '#') out += String(random.int(0, 9));
    else if (c === 'X') out += SERIAL_CHARS[random.int(0, SERIAL_CHARS.length - 1)];
    else out += c;
  }
  return out;
}

/** An RFC 9562 version-4 UUID from the stream. */
export function drawUuid(random: Random): string {
  const b = random.bytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, hex).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const DISK_SERIAL_SHAPES = { nvme: 'S6XXNX0T######', ssd: 'PHYFXXXX####XXXX', hdd: 'ZAXXXXXX' } as const;

/** What Linux names the n-th disk of a kind: nvme0n1 …, sda … sdz, sdaa … */
export function diskName(type: 'nvme' | 'ssd' | 'hdd', n: number): string {
  if (type === 'nvme') return `nvme${n}n1`;
  let suffix = '';
  for (let k = n + 1; k > 0; k = Math.floor((k - 1) / 26)) suffix = String.fromCharCode(97 + ((k - 1) % 26)) + suffix;
  return `sd${suffix}`;
}
