import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Random } from '../ports/random.js';
import { KEY_BYTES } from './key-file.js';

/** One AES-256-GCM ciphertext as stored (base64 fields). */
export interface Sealed {
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

const IV_BYTES = 12;

/**
 * AES-256-GCM with the record's reference as associated data, so a sealed
 * entry copied under another reference fails to open instead of answering
 * for the wrong BMC. IVs are 96 random bits from the injected Random.
 */
export function seal(key: Buffer, random: Random, plaintext: string, aad: string): Sealed {
  if (key.length !== KEY_BYTES) throw new Error(`Invariant violated: credentials key is ${key.length} bytes, not ${KEY_BYTES}`);
  const iv = Buffer.from(random.bytes(IV_BYTES));
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

/** The plaintext, or undefined when the key (or the reference) does not match what sealed it. */
export function open(key: Buffer, sealed: Sealed, aad: string): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
