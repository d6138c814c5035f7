import type { Problems, SpecPath } from './problems.js';
import type { CredentialsInput, Fidelity } from './schema.js';
import { Secret } from './secret.js';
import type { BmcCredentials } from './types.js';

/**
 * BMC credentials without forcing passwords into files:
 * - `password: …` alone: inline, for labs and twins;
 * - `passwordEnv: NAME` alone: read from the environment at load time; unset is an error naming NAME;
 * - both: NAME when it is set, else the inline password as the twin's fallback. Not allowed in
 *   hardware fidelity, where a fallback would quietly send a default password to real BMCs.
 * Passwords are wrapped in Secret so that logging a Datacenter never prints them.
 */

/** IPMI 2.0 user passwords are at most 20 bytes (Set User Password, 20-byte form). */
const IPMI_PASSWORD_BYTES = 20;

export type Env = Readonly<Record<string, string | undefined>>;

export class CredentialResolver {
  /** Shared inputs (defaults) resolve once, so 10,000 servers share one Secret and one report. */
  private readonly resolved = new WeakMap<CredentialsInput, BmcCredentials | undefined>();
  private readonly unset = new Map<string, { at: SpecPath; users: number }>();

  constructor(
    private readonly env: Env,
    private readonly fidelity: Fidelity,
    private readonly problems: Problems,
  ) {}

  resolve(input: CredentialsInput, at: SpecPath): BmcCredentials | undefined {
    if (this.resolved.has(input)) {
      this.countUnset(input);
      return this.resolved.get(input);
    }
    const credentials = this.build(input, at);
    this.resolved.set(input, credentials);
    return credentials;
  }

  /** Reports each unset variable once, with how many servers need it. */
  finish(): void {
    for (const [name, { at, users }] of this.unset) {
      this.problems.add(
        at,
        `environment variable ${name} is not set, and ${users} server${users === 1 ? '' : 's'} take${users === 1 ? 's' : ''} the BMC password from it`,
        `export ${name}=… before loading the spec (or pass it in env)`,
      );
    }
  }

  private countUnset(input: CredentialsInput): void {
    const entry = input.passwordEnv === undefined ? undefined : this.unset.get(input.passwordEnv);
    if (entry) entry.users++;
  }

  private build(input: CredentialsInput, at: SpecPath): BmcCredentials | undefined {
    const { user, privilege, password, passwordEnv } = input;
    if (password !== undefined && passwordEnv !== undefined && this.fidelity === 'hardware') {
      this.problems.add([...at, 'password'], 'a fallback password next to passwordEnv would be used on real BMCs whenever the variable is unset', 'in hardware fidelity keep passwordEnv only');
      return undefined;
    }
    const fromEnv = passwordEnv === undefined ? undefined : this.env[passwordEnv];
    let value: string;
    let source: BmcCredentials['passwordSource'];
    if (passwordEnv !== undefined && fromEnv !== undefined && fromEnv !== '') {
      [value, source] = [fromEnv, { kind: 'env', variable: passwordEnv }];
    } else if (password !== undefined) {
      [value, source] = [password, passwordEnv === undefined ? { kind: 'inline' } : { kind: 'fallback', variable: passwordEnv }];
    } else {
      const name = passwordEnv!;
      const entry = this.unset.get(name);
      if (entry) entry.users++;
      else this.unset.set(name, { at: [...at, 'passwordEnv'], users: 1 });
      return undefined;
    }
    if (Buffer.byteLength(value, 'utf8') > IPMI_PASSWORD_BYTES) {
      const where = source.kind === 'env' ? `the password in ${source.variable}` : 'the password';
      this.problems.add([...at, source.kind === 'env' ? 'passwordEnv' : 'password'], `${where} is ${Buffer.byteLength(value, 'utf8')} bytes, but IPMI 2.0 allows ${IPMI_PASSWORD_BYTES}`, `use a password of at most ${IPMI_PASSWORD_BYTES} bytes (every flavour speaks IPMI)`);
      return undefined;
    }
    return { user, privilege, password: new Secret(value), passwordSource: source };
  }
}

