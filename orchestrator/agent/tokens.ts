import { createHash } from 'node:crypto';
import type { Random } from '../ports/random.js';

/** A bearer token and the SHA-256 (hex) that is all the store keeps of it. */
export interface MintedToken {
  readonly token: string;
  readonly sha256: string;
}

/** SHA-256 of a token: 32 random bytes leave nothing to brute-force, so a plain hash is enough. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** 32 bytes from `random` (crypto in production, seeded in model fidelity), with a prefix that says what the token is for. */
export function mintToken(random: Random, prefix: string): MintedToken {
  const token = `${prefix}${Buffer.from(random.bytes(32)).toString('base64url')}`;
  return { token, sha256: tokenDigest(token) };
}

/** Agent tokens: one per node, for the agent API. */
export const AGENT_TOKEN_PREFIX = 'drilla_';
