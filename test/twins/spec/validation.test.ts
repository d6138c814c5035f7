/**
 * What an operator sees for a bad spec: the whole spec refused, every problem
 * listed as `path: problem — fix`, each naming the field to change, placed at
 * its line and column when the spec came from YAML.
 *
 * Run: npx vitest run test/twins/spec
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InvalidSpecError, parseDatacenterSpec, resolveDatacenter, TwinError } from '../../../twins/index.js';
import { miniSpec, problemAt, problemsOf, type Problem } from './spec-fixtures.js';

const RACK = 'sites[0].rows[0].racks[0]';
const SERVER = (i: number) => `${RACK}.servers[${i}]`;

/** The problems of miniSpec() after `change`. */
function problemsAfter(change: (spec: ReturnType<typeof miniSpec>) => void): Problem[] {
  const spec = miniSpec();
  change(spec);
  return problemsOf(() => resolveDatacenter(spec));
}

describe('a spec refused whole', () => {
  it('throws InvalidSpecError, a TwinError with code INVALID_SPEC, naming the source and the count', () => {
    const spec = miniSpec();
    spec.sites[0].rows[0].racks[0].servers[0].flavour = 'dell-idrac8';
    let error: unknown;
    try {
      resolveDatacenter(spec, { source: 'specs/mini.yaml' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect(error).toBeInstanceOf(TwinError);
    expect((error as InvalidSpecError).code).toBe('INVALID_SPEC');
    expect((error as InvalidSpecError).message).toMatch(/^Failed to load datacenter spec specs\/mini\.yaml: 1 problem\n {2}sites\[0\]/);
  });
});

describe('each kind of problem, with its path and fix', () => {
  it('an unknown BMC flavour lists the flavours', () => {
    const p = problemAt(problemsAfter((s) => (s.sites[0].rows[0].racks[0].servers[1].flavour = 'dell-idrac8')), `${SERVER(1)}.flavour`);
    expect(p.problem).toBe('"dell-idrac8" is not a BMC flavour');
    expect(p.fix).toBe('use one of dmtf, dell-idrac9, hpe-ilo5, supermicro, lenovo-xcc, openbmc, ipmi-only');
  });

  it('an unknown template suggests the nearest one', () => {
    const p = problemAt(problemsAfter((s) => (s.sites[0].rows[0].racks[0].servers[0].template = 'mini-1uu')), `${SERVER(0)}.template`);
    expect(p).toEqual({ path: `${SERVER(0)}.template`, problem: 'template "mini-1uu" is not defined', fix: 'did you mean mini-1u?' });
  });

  it('an unknown template in defaults is reported once, where it is written', () => {
    const problems = problemsAfter((s) => (s.defaults.template = 'nope'));
    expect(problems).toEqual([{ path: 'defaults.template', problem: 'template "nope" is not defined', fix: 'use one of mini-1u, mini-2u' }]);
  });

  it('an unknown field, with the field it was probably meant to be', () => {
    const p = problemAt(problemsAfter((s) => (s.sites[0].rows[0].racks[0].uHieght = 42)), `${RACK}.uHieght`);
    expect(p).toMatchObject({ problem: 'unknown field', fix: 'did you mean uHeight?' });
  });

  it('a duplicate rack unit', () => {
    const p = problemAt(problemsAfter((s) => (s.sites[0].rows[0].racks[0].servers[2].unit = 2)), `${SERVER(2)}.unit`);
    expect(p.problem).toBe('server r1-u02 needs U2, which server r1-u02 already occupies');
  });

  it('a 2U server overlapping the server above it', () => {
    const p = problemAt(problemsAfter((s) => (s.sites[0].rows[0].racks[0].servers[0].template = 'mini-2u')), `${SERVER(1)}.unit`);
    expect(p.problem).toBe('server r1-u02 needs U2, which server r1-u01 already occupies');
    expect(p.fix).toContain('u … u+h−1');
  });

  it('a server above the top of the rack, and more servers than units', () => {
    const problems = problemsAfter((s) => {
      s.sites[0].rows[0].racks[0].uHeight = 3;
      s.sites[0].rows[0].racks[0].servers.push({ unit: 4 });
    });
    expect(problemAt(problems, `${SERVER(3)}.unit`).problem).toBe("server r1-u04 sits at U4, above the rack's 3 units");
    expect(problemAt(problems, `${RACK}.servers`).problem).toBe('4 servers and 1 switches need 5 units, but the rack has 3');
  });

  it('generating more servers than a rack holds is one problem, not one per rack', () => {
    const problems = problemsAfter((s) => s.sites[0].rows.push({ name: 'g', generate: { racks: 5, serversPerRack: 30, template: 'mini-2u', flavours: { dmtf: 1 } } }));
    const p = problemAt(problems, 'sites[0].rows[1].generate');
    expect(p.problem).toBe('30 servers of 2U from U1 need units up to U60, but the rack has 42 units (and 4 more like it)');
    expect(p.fix).toBe("generate at most 21 servers per rack, or raise the rack's uHeight");
  });

  it('duplicate server and rack names', () => {
    const problems = problemsAfter((s) => {
      s.sites[0].rows[0].racks[1].name = 'r1';
      s.sites[0].rows[0].racks[0].servers[2].name = 'r1-u01';
    });
    expect(problemAt(problems, `${SERVER(2)}.name`).problem).toMatch(/^server name "r1-u01" is already used by the server at sites\[0\]/);
    expect(problemAt(problems, 'sites[0].rows[0].racks[1].name').fix).toBe('give every rack its own name (names are datacenter-wide)');
  });

  it('overlapping CIDRs and a VLAN out of range', () => {
    const problems = problemsAfter((s) => {
      s.networks.admin.cidr = '127.64.128.0/17';
      s.networks.provisioning.vlan = 4095;
    });
    // The VLAN is wrong, but the network is still checked for overlaps.
    expect(problemAt(problems, 'networks.admin.cidr').problem).toBe('127.64.128.0/17 overlaps network provisioning (127.64.0.0/16, at networks.provisioning)');
    expect(problemAt(problems, 'networks.provisioning.vlan')).toEqual({ path: 'networks.provisioning.vlan', problem: '4095 is above 4094, the most VLAN id allowed', fix: 'use 1 to 4094' });
  });

  it('a CIDR with host bits set, and a VLAN used twice', () => {
    const problems = problemsAfter((s) => {
      s.networks.admin.cidr = '127.65.0.7/16';
      s.networks.admin.vlan = 10;
    });
    expect(problemAt(problems, 'networks.admin.cidr').fix).toBe('write the network address: 127.65.0.0/16');
    expect(problemAt(problems, 'networks.admin.vlan').problem).toBe('VLAN 10 is already used by network bmc');
  });

  it('a MAC written twice, and a multicast MAC', () => {
    const problems = problemsAfter((s) => {
      const servers = s.sites[0].rows[0].racks[0].servers;
      servers[0].macs = { eno1: '02:00:00:00:00:01' };
      servers[1].macs = { eno2: '02:00:00:00:00:01' };
      servers[2].bmc = { mac: '01:00:5e:00:00:01' };
    });
    expect(problemAt(problems, `${SERVER(1)}.macs.eno2`).problem).toBe('MAC 02:00:00:00:00:01 is already used by server r1-u01');
    expect(problemAt(problems, `${SERVER(2)}.bmc.mac`).problem).toBe('MAC 01:00:5e:00:00:01 is a multicast (or broadcast) address');
  });

  it('an address used twice, an address outside its network, and an override for a network the server lacks', () => {
    const problems = problemsAfter((s) => {
      const servers = s.sites[0].rows[0].racks[0].servers;
      servers[0].addresses = { admin: '127.65.0.2' };
      servers[1].bmc = { address: '127.2.0.1' };
      servers[2].addresses = { storage: '127.66.0.3' };
    });
    expect(problemAt(problems, `${SERVER(1)}`).problem).toBe('address 127.65.0.2 (eno2 on admin) is already used by server r1-u01');
    expect(problemAt(problems, `${SERVER(1)}.bmc.address`)).toEqual({
      path: `${SERVER(1)}.bmc.address`,
      problem: 'address 127.2.0.1 is outside network bmc 127.1.0.0/16',
      fix: 'use an address from 127.1.0.0 to 127.1.255.255',
    });
    expect(problemAt(problems, `${SERVER(2)}.addresses.storage`)).toMatchObject({ problem: 'network "storage" is not defined' });
  });

  it('a boot server on a network that is not provisioning, outside its network, or on a machine\'s address', () => {
    const problems = problemsAfter((s) => {
      s.networks.admin.bootServer = { address: '127.65.255.254', port: 8080 };
      s.networks.provisioning.bootServer = { address: '127.64.0.1', port: 8080 };
    });
    expect(problemAt(problems, 'networks.admin.bootServer')).toEqual({
      path: 'networks.admin.bootServer',
      problem: 'a network with role admin has no boot server (machines network-boot on the provisioning network)',
      fix: 'move bootServer to the network with role: provisioning',
    });
    expect(problemAt(problems, 'networks.provisioning.bootServer.address')).toEqual({
      path: 'networks.provisioning.bootServer.address',
      problem: "127.64.0.1 is also r1-u01's address on eno1",
      fix: 'pick a boot server address no machine uses, e.g. near the top of the network',
    });
    const outside = problemsAfter((s) => {
      s.networks.provisioning.bootServer = { address: '127.64.255.255', port: 0 };
    });
    expect(problemAt(outside, 'networks.provisioning.bootServer.port')).toEqual({ path: 'networks.provisioning.bootServer.port', problem: '0 is below 1, the least boot server port allowed', fix: 'use 1 to 65535' });
    const broadcast = problemsAfter((s) => {
      s.networks.provisioning.bootServer = { address: '127.64.255.255', port: 80 };
    });
    expect(problemAt(broadcast, 'networks.provisioning.bootServer.address')).toEqual({
      path: 'networks.provisioning.bootServer.address',
      problem: '127.64.255.255 is not a host address of the network 127.64.0.0/16',
      fix: 'use an address from 127.64.0.1 to 127.64.255.254',
    });
  });

  it('a NIC attached to an unknown network, or to the bmc network', () => {
    const problems = problemsAfter((s) => {
      s.templates['mini-1u'].nics[0].networks = ['provisoning', 'bmc'];
      s.templates['mini-2u'].nics[0].networks = ['provisioning'];
    });
    expect(problems.map((p) => p.path)).toEqual(['templates.mini-1u.nics[0].networks[0]', 'templates.mini-1u.nics[0].networks[1]']);
    expect(problemAt(problems, 'templates.mini-1u.nics[0].networks[0]')).toMatchObject({ problem: 'network "provisoning" is not defined', fix: 'did you mean provisioning?' });
    expect(problemAt(problems, 'templates.mini-1u.nics[0].networks[1]').fix).toBe('attach host NICs to provisioning, admin, storage or public networks');
  });

  it('an unset passwordEnv names the variable once, however many servers use it', () => {
    const problems = problemsAfter((s) => (s.defaults.credentials = { user: 'root', passwordEnv: 'DRILL_LAB_BMC_PASSWORD' }));
    expect(problems).toEqual([
      {
        path: 'defaults.credentials.passwordEnv',
        problem: 'environment variable DRILL_LAB_BMC_PASSWORD is not set, and 4 servers take the BMC password from it',
        fix: 'export DRILL_LAB_BMC_PASSWORD=… before loading the spec (or pass it in env)',
      },
    ]);
  });

  it('credentials without a password, and a password IPMI cannot carry', () => {
    const problems = problemsAfter((s) => {
      s.sites[0].rows[0].racks[0].servers[0].credentials = { user: 'root' };
      s.sites[0].rows[0].racks[0].servers[1].credentials = { user: 'root', password: 'x'.repeat(21) };
    });
    expect(problemAt(problems, `${SERVER(0)}.credentials`).fix).toBe('add passwordEnv: VARIABLE (or password: … for a lab)');
    expect(problemAt(problems, `${SERVER(1)}.credentials.password`).problem).toBe('the password is 21 bytes, but IPMI 2.0 allows 20');
  });

  it('a server with no template, flavour or credentials anywhere', () => {
    const problems = problemsAfter((s) => delete s.defaults);
    expect(problems.filter((p) => p.path === SERVER(0)).map((p) => p.problem)).toEqual(['no hardware template', 'no BMC flavour', 'no BMC credentials']);
  });

  it('power feeds that cannot carry the rack, and a switch without enough ports', () => {
    const problems = problemsAfter((s) => {
      s.sites[0].rows[0].racks[0].powerFeeds = [{ name: 'a', capacityWatts: 1000 }, { name: 'b', capacityWatts: 2000 }];
      s.sites[0].rows[0].racks[0].switches = [{ ports: 4, speedGbps: 25 }];
    });
    expect(problemAt(problems, `${RACK}.powerFeeds[0].capacityWatts`).problem).toBe('servers draw up to 1,500 W but feed a carries 1,000 W (each feed must carry the whole rack when another fails)');
    expect(problemAt(problems, `${RACK}.switches`).problem).toBe('6 connected server NICs but the top-of-rack switches have 4 ports');
  });

  it('a switch uplinked to a spine that does not exist', () => {
    const problems = problemsAfter((s) => {
      s.sites[0].spines = [{ name: 'spine-1', ports: 32, speedGbps: 100 }];
      s.sites[0].rows[0].racks[0].switches[0].uplinks = ['spine-2'];
    });
    expect(problemAt(problems, `${RACK}.switches[0].uplinks[0]`)).toMatchObject({ problem: 'spine "spine-2" is not defined in this site', fix: 'did you mean spine-1?' });
  });
});

describe('addresses stay on this machine unless the spec says otherwise', () => {
  it('refuses a network outside 127.0.0.0/8 in model fidelity, with the way out', () => {
    const p = problemAt(problemsAfter((s) => (s.networks.admin.cidr = '10.20.0.0/16')), 'networks.admin.cidr');
    expect(p.problem).toBe('10.20.0.0/16 is outside 127.0.0.0/8 (twin addresses stay on this machine in model fidelity)');
    expect(p.fix).toContain('fidelity: hardware');
  });

  it('in container fidelity: private Docker subnets for machines, loopback for BMCs, Docker takes the first address', () => {
    const spec = miniSpec();
    spec.fidelity = 'container';
    spec.networks.provisioning = { cidr: '10.20.0.0/16', allocateFrom: '10.20.1.0' };
    spec.networks.admin = { cidr: '172.17.5.0/24' };
    const problems = problemsOf(() => resolveDatacenter(spec));
    expect(problemAt(problems, 'networks.admin.cidr').problem).toBe("172.17.5.0/24 overlaps Docker's default bridge 172.17.0.0/16");
    spec.networks.admin = { cidr: '10.30.0.0/16' };
    // Rack 0's server at U1 would get 10.30.0.1, the gateway Docker keeps for itself.
    expect(problemAt(problemsOf(() => resolveDatacenter(spec)), SERVER(0)).problem).toBe('address 10.30.0.1 is the gateway of network admin');
    spec.networks.admin.allocateFrom = '10.30.1.0';
    const dc = resolveDatacenter(spec);
    expect(dc.servers[0]!.nics.flatMap((n) => n.networks.map((a) => a.address))).toEqual(['10.20.1.1', '10.30.1.1']);
    expect(dc.servers[0]!.bmc.address).toBe('127.1.0.1');
    spec.networks.bmc.cidr = '10.40.0.0/16';
    expect(problemAt(problemsOf(() => resolveDatacenter(spec)), 'networks.bmc.cidr').problem).toBe('10.40.0.0/16 is outside 127.0.0.0/8 (simulated BMCs listen on this machine in container fidelity)');
  });

  it('in hardware fidelity real addresses are fine', () => {
    const spec = miniSpec();
    spec.fidelity = 'hardware';
    spec.networks.bmc = { cidr: '10.0.0.0/16' };
    expect(resolveDatacenter(spec).servers[0]!.bmc.address).toBe('10.0.0.1');
  });

  it('carries rack indexes past 255 into the second octet of the default BMC network', () => {
    const spec = miniSpec();
    delete spec.networks;
    for (const t of Object.values<{ nics: unknown }>(spec.templates)) t.nics = [{ name: 'eno1', speedGbps: 25, networks: ['provisioning'] }];
    spec.sites[0].rows[0].racks[1].index = 300;
    const server = resolveDatacenter(spec).servers.find((s) => s.rack === 'r2')!;
    expect(server.bmc.address).toBe('127.2.44.1');
    expect(server.nics[0]!.networks).toEqual([{ network: 'provisioning', address: '127.65.44.1' }]);
  });

  it('reports generated racks that outgrow a /16 once, with the rule in the fix', () => {
    const problems = problemsAfter((s) => s.sites[0].rows.push({ name: 'g', generate: { racks: 300, serversPerRack: 1, flavours: { dmtf: 1 } } }));
    // One line per network (bmc, provisioning, admin); no collisions with the racks the addresses wrapped onto.
    expect(problems.map((p) => p.path)).toEqual(Array.from({ length: 3 }, () => 'sites[0].rows[1].generate'));
    const p = problems.find((q) => q.problem.includes('network bmc'))!;
    expect(p.problem).toBe('server g-r255-u01: address 127.2.0.1 (rack index 256, U1) is outside network bmc 127.1.0.0/16 (and 45 more like it)');
    expect(p.fix).toBe('widen network bmc (each rack index takes 256 addresses from 127.1.0.0), or set an explicit address');
  });

  it('shared-host addressing: one address, ports base + rackIndex × 64 + (unit − 1), and a port range check', () => {
    const spec = miniSpec();
    spec.bmcAddressing = 'shared-host';
    const dc = resolveDatacenter(spec);
    expect(dc.servers.map((s) => [s.name, s.bmc.address, s.bmc.redfishPort, s.bmc.ipmiPort])).toEqual([
      ['r1-u01', '127.0.0.1', 20_000, 40_000],
      ['r1-u02', '127.0.0.1', 20_001, 40_001],
      ['r1-u03', '127.0.0.1', undefined, 40_002],
      ['r2-u01', '127.0.0.1', 20_064, 40_064],
    ]);
    spec.sharedHost = { ipmiBasePort: 65_500 };
    expect(problemAt(problemsOf(() => resolveDatacenter(spec)), 'sharedHost.ipmiBasePort').problem).toBe('port 65564 for rack index 1 U1 is above 65535');
  });
});

describe('every problem at once', () => {
  it('reports structural and semantic problems together, in file order, each with line and column', () => {
    const spec = miniSpec();
    spec.networks.admin.cidr = '127.64.0.0/17';
    spec.networks.admin.vlan = 0;
    spec.sites[0].rows[0].racks[0].servers[0].flavour = 'dell-idrac8';
    spec.sites[0].rows[0].racks[0].servers[2].unit = 2;
    spec.sites[0].rows[0].racks[0].servers.push({ unit: 5, template: 'mini-3u' });
    spec.sites[0].rows[0].racks[1].colour = 'blue';
    let error: InvalidSpecError | undefined;
    try {
      parseDatacenterSpec(stringify(spec), { source: 'mini.yaml' });
    } catch (e) {
      error = e as InvalidSpecError;
    }
    expect(error?.details.map((d) => d.path)).toEqual([
      'networks.admin.cidr',
      'networks.admin.vlan',
      `${SERVER(0)}.flavour`,
      `${SERVER(2)}.name`,
      `${SERVER(2)}.unit`,
      `${SERVER(3)}.template`,
      'sites[0].rows[0].racks[1].colour',
    ]);
    const lines = error!.details.map((d) => d.line!);
    expect(lines.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
    const text = stringify(spec).split('\n');
    const colour = error!.details.at(-1)!;
    expect(text[colour.line! - 1]!.slice(colour.column! - 1)).toBe('blue');
  });

  it('places a YAML syntax error at its line and column', () => {
    const problems = problemsOf(() => parseDatacenterSpec('version: 1\nname: lab\nsites: [\n  { name: a\n'));
    expect(problems.every((p) => p.path === '(spec)')).toBe(true);
    expect(problems[0]!.problem).toMatch(/^YAML syntax error at line \d+, column \d+: /);
    const dup = problemsOf(() => parseDatacenterSpec('version: 1\nname: a\nname: b\n'));
    expect(dup[0]!.problem).toMatch(/^YAML syntax error at line 3, column 1: Map keys must be unique/);
  });

  it('refuses a document that is not a mapping', () => {
    for (const text of ['', '- 1\n- 2\n', '42\n']) {
      expect(problemsOf(() => parseDatacenterSpec(text))[0]).toMatchObject({ path: '(spec)', fix: 'start with version: 1, name: …, seed: …' });
    }
  });
});
