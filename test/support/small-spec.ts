/**
 * A two-server wire-fidelity spec (a dmtf BMC and an IPMI-only one, user admin,
 * password twin-pass) on its own rack index, so suites that serve BMCs on real
 * loopback sockets (127.1.INDEX.x) never collide.
 */
export function twoServerSpec(options: { name: string; seed: string; rack: string; rackIndex: number; bootPort?: number }): string {
  // With a boot port, the provisioning network names a boot server, so the machines can be installed.
  const networks =
    options.bootPort === undefined
      ? ''
      : `networks:
  bmc: { role: bmc, cidr: 127.0.0.0/10, allocateFrom: 127.1.0.0 }
  provisioning: { role: provisioning, cidr: 127.64.0.0/16, bootServer: { address: 127.64.${options.rackIndex}.254, port: ${options.bootPort} } }
`;
  return `version: 1
name: ${options.name}
seed: ${options.seed}
fidelity: wire
${networks}templates:
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

/**
 * Two racks of 12 units under one spine, five servers of two sizes and three BMC
 * flavours (user admin, password twin-pass): rack A has U1 (1U, dmtf), U2–U3 (2U,
 * openbmc) and U4 (1U, ipmi-only) under its top-of-rack switch at U12; rack B has
 * U1 and U3 (1U, dmtf). Rack indexes as given, so wire suites keep their own addresses.
 */
export function twoRackSpec(options: { name: string; seed: string; fidelity: 'model' | 'wire'; racks: readonly [{ name: string; index: number }, { name: string; index: number }] }): string {
  const [a, b] = options.racks;
  const server = (unit: number, template: string, flavour: string): string =>
    `              - { unit: ${unit}, template: ${template}, flavour: ${flavour}, credentials: { user: admin, password: twin-pass } }`;
  const template = (name: string, model: string, heightU: number): string => `  ${name}:
    manufacturer: Example
    model: ${model}
    heightU: ${heightU}
    cpu: { model: Test CPU, sockets: 1, cores: 4, flags: [vmx] }
    memory: { dimms: 2, dimmGiB: 8 }
    disks: [{ type: ssd, sizeGB: 240, count: 1 }]
    nics: [{ name: eno1, speedGbps: 1, networks: [provisioning] }]`;
  return `version: 1
name: ${options.name}
seed: ${options.seed}
fidelity: ${options.fidelity}
templates:
${template('one-u', 'Small 1U', 1)}
${template('two-u', 'Big 2U', 2)}
sites:
  - name: lab
    spines: [{ name: spine1, ports: 32, speedGbps: 100 }]
    rows:
      - name: a
        racks:
          - name: ${a.name}
            index: ${a.index}
            uHeight: 12
            switches: [{ name: ${a.name}-tor, unit: 12, ports: 48, speedGbps: 25, uplinks: [spine1] }]
            servers:
${server(1, 'one-u', 'dmtf')}
${server(2, 'two-u', 'openbmc')}
${server(4, 'one-u', 'ipmi-only')}
          - name: ${b.name}
            index: ${b.index}
            uHeight: 12
            servers:
${server(1, 'one-u', 'dmtf')}
${server(3, 'one-u', 'dmtf')}
`;
}
