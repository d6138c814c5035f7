/**
 * A two-server wire-fidelity spec (a dmtf BMC and an IPMI-only one, user admin,
 * password twin-pass) on its own rack index, so suites that serve BMCs on real
 * loopback sockets (127.1.INDEX.x) never collide.
 */
export function twoServerSpec(options: { name: string; seed: string; rack: string; rackIndex: number }): string {
  return `version: 1
name: ${options.name}
seed: ${options.seed}
fidelity: wire
templates:
  small:
    manufacturer: Example
    model: Small 1U
    cpu: { model: Test CPU, sockets: 1, cores: 4, flags: [vmx] }
    memory: { dimms: 2, dimmGiB: 8 }
    disks: [{ type: ssd, sizeGB: 240, count: 1 }]
    nics: [{ name: eno1, speedGbps: 1, networks: [provisioning] }]
sites:
  - name: test
    rows:
      - name: a
        racks:
          - name: ${options.rack}
            index: ${options.rackIndex}
            servers:
              - { unit: 1, template: small, flavour: dmtf, credentials: { user: admin, password: twin-pass } }
              - { unit: 2, template: small, flavour: ipmi-only, credentials: { user: admin, password: twin-pass } }
`;
}
