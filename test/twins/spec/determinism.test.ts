/**
 * Generated identities are a function of the seed and the server's name only:
 * the same spec gives the same MACs, serials and picks; another seed gives
 * others; adding a server or a rack changes nobody else's.
 *
 * Run: npx vitest run test/twins/spec
 */
import { describe, expect, it } from 'vitest';
import { resolveDatacenter, type Datacenter, type ResolvedServer } from '../../../twins/index.js';
import { miniSpec } from './spec-fixtures.js';

/** Everything drawn from the seed, per server name. */
function drawn(dc: Datacenter): Map<string, unknown> {
  const identity = (s: ResolvedServer) => ({
    macs: s.nics.map((n) => n.mac),
    bmcMac: s.bmc.mac,
    serials: [s.identity.systemSerial, s.identity.boardSerial, ...s.disks.map((d) => d.serial)],
    uuid: s.identity.uuid,
    flavour: s.bmc.flavour,
    modifiers: s.bmc.modifiers,
  });
  return new Map(dc.servers.map((s) => [s.name, identity(s)]));
}

/** A row generating racks with a flavour mix and modifiers, next to the listed racks. */
function generatedSpec(racks: number) {
  const spec = miniSpec();
  spec.sites[0].rows.push({ name: 'g', generate: { racks, serversPerRack: 10, flavours: { 'dell-idrac9': 2, 'hpe-ilo5': 1, openbmc: 1 }, modifiers: { slow: 0.3, flaky: 0.3 } } });
  return spec;
}

describe('generated identities', () => {
  it('are the same for the same seed, in a fresh load', () => {
    expect(drawn(resolveDatacenter(generatedSpec(3)))).toEqual(drawn(resolveDatacenter(generatedSpec(3))));
  });

  it('differ for another seed, server by server', () => {
    const a = drawn(resolveDatacenter(generatedSpec(3)));
    const other = generatedSpec(3);
    other.seed = '0x43';
    const b = drawn(resolveDatacenter(other));
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, identity] of a) expect((b.get(name) as { macs: string[] }).macs, name).not.toEqual((identity as { macs: string[] }).macs);
  });

  it('accept the same seed written as decimal, hex number or hex string', () => {
    const forms = [66, '66', '0x42'].map((seed) => {
      const spec = miniSpec();
      spec.seed = seed;
      return resolveDatacenter(spec);
    });
    expect(forms.map((dc) => dc.seed)).toEqual(['0x42', '0x42', '0x42']);
    expect(drawn(forms[1]!)).toEqual(drawn(forms[0]!));
    expect(drawn(forms[2]!)).toEqual(drawn(forms[0]!));
  });

  it("do not move when a server is added before others, in the same rack or another", () => {
    const before = drawn(resolveDatacenter(miniSpec()));
    const spec = miniSpec();
    spec.sites[0].rows[0].racks[0].servers.unshift({ unit: 10, name: 'newcomer' });
    spec.sites[0].rows[0].racks.unshift({ name: 'r0', index: 7, servers: [{ unit: 1 }] });
    const after = drawn(resolveDatacenter(spec));
    expect(after.size).toBe(before.size + 2);
    for (const [name, identity] of before) expect(after.get(name), name).toEqual(identity);
  });

  it('do not move when a generated row grows by a rack', () => {
    const before = drawn(resolveDatacenter(generatedSpec(3)));
    const after = drawn(resolveDatacenter(generatedSpec(4)));
    expect(after.size).toBe(before.size + 10);
    for (const [name, identity] of before) expect(after.get(name), name).toEqual(identity);
  });

  it('draw flavours and modifiers by the weights, each server from its own stream', () => {
    const dc = resolveDatacenter(generatedSpec(20));
    const generated = dc.servers.filter((s) => s.row === 'g');
    expect(generated).toHaveLength(200);
    const count = (f: string) => generated.filter((s) => s.bmc.flavour === f).length;
    expect(count('dell-idrac9')).toBeGreaterThan(70);
    expect(count('hpe-ilo5')).toBeGreaterThan(25);
    expect(count('openbmc')).toBeGreaterThan(25);
    expect(count('dmtf') + count('supermicro') + count('lenovo-xcc') + count('ipmi-only')).toBe(0);
    const slow = generated.filter((s) => s.bmc.modifiers.includes('slow')).length;
    expect(slow).toBeGreaterThan(30);
    expect(slow).toBeLessThan(90);
  });

  it('step around explicit MACs: a generated MAC never repeats one written in the spec', () => {
    const first = resolveDatacenter(miniSpec());
    const taken = first.servers[1]!.nics[0]!.mac;
    const spec = miniSpec();
    // Server 0 now claims, explicitly, the MAC that server 1 would have drawn.
    spec.sites[0].rows[0].racks[0].servers[0].macs = { eno1: taken.toUpperCase() };
    const dc = resolveDatacenter(spec);
    expect(dc.servers[0]!.nics[0]).toMatchObject({ mac: taken, macSource: 'spec' });
    expect(dc.servers[1]!.nics[0]!.mac).not.toBe(taken);
    expect(dc.servers[1]!.nics[0]!.macSource).toBe('generated');
  });
});
