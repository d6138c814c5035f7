/**
 * The simulated IPMI BMC in model fidelity: an RMCP+ console written from the
 * spec (support/rmcp-test-client.ts) talks to it over the in-process datagram
 * switch on the virtual clock.
 *
 * Run: npx vitest run test/twins/ipmi/ipmi-bmc.test.ts
 */
import { describe, expect, it } from 'vitest';
import { FaultInjector, FaultPlan, SeededRandom, VirtualClock } from '../../../sim/index.js';
import { encodeFruImage } from '../../../twins/ipmi/fru-image.js';
import { IDENTITY } from '../server/support/server-fixture.js';
import { startTwin } from './support/bmc-fixture.js';
import { RmcpTestClient, SUITE_0, SUITE_17, SUITE_3 } from './support/rmcp-test-client.js';

const CHASSIS = 0x00;
const APP = 0x06;
const SE = 0x04;
const STORAGE = 0x0a;

const admin = { user: 'admin', password: 'secret' };

describe('IPMI BMC before a session', () => {
  it('answers an ASF presence ping with a pong', async () => {
    const { client } = await startTwin();
    const pong = await client.raw(Buffer.from('0600ff06000011be80070000', 'hex'));
    expect(pong?.toString('hex')).toBe('0600ff06000011be40070010000011be000000008100000000000000');
  });

  it('reports RMCP+ only, non-null user names, in Get Channel Authentication Capabilities (v1.5 and v2.0 framing)', async () => {
    const { client } = await startTwin();
    const v15 = await client.v15(APP, 0x38, [0x8e, 0x04]);
    expect([v15!.cc, ...v15!.data]).toEqual([0x00, 0x01, 0x80, 0x04, 0x02, 0, 0, 0, 0]);
    const v20 = await client.sessionless(APP, 0x38, [0x8e, 0x04]);
    expect(v20?.cc).toBe(0);
  });

  it('lists cipher suites 3 and 17 only', async () => {
    const { client } = await startTwin();
    const reply = await client.sessionless(APP, 0x54, [0x0e, 0x00, 0x80]);
    expect([...reply!.data]).toEqual([0x01, 0xc0, 3, 0x01, 0x41, 0x81, 0xc0, 17, 0x03, 0x44, 0x81]);
    const next = await client.sessionless(APP, 0x54, [0x0e, 0x00, 0x81]);
    expect([...next!.data]).toEqual([0x01]);
  });

  it('refuses every other command without a session (D4h)', async () => {
    const { client, server } = await startTwin();
    expect((await client.sessionless(CHASSIS, 0x02, [0x01]))?.cc).toBe(0xd4);
    expect(server.power).toBe('Off');
  });
});

