// Regression: the IPMI driver derived K1/K2 for cipher suite 17 with 32-byte
// constants (the SHA-256 length). IPMI v2.0 §13.32 fixes Const1/Const2 at 20
// bytes whatever the hash, as ipmitool, freeipmi and pyghmi use, so every
// in-session packet to a real suite-17 BMC was dropped. Found by running the
// driver against the twin's BMC (ipmi_sim and pyghmi only offer suite 3).
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CIPHER_SUITES, deriveKeys } from '../../orchestrator/drivers/ipmi/cipher-suite.js';

describe('regression: IPMI cipher suite 17 session keys', () => {
  it('derives K1 and K2 from 20-byte constants with HMAC-SHA256', () => {
    const sik = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    const keys = deriveKeys(CIPHER_SUITES[17], sik);
    const expected = (byte: number): Buffer => createHmac('sha256', sik).update(Buffer.alloc(20, byte)).digest();
    expect(Buffer.from(keys.k1)).toEqual(expected(1));
    expect(Buffer.from(keys.k2)).toEqual(expected(2));
  });
});
