/**
 * Which NIC a machine network-boots from, and from where: its first NIC on a
 * provisioning network, and that network's boot server from the spec.
 *
 * Run: npx vitest run test/twins/machines
 */
import { describe, expect, it } from 'vitest';
import { bootTargetFromSpec, parseDatacenterSpec } from '../../../twins/index.js';
import { SPEC } from './support/model-twin.js';

describe('bootTargetFromSpec', () => {
  it('is the NIC on the provisioning network, whatever its position, with the boot server URL', () => {
    const dc = parseDatacenterSpec(SPEC.replace('networks: [provisioning] }', 'networks: [admin] }').replace('networks: [admin] }\nsites', 'networks: [provisioning] }\nsites'));
    const spec = dc.servers[0]!;
    expect(spec.nics.map((n) => n.networks.map((a) => a.network))).toEqual([['admin'], ['provisioning']]);
    expect(bootTargetFromSpec(dc, spec)).toEqual({ nic: 'eno2', mac: spec.nics[1]!.mac, bootServerUrl: 'http://127.64.255.254:8080' });
  });

  it('has no boot server URL when the network has none, and is undefined with no NIC on a provisioning network', () => {
    const withoutServer = parseDatacenterSpec(SPEC.replace(', bootServer: { address: 127.64.255.254, port: 8080 }', ''));
    expect(bootTargetFromSpec(withoutServer, withoutServer.servers[0]!)?.bootServerUrl).toBeUndefined();
    const offNetwork = parseDatacenterSpec(SPEC.replace('networks: [provisioning] }', 'networks: [] }'));
    expect(bootTargetFromSpec(offNetwork, offNetwork.servers[0]!)).toBeUndefined();
  });
});