describe('IPMI BMC sessions', () => {
  it('refuses cipher suite 0 and suites without integrity or encryption', async () => {
    const { client, bmc } = await startTwin();
    expect(await client.login({ ...admin, suite: SUITE_0 })).toEqual({ stage: 'open', status: 0x11 });
    expect(await client.login({ ...admin, suite: { auth: 1, integrity: 0, confidentiality: 0 } })).toEqual({ stage: 'open', status: 0x11 });
    expect(await client.login({ ...admin, suite: { auth: 1, integrity: 1, confidentiality: 0 } })).toEqual({ stage: 'open', status: 0x11 });
    expect(bmc.responder.activeSessions()).toBe(0);
  });

  for (const [name, suite] of [['3', SUITE_3], ['17', SUITE_17]] as const) {
    it(`establishes a session with cipher suite ${name} and runs commands in it`, async () => {
      const { client, server } = await startTwin();
      expect(await client.login({ ...admin, suite })).toEqual({ stage: 'active' });
      const id = await client.command(APP, 0x01);
      expect(id?.cc).toBe(0);
      expect([id!.data[2], id!.data[3], id!.data[4]]).toEqual([4, 0x40, 0x02]); // firmware 4.40, IPMI 2.0
      expect(id!.data[6]! | (id!.data[7]! << 8) | (id!.data[8]! << 16)).toBe(674);
      expect((await client.command(CHASSIS, 0x02, [0x01]))?.cc).toBe(0);
      expect(server.power).toBe('PoweringOn');
      expect((await client.command(CHASSIS, 0x01))!.data[0]! & 0x01).toBe(1);
    });
  }

  it('refuses a wrong password: the console sees a bad RAKP 2 code, the BMC answers RAKP 3 with 0Fh', async () => {
    const { client, bmc } = await startTwin();
    expect(await client.login({ user: 'admin', password: 'wrong' })).toEqual({ stage: 'rakp2-hmac' });
    expect(client.received.at(-1)![17]).toBe(0x0f);
    expect(bmc.responder.activeSessions()).toBe(0);
  });

  it('refuses unknown and null user names, and a role above the user', async () => {
    const { client } = await startTwin();
    expect(await client.login({ user: 'mallory', password: 'secret' })).toEqual({ stage: 'rakp2', status: 0x0d });
    expect(await client.login({ user: '', password: '' })).toEqual({ stage: 'rakp2', status: 0x0d });
    expect(await client.login({ user: 'viewer', password: 'viewerpass', role: 0x14 })).toEqual({ stage: 'rakp2', status: 0x0a });
  });

  it('enforces privilege: a user-level session reads but may not control (D4h) nor raise itself (81h)', async () => {
    const { client, server } = await startTwin();
    expect(await client.login({ user: 'viewer', password: 'viewerpass', role: 0x12 })).toEqual({ stage: 'active' });
    expect((await client.command(CHASSIS, 0x01))?.cc).toBe(0);
    expect((await client.command(CHASSIS, 0x02, [0x01]))?.cc).toBe(0xd4);
    expect((await client.command(APP, 0x3b, [0x04]))?.cc).toBe(0x81);
    expect(server.power).toBe('Off');
  });

  it('drops a replayed packet and any packet with a bad integrity code', async () => {
    const { client } = await startTwin();
    await client.login(admin);
    const packet = client.sessionPacket(APP, 0x01, [], 10);
    expect(await client.raw(packet)).toBeDefined();
    expect(await client.raw(packet)).toBeUndefined();
    const tampered = client.sessionPacket(APP, 0x01, [], 11);
    tampered[tampered.length - 1]! ^= 0x01;
    expect(await client.raw(tampered)).toBeUndefined();
  });

  it('forgets a session after the timeout on the clock, and after Close Session', async () => {
    const { client, clock, bmc } = await startTwin({ sessionTimeoutMs: 30_000 });
    await client.login(admin);
    await clock.runFor(29_000);
    expect((await client.command(APP, 0x01))?.cc).toBe(0); // activity resets the timer
    await clock.runFor(30_000);
    expect(await client.command(APP, 0x01)).toBeUndefined();
    expect(bmc.responder.activeSessions()).toBe(0);
    await client.login(admin);
    const id = client.bmcSessionId!;
    expect((await client.command(APP, 0x3c, [id & 0xff, (id >> 8) & 0xff, (id >> 16) & 0xff, id >>> 24]))?.cc).toBe(0);
    expect(await client.command(APP, 0x01)).toBeUndefined();
  });

  it('bounds the number of sessions (status 01h when full)', async () => {
    const { newClient } = await startTwin({ maxSessions: 2 });
    for (let i = 0; i < 2; i++) expect(await (await newClient()).login(admin)).toEqual({ stage: 'active' });
    expect(await (await newClient()).login(admin)).toEqual({ stage: 'open', status: 0x01 });
  });

  it('applies session-exhaustion and wrong-credentials faults aimed at the BMC', async () => {
    const clock = new VirtualClock();
    const plan = FaultPlan.parse({ faults: [
      { target: 'bmc:*', kind: 'session-exhaustion', atMs: 0 },
      { target: 'bmc:node:r1-s1', kind: 'wrong-credentials', atMs: 0 },
    ] });
    const faults = new FaultInjector({ plan, clock, random: new SeededRandom(3) });
    const { client } = await startTwin({ clock, faults });
    expect(await client.login(admin)).toEqual({ stage: 'open', status: 0x01 });
    expect(await client.login(admin)).toEqual({ stage: 'rakp2', status: 0x0d });
    expect(await client.login(admin)).toEqual({ stage: 'active' }); // both were one-shot
  });
});

