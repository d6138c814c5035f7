/**
 * Fuzzing every parser of BMC bytes: whatever arrives, a parser returns or
 * throws a typed BmcError — never a RangeError, TypeError or anything else.
 *
 * The seed is printed at the start. To replay a failure, run with the seed and
 * path fast-check printed:
 *   FC_SEED=<seed> FC_PATH=<path> npx vitest run test/orchestrator/drivers/ipmi/fuzz.test.ts
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BmcError, IpmiDriver } from '../../../../orchestrator/index.js';
import { decryptPayload } from '../../../../orchestrator/drivers/ipmi/cipher-suite.js';
import { parseFru } from '../../../../orchestrator/drivers/ipmi/fru.js';
import { parseCipherSuiteRecords } from '../../../../orchestrator/drivers/ipmi/handshake.js';
import { parseDeviceId, parseGuid } from '../../../../orchestrator/drivers/ipmi/identity.js';
import { decodeResponse } from '../../../../orchestrator/drivers/ipmi/ipmi-message.js';
import { decodeOpenSessionResponse, decodeRakp2, decodeRakp4 } from '../../../../orchestrator/drivers/ipmi/rakp.js';
import { decodePacket } from '../../../../orchestrator/drivers/ipmi/rmcp.js';
import { convertReading, parseSdr, parseSensorReading } from '../../../../orchestrator/drivers/ipmi/sdr.js';
import { parseSelRecord } from '../../../../orchestrator/drivers/ipmi/sel.js';
import { DatagramSwitch, SeededRandom, VirtualClock } from '../../../../sim/index.js';
import { FakeBmc, SUITE_17 } from './fake-bmc.js';
import { ascii, bcdPlus, compactSdr, fruImage, fullSdr, sixBit, systemEvent } from './records.js';

const seed = process.env.FC_SEED === undefined ? (Date.now() ^ (process.pid << 8)) >>> 0 : Number(process.env.FC_SEED);
const path = process.env.FC_PATH;
const params = { seed, numRuns: 400, ...(path === undefined ? {} : { path }) };
console.log(`IPMI parser fuzz: seed=${seed}${path === undefined ? '' : ` path=${path}`} (replay: FC_SEED=${seed} FC_PATH=<path>)`);

const PARSERS: ReadonlyArray<[string, (b: Uint8Array) => unknown]> = [
  ['decodePacket', (b) => decodePacket(b, 'bmc', 12)],
  ['decodePacket (16-byte AuthCode)', (b) => decodePacket(b, 'bmc', 16)],
  ['decodeResponse', (b) => decodeResponse(b, 'bmc')],
  ['decodeOpenSessionResponse', (b) => decodeOpenSessionResponse(b, 'bmc')],
  ['decodeRakp2', (b) => decodeRakp2(b, 'bmc')],
  ['decodeRakp4', (b) => decodeRakp4(b, 'bmc')],
  ['parseFru', (b) => parseFru(b, 'bmc')],
  ['parseSdr', (b) => {
    const record = parseSdr(b, 'bmc');
    return record?.conversion ? convertReading(b[0] ?? 0, record.conversion) : record;
  }],
  ['parseSensorReading', (b) => parseSensorReading(b, 'bmc')],
  ['parseSelRecord', (b) => parseSelRecord(b, 'bmc')],
  ['parseDeviceId', (b) => parseDeviceId(b, 'bmc')],
  ['parseGuid', (b) => parseGuid(b, 'bmc')],
  ['parseCipherSuiteRecords', (b) => parseCipherSuiteRecords(Array.from(b))],
  ['decryptPayload', (b) => decryptPayload(new Uint8Array(20), b)],
];

/** Valid records to mutate, so the fuzzer gets past the first length checks. */
const SEEDS: readonly number[][] = [
  fruImage({ chassis: [ascii('C'), sixBit('SER')], board: [ascii('M'), bcdPlus('12'), ascii('S')], product: [ascii('P'), ascii('N')] }),
  fullSdr({ recordId: 1, sensorNumber: 1, sensorType: 1, name: 'T', unit: 1, m: -3, b: 7, bExp: -2, rExp: 3, linearization: 4 }),
  compactSdr(2, 2, 9, 'P'),
  [1, 0, 2, ...systemEvent(5, 1, 1, 1, 9)],
  [6, 0, 0xff, 7, 6, 0xc0, 1, 2, 3, 4, 1, 0, 0, 0, 4, 0, 9, 9, 9, 9, 0xff, 0xff, 2, 7, ...new Array(12).fill(0)],
  [6, 0, 0xff, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0x81, 0x1c, 0x63, 0x20, 0x00, 0x38, 0x00, 0x01, 0xa7],
];

function mutated(): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...SEEDS), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat())
    .map(([base, edits, cut]) => {
      const out = Uint8Array.from(base);
      for (const [at, value] of edits) out[at % out.length] = value;
      return out.subarray(0, base.length - (cut % 4 === 0 ? cut % base.length : 0));
    });
}

const anyBytes = fc.oneof(fc.uint8Array({ maxLength: 96 }), mutated());

function onlyTypedErrors(parse: (b: Uint8Array) => unknown): (b: Uint8Array) => void {
  return (b) => {
    try {
      parse(b);
    } catch (error) {
      if (!(error instanceof BmcError)) throw error;
    }
  };
}

describe('parsers of BMC bytes', () => {
  for (const [name, parse] of PARSERS) {
    it(`${name} throws nothing but BmcError`, () => {
      fc.assert(fc.property(anyBytes, onlyTypedErrors(parse)), params);
    });
  }
});

describe('the client under junk datagrams', () => {
  it('drops junk sent to its socket and keeps working', async () => {
    const clock = new VirtualClock();
    const random = new SeededRandom(seed);
    const net = new DatagramSwitch({ clock, random });
    const bmc = new FakeBmc([SUITE_17], { admin: 'pw' });
    await bmc.listen(net, { host: '127.1.0.9', port: 623 });
    const driver = new IpmiDriver({ host: '127.1.0.9', port: 623, username: 'admin', password: 'pw', transport: net, clock, random, localHost: '127.0.0.1' });
    const run = async <T>(work: Promise<T>): Promise<T> => {
      let done = false;
      const settled = work.finally(() => (done = true));
      await clock.runUntil(() => done);
      return settled;
    };
    expect(await run(driver.powerState())).toBe('Off');
    const rogue = await net.bind({ host: '127.1.0.9', port: 624 });
    for (const junk of fc.sample(anyBytes, { seed, numRuns: 300 })) await rogue.send(junk, { host: '127.0.0.1', port: 49_152 });
    await clock.runUntilIdle();
    bmc.powerOn = true;
    expect(await run(driver.powerState())).toBe('On');
    expect(driver.sessionsOpened).toBe(1);
  });
});
