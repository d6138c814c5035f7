import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Random } from '../ports/random.js';
import { CredentialsError } from './errors.js';

export const KEY_BYTES = 32;

/**
 * The vault's AES-256 key: 32 random bytes (hex) in a file only the owner can
 * read, made at first start. Losing it loses every stored password, so it is
 * never rewritten once it exists.
 */
export function loadOrCreateKey(path: string, random: Random): Buffer {
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/i.test(text)) {
      throw new CredentialsError('CREDENTIALS_BAD_FILE', `Failed to read the credentials key ${path}: it is not 64 hex digits — restore it from a backup, or remove it and the vault and enroll again`);
    }
    // A key readable by others is a leaked key: tighten it rather than carry on silently.
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    return Buffer.from(text, 'hex');
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = Buffer.from(random.bytes(KEY_BYTES));
  writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return key;
}
