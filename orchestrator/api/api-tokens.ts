import { createHash, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Random } from '../ports/random.js';

interface TokenEntry {
  readonly label: string;
  readonly sha256: string;
}

const PREFIX = 'drill_';

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/**
 * Bearer tokens for the API. Only their SHA-256 is kept (a token is 32 random
 * bytes, so a plain hash is enough: nothing to brute-force), in a file only
 * the owner can read. The token itself is shown once, when it is made.
 */
export class ApiTokens {
  private entries: TokenEntry[];

  constructor(
    private readonly path: string,
    private readonly random: Random,
  ) {
    this.entries = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { tokens: TokenEntry[] }).tokens : [];
  }

  get count(): number {
    return this.entries.length;
  }

  /** Makes a token, stores its hash, and returns the token: the only time it is ever visible. */
  issue(label: string): string {
    const token = `${PREFIX}${Buffer.from(this.random.bytes(32)).toString('base64url')}`;
    this.entries = [...this.entries, { label, sha256: digest(token).toString('hex') }];
    writeFileSync(this.path, `${JSON.stringify({ tokens: this.entries }, null, 2)}\n`, { mode: 0o600 });
    chmodSync(this.path, 0o600);
    return token;
  }

  /** The label of the token, or undefined if it is not one of ours. Constant-time per entry. */
  verify(token: string): string | undefined {
    if (!token.startsWith(PREFIX)) return undefined;
    const candidate = digest(token);
    let match: string | undefined;
    for (const entry of this.entries) if (timingSafeEqual(candidate, Buffer.from(entry.sha256, 'hex'))) match = entry.label;
    return match;
  }
}
