import { inspect } from 'node:util';
import { CredentialsError } from './errors.js';

const REDACTED = '[redacted]';

/**
 * A BMC user name and password that cannot leak by accident: the password is
 * a private field, so JSON.stringify, String(), template literals and
 * console.log/util.inspect all show `[redacted]`. Only `reveal()` gives it,
 * at the one place a driver needs it.
 */
export class BmcCredentials {
  readonly #password: string;

  constructor(
    readonly username: string,
    password: string,
  ) {
    if (typeof username !== 'string' || username === '') throw new CredentialsError('CREDENTIALS_BAD_INPUT', 'credentials.username: missing or empty — pass the BMC user name');
    if (typeof password !== 'string') throw new CredentialsError('CREDENTIALS_BAD_INPUT', 'credentials.password: missing — pass the BMC password as a string');
    this.#password = password;
  }

  reveal(): string {
    return this.#password;
  }

  toJSON(): { username: string; password: string } {
    return { username: this.username, password: REDACTED };
  }

  toString(): string {
    return `${this.username}:${REDACTED}`;
  }

  [inspect.custom](): string {
    return `BmcCredentials { username: ${JSON.stringify(this.username)}, password: ${REDACTED} }`;
  }
}
