import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Random } from '../ports/random.js';
import { BmcCredentials } from './bmc-credentials.js';
import { CredentialsError } from './errors.js';
import { loadOrCreateKey } from './key-file.js';
import { open, seal, type Sealed } from './sealed-box.js';

export const KEY_FILE = 'credentials.key';
export const VAULT_FILE = 'credentials.json';

interface VaultFile {
  readonly version: 1;
  readonly entries: Record<string, Sealed>;
}

export interface CredentialVaultOptions {
  /** 32 bytes. */
  readonly key: Buffer;
  readonly random: Random;
  /** Where sealed entries are kept; omitted: in memory only (model fidelity). */
  readonly path?: string;
  /** Names the key in error messages (its file). */
  readonly keyLabel?: string;
}

/**
 * BMC credentials encrypted at rest. Nodes keep only a `credentialsRef`; the
 * vault maps it to a sealed user name + password. The reference is an HMAC of
 * the credentials under the vault key, so a fleet sharing one password shares
 * one entry, and the reference says nothing to whoever lacks the key.
 */
export class CredentialVault {
  private readonly key: Buffer;
  private readonly random: Random;
  private readonly path: string | undefined;
  private readonly keyLabel: string;
  private entries: Record<string, Sealed>;

  constructor(options: CredentialVaultOptions) {
    this.key = options.key;
    this.random = options.random.fork('credentials');
    this.path = options.path;
    this.keyLabel = options.keyLabel ?? 'the vault key';
    this.entries = this.path !== undefined && existsSync(this.path) ? readVault(this.path) : {};
  }

  /** The vault of a state directory: key file (0600, made at first start) and sealed entries next to it. */
  static inStateDir(dir: string, random: Random): CredentialVault {
    const keyPath = join(dir, KEY_FILE);
    return new CredentialVault({ key: loadOrCreateKey(keyPath, random.fork('credentials-key')), random, path: join(dir, VAULT_FILE), keyLabel: keyPath });
  }

  /** Stores the credentials (once per distinct pair) and returns their reference. */
  put(credentials: BmcCredentials): string {
    const mac = createHmac('sha256', this.key).update(credentials.username).update('\0').update(credentials.reveal()).digest('hex');
    const ref = `cred-${mac.slice(0, 24)}`;
    if (this.entries[ref] !== undefined) return ref;
    const plaintext = JSON.stringify({ username: credentials.username, password: credentials.reveal() });
    this.entries = { ...this.entries, [ref]: seal(this.key, this.random, plaintext, ref) };
    this.persist();
    return ref;
  }

  has(ref: string): boolean {
    return this.entries[ref] !== undefined;
  }

  get(ref: string): BmcCredentials {
    const sealed = this.entries[ref];
    if (sealed === undefined) {
      throw new CredentialsError('CREDENTIALS_UNKNOWN_REF', `Failed to read credentials ${ref}: the vault has no such entry — enroll the node again with its BMC credentials`);
    }
    const plaintext = open(this.key, sealed, ref);
    if (plaintext === undefined) {
      throw new CredentialsError(
        'CREDENTIALS_WRONG_KEY',
        `Failed to decrypt credentials ${ref}: ${this.keyLabel} is not the key they were encrypted with — restore the original key file, or enroll the nodes again`,
      );
    }
    const { username, password } = JSON.parse(plaintext) as { username: string; password: string };
    return new BmcCredentials(username, password);
  }

  private persist(): void {
    if (this.path === undefined) return;
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    // Write then rename: a crash never leaves a half-written vault.
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ version: 1, entries: this.entries } satisfies VaultFile, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.path);
  }
}

function readVault(path: string): Record<string, Sealed> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CredentialsError('CREDENTIALS_BAD_FILE', `Failed to read the credentials vault ${path}: not JSON — restore it from a backup`, { cause: error });
  }
  const file = parsed as Partial<VaultFile>;
  if (file.version !== 1 || typeof file.entries !== 'object' || file.entries === null) {
    throw new CredentialsError('CREDENTIALS_BAD_FILE', `Failed to read the credentials vault ${path}: not a version 1 vault — restore it from a backup`);
  }
  return file.entries;
}
