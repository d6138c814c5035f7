import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { BmcCredentials, CredentialsError, CredentialVault, KEY_FILE, VAULT_FILE } from '../../../orchestrator/index.js';
import { SeededRandom } from '../../../sim/index.js';

const dir = mkdtempSync(join(tmpdir(), 'drill-vault-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('credentials vault', () => {
  it('keeps passwords encrypted on disk under a 0600 key made at first start, and reads them back', () => {
    const vault = CredentialVault.inStateDir(dir, new SeededRandom(1));
    const ref = vault.put(new BmcCredentials('root', 'hunter2-very-secret'));
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, VAULT_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, VAULT_FILE), 'utf8')).not.toContain('hunter2');
    const reopened = CredentialVault.inStateDir(dir, new SeededRandom(2));
    expect(reopened.get(ref).reveal()).toBe('hunter2-very-secret');
    expect(reopened.get(ref).username).toBe('root');
  });

  it('gives one reference per distinct user and password', () => {
    const vault = new CredentialVault({ key: Buffer.alloc(32, 1), random: new SeededRandom(3) });
    const a = vault.put(new BmcCredentials('root', 'x'));
    expect(vault.put(new BmcCredentials('root', 'x'))).toBe(a);
    expect(vault.put(new BmcCredentials('root', 'y'))).not.toBe(a);
  });

  it('refuses with a clear error when the key is not the one that sealed the entries', () => {
    const other = mkdtempSync(join(tmpdir(), 'drill-vault-key-'));
    try {
      const ref = CredentialVault.inStateDir(other, new SeededRandom(4)).put(new BmcCredentials('root', 'pw'));
      writeFileSync(join(other, KEY_FILE), `${'ab'.repeat(32)}\n`, { mode: 0o600 });
      const error = (() => {
        try {
          CredentialVault.inStateDir(other, new SeededRandom(5)).get(ref);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(CredentialsError);
      expect(error).toMatchObject({ code: 'CREDENTIALS_WRONG_KEY' });
      expect((error as Error).message).toMatch(/is not the key they were encrypted with — restore the original key file/);
      expect(() => CredentialVault.inStateDir(other, new SeededRandom(5)).get('cred-nope')).toThrow(/no such entry/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('never shows a password in JSON, strings or inspection', () => {
    const credentials = new BmcCredentials('root', 'topsecret');
    expect(JSON.stringify({ credentials })).not.toContain('topsecret');
    expect(String(credentials)).not.toContain('topsecret');
    expect(`${credentials}`).toBe('root:[redacted]');
    expect(inspect({ credentials })).not.toContain('topsecret');
  });
});
