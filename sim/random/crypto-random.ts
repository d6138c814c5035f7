import { randomBytes, randomFillSync } from 'node:crypto';
import { checkByteLength, childPath, UniformSource } from './draws.js';

const BUFFER_WORDS = 1024;

/**
 * Production randomness from the operating system's CSPRNG. Forks are
 * independent streams too; the path only names them.
 */
export class CryptoRandom extends UniformSource {
  private readonly words = new Uint32Array(BUFFER_WORDS);
  private next = BUFFER_WORDS;

  constructor(readonly path = '') {
    super();
  }

  fork(label: string): CryptoRandom {
    return new CryptoRandom(childPath(this.path, label));
  }

  uint32(): number {
    if (this.next >= this.words.length) {
      randomFillSync(this.words);
      this.next = 0;
    }
    return this.words[this.next++]!;
  }

  override bytes(length: number): Uint8Array {
    checkByteLength(length);
    return new Uint8Array(randomBytes(length));
  }
}
