// The orchestrator declares the ports it needs; the kernel's real and simulated
// adapters must fit them structurally, since the orchestrator may not import sim/.
// These assignments are checked by the type-checker that `npm test` runs first.
import { describe, expect, it } from 'vitest';
import type { Clock, DatagramTransport, Random } from '../../orchestrator/index.js';
import { CryptoRandom, DatagramSwitch, SeededRandom, SystemClock, UdpNetwork, VirtualClock } from '../../sim/index.js';

describe('orchestrator ports accept the kernel adapters', () => {
  it('takes the system and virtual clocks, seeded and crypto random, real and simulated UDP', () => {
    const virtual = new VirtualClock();
    const clocks: Clock[] = [new SystemClock(), virtual];
    const randoms: Random[] = [new SeededRandom(1), new CryptoRandom()];
    const transports: DatagramTransport[] = [new UdpNetwork(), new DatagramSwitch({ clock: virtual, random: new SeededRandom(1) })];
    expect(clocks.length + randoms.length + transports.length).toBe(6);
  });
});
