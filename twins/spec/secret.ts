import { inspect } from 'node:util';

/**
 * A password that does not leak by accident: JSON, `console.log` and string
 * templates show `[redacted]`; only `reveal()` gives the value, so every place
 * that needs it says so.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}