describe('IPMI BMC commands', () => {
  it('answers unknown commands C1h, short requests C7h, long ones C8h, and refusals in the present state D5h', async () => {
    const { client } = await startTwin();
    await client.login(admin);
    expect((await client.command(0x30, 0x99))?.cc).toBe(0xc1);
    expect((await client.command(CHASSIS, 0x02))?.cc).toBe(0xc7);
    expect((await client.command(APP, 0x01, [0x00]))?.cc).toBe(0xc8);
    expect((await client.command(CHASSIS, 0x02, [0x02]))?.cc).toBe(0xd5); // power cycle while off
    expect((await client.command(CHASSIS, 0x02, [0x04]))?.cc).toBe(0xcc); // diagnostic interrupt: not modelled
  });

  it('sets and reads back boot flags (PXE, EFI, persistent) through the server', async () => {
    const { client, server } = await startTwin();
    await client.login(admin);
    expect((await client.command(CHASSIS, 0x08, [0x00, 0x01]))?.cc).toBe(0); // set in progress
    expect((await client.command(CHASSIS, 0x08, [0x04, 0x01, 0x01]))?.cc).toBe(0); // boot info ack
    expect((await client.command(CHASSIS, 0x08, [0x05, 0xe0, 0x04, 0x00, 0x00, 0x00]))?.cc).toBe(0);
    expect(server.bootOverride).toEqual({ device: 'Pxe', mode: 'Uefi', persistence: 'Persistent' });
    expect([...(await client.command(CHASSIS, 0x09, [0x05, 0x00, 0x00]))!.data]).toEqual([0x01, 0x05, 0xe0, 0x04, 0, 0, 0]);
    server.setBootOverride({ device: 'Cd', mode: 'Legacy', persistence: 'Once' }); // e.g. through Redfish
    expect([...(await client.command(CHASSIS, 0x09, [0x05, 0x00, 0x00]))!.data]).toEqual([0x01, 0x05, 0x80, 0x14, 0, 0, 0]);
    expect((await client.command(CHASSIS, 0x09, [0x63, 0x00, 0x00]))?.cc).toBe(0x80);
    expect((await client.command(CHASSIS, 0x08, [0x05, 0x80]))?.cc).toBe(0xc7);
  });

  it('turns the identify light on for a while, indefinitely, and off', async () => {
    const { client, server, clock } = await startTwin();
    await client.login(admin);
    await client.command(CHASSIS, 0x04, [10]);
    expect(server.identify.untilMs).toBe(clock.now() + 10_000 - 1);
    expect((await client.command(CHASSIS, 0x01))!.data[2]! & 0x30).toBe(0x10);
    await client.command(CHASSIS, 0x04, [0, 1]);
    expect((await client.command(CHASSIS, 0x01))!.data[2]! & 0x30).toBe(0x20);
    await client.command(CHASSIS, 0x04, [0]);
    expect(server.identify.on).toBe(false);
  });

  it('serves the whole SDR repository by reservation and record chain, and sensor readings', async () => {
    const { client, server, clock } = await startTwin();
    await client.login(admin);
    const info = await client.command(STORAGE, 0x20);
    const count = info!.data[1]! | (info!.data[2]! << 8);
    const reservation = (await client.command(STORAGE, 0x22))!.data;
    const records: Buffer[] = [];
    for (let id = 0; id !== 0xffff; ) {
      const header = await client.command(STORAGE, 0x23, [reservation[0]!, reservation[1]!, id & 0xff, id >> 8, 0, 5]);
      expect(header?.cc).toBe(0);
      const length = header!.data[6]!;
      const body = await client.command(STORAGE, 0x23, [reservation[0]!, reservation[1]!, id & 0xff, id >> 8, 5, length]);
      records.push(Buffer.concat([header!.data.subarray(2), body!.data.subarray(2)]));
      id = body!.data[0]! | (body!.data[1]! << 8);
    }
    expect(records).toHaveLength(count);
    expect(records.filter((r) => r[3] === 0x01)).toHaveLength(server.sensorSpecs.length);
    expect((await client.command(STORAGE, 0x23, [0x99, 0x99, 1, 0, 5, 4]))?.cc).toBe(0xc5); // partial read, stale reservation
    expect((await client.command(STORAGE, 0x23, [0, 0, 0x50, 0, 0, 0xff]))?.cc).toBe(0xcb);

    const cpu = server.sensorSpecs.findIndex((s) => s.id === 'cpu1-temp') + 1;
    expect((await client.command(SE, 0x2d, [cpu]))!.data[1]! & 0x20).toBe(0x20); // off: unavailable
    server.powerAction('on');
    await clock.runFor(300_000);
    await client.login(admin);
    const reading = await client.command(SE, 0x2d, [cpu]);
    expect(reading!.data[1]! & 0x20).toBe(0);
    expect(Math.abs(reading!.data[0]! - server.readSensor('cpu1-temp')!.value!)).toBeLessThanOrEqual(0.5);
    expect([...(await client.command(SE, 0x27, [cpu]))!.data]).toEqual([0x18, 0, 0, 0, 85, 95, 0]);
    expect((await client.command(SE, 0x2d, [0x77]))?.cc).toBe(0xcb);
  });

  it('serves the FRU image in pieces', async () => {
    const { client } = await startTwin();
    await client.login(admin);
    const info = await client.command(STORAGE, 0x10, [0]);
    const size = info!.data[0]! | (info!.data[1]! << 8);
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < size; offset += 16) {
      const part = await client.command(STORAGE, 0x11, [0, offset & 0xff, offset >> 8, 16]);
      chunks.push(part!.data.subarray(1, 1 + part!.data[0]!));
    }
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(encodeFruImage(IDENTITY)));
    expect((await client.command(STORAGE, 0x10, [1]))?.cc).toBe(0xcb);
  });

  it('logs power events in the SEL, and clears it only with the current reservation', async () => {
    const { client, server } = await startTwin();
    await client.login(admin);
    await client.command(CHASSIS, 0x02, [0x01]);
    await client.command(CHASSIS, 0x02, [0x00]);
    const info = await client.command(STORAGE, 0x40);
    expect(info!.data[1]! | (info!.data[2]! << 8)).toBe(2);
    const first = await client.command(STORAGE, 0x43, [0, 0, 0, 0, 0, 0xff]);
    expect([first!.data[0], first!.data[1]]).toEqual([2, 0]); // next record id
    const record = first!.data.subarray(2);
    expect([record[2], record[7], record[10], record[11], record[12], record[13]]).toEqual([0x02, 0x20, 0x1d, 0x51, 0x6f, 0x00]);
    expect(record.readUInt32LE(3)).toBe(Math.floor(server.eventLog[0]!.atMs / 1000));
    const reservation = (await client.command(STORAGE, 0x42))!.data;
    expect((await client.command(STORAGE, 0x47, [reservation[0]! ^ 0xff, reservation[1]!, 0x43, 0x4c, 0x52, 0xaa]))?.cc).toBe(0xc5);
    expect((await client.command(STORAGE, 0x47, [reservation[0]!, reservation[1]!, 0x43, 0x4c, 0x52, 0xaa]))?.data[0]).toBe(1);
    expect(server.eventLog.map((e) => e.kind)).toEqual(['log-cleared']);
  });

  it('answers Get User Name / Get User Access and the GUIDs', async () => {
    const { client } = await startTwin();
    await client.login(admin);
    expect((await client.command(APP, 0x46, [2]))!.data.toString('latin1').replace(/\0+$/, '')).toBe('admin');
    expect((await client.command(APP, 0x46, [1]))!.data.every((b) => b === 0)).toBe(true);
    expect([...(await client.command(APP, 0x44, [0x01, 3]))!.data]).toEqual([16, 0x43, 0, 0x63]);
    const guid = (await client.command(APP, 0x37))!.data;
    expect(Buffer.from(guid).reverse().toString('hex')).toBe(IDENTITY.systemGuid.replaceAll('-', ''));
  });

  it('keeps working with a second console while the first holds a session', async () => {
    const { client, newClient } = await startTwin();
    await client.login(admin);
    const other = await newClient();
    await other.login({ user: 'oper', password: 'operpass', role: 0x13 });
    expect((await other.command(CHASSIS, 0x02, [0x01]))?.cc).toBe(0);
    expect((await client.command(CHASSIS, 0x01))!.data[0]! & 1).toBe(1);
    expect(RmcpTestClient.rmcp(7, Buffer.alloc(0))).toHaveLength(4);
  });
});
