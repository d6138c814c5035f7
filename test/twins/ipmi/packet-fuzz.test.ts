/**
 * Fuzzing the BMC's packet parser: whatever arrives on UDP 623, the responder
 * answers or stays silent, never throws, and keeps serving a good session.
 *
 * Run: npx vitest run test/twins/ipmi/packet-fuzz.test.ts
 *
 * On failure fast-check prints `{ seed: …, path: "…" }` with the shrunk
 * counterexample; to replay exactly that case, pass both to the property's
 * options, e.g.
 *   fc.assert(property, { seed: -1234567, path: "42:3:1", endOnFailure: true })
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startTwin } from './support/bmc-fixture.js';
import { RmcpTestClient, SUITE_17, SUITE_3 } from './support/rmcp-test-client.js';

const le32 = (n: number): number[] => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];

async function fuzzTarget() {
  const twin = await startTwin();
  expect(await twin.client.login({ user: 'admin', password: 'secret', suite: SUITE_17 })).toEqual({ stage: 'active' });
  const sid = twin.client.bmcSessionId!;
  const v20 = (type: number, payload: number[]): Buffer =>
    RmcpTestClient.rmcp(0x07, Buffer.from([0x06, type, 0, 0, 0, 0, 0, 0, 0, 0, payload.length & 0xff, payload.length >> 8, ...payload]));
  const corpus: Buffer[] = [
    Buffer.from('0600ff06000011be80070000', 'hex'),
    RmcpTestClient.rmcp(0x07, Buffer.from([0x00, 0, 0, 0, 0, 0, 0, 0, 0, 9, ...twin.client.ipmiMessage(0x06, 0x38, [0x8e, 0x04])])),
    v20(0x00, [...twin.client.ipmiMessage(0x06, 0x54, [0x0e, 0x00, 0x80])]),
    v20(0x10, [...RmcpTestClient.openSessionRequest(SUITE_3, 0x1234)]),
    v20(0x12, [0x02, 0, 0, 0, ...le32(sid), ...new Array<number>(16).fill(7), 0x14, 0, 0, 5, ...Buffer.from('admin')]),
    v20(0x14, [0x03, 0, 0, 0, ...le32(sid), ...new Array<number>(32).fill(9)]),
    twin.client.sessionPacket(0x0a, 0x23, [0, 0, 0, 0, 0, 0xff]),
    twin.client.sessionPacket(0x00, 0x08, [0x05, 0xe0, 0x04, 0, 0, 0]),
  ];
  return { ...twin, corpus };
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ maxLength: 40 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(packet: Buffer, mutations: readonly Mutation[]): Uint8Array {
  let out = Uint8Array.from(packet);
  for (const m of mutations) {
    if (m.kind === 'set' && out.length > 0) out[m.at % out.length] = m.value;
    else if (m.kind === 'truncate') out = out.subarray(0, m.at % (out.length + 1));
    else if (m.kind === 'append') out = Uint8Array.from([...out, ...m.bytes]);
  }
  return out;
}

describe('IPMI packet parser under fuzzing', () => {
  it('never throws on arbitrary datagrams', async () => {
    const { bmc } = await fuzzTarget();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => void bmc.responder.answer(bytes)), { numRuns: 2_000 });
  });

  it('never throws on RMCP IPMI-class datagrams with arbitrary session wrappers', async () => {
    const { bmc } = await fuzzTarget();
    const body = fc.tuple(fc.constantFrom(0x00, 0x06, 0x02), fc.uint8Array({ maxLength: 120 }));
    fc.assert(
      fc.property(body, ([authType, rest]) => void bmc.responder.answer(Uint8Array.from([0x06, 0x00, 0xff, 0x07, authType, ...rest]))),
      { numRuns: 2_000 },
    );
  });

  it('never throws on mutated valid packets of every kind, and still serves the session afterwards', async () => {
    const { bmc, client, corpus } = await fuzzTarget();
    fc.assert(
      fc.property(fc.nat({ max: corpus.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (index, mutations) => {
        bmc.responder.answer(mutate(corpus[index]!, mutations));
      }),
      { numRuns: 3_000 },
    );
    const reply = await client.command(0x06, 0x01);
    expect(reply?.cc).toBe(0);
  });
});
