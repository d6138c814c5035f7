const VENDORS = { dell: 'Dell Inc.', hpe: 'HPE', smc: 'Supermicro', lenovo: 'Lenovo', generic: 'Example' };

/** One template per vendor, the same hardware: the manufacturer is what tells them apart. */
const templates = Object.entries(VENDORS)
  .map(
    ([key, manufacturer]) => `  ${key}:
    manufacturer: ${manufacturer}
    model: Small 1U
    cpu: { model: Test CPU, sockets: 2, cores: 8, flags: [vmx] }
    memory: { dimms: 4, dimmGiB: 16 }
    disks: [{ type: ssd, sizeGB: 480, count: 2 }]
    nics: [{ name: eno1, speedGbps: 10, networks: [provisioning] }, { name: eno2, speedGbps: 10, networks: [] }]
`,
  )
  .join('');

/** A small mixed-vendor spec for discovery tests: four Redfish flavours, one IPMI-only BMC, one with another password. */
export const DISCOVERY_SPEC = `version: 1
name: discovery-test
seed: 0xd15c
fidelity: model
templates:
${templates}sites:
  - name: test
    rows:
      - name: a
        racks:
          - name: d1
            index: 203
            servers:
              - { unit: 1, template: generic, flavour: dmtf, credentials: { user: admin, password: fleet-pass } }
              - { unit: 2, template: dell, flavour: dell-idrac9, credentials: { user: admin, password: fleet-pass } }
              - { unit: 3, template: hpe, flavour: hpe-ilo5, credentials: { user: admin, password: fleet-pass } }
              - { unit: 4, template: smc, flavour: supermicro, credentials: { user: admin, password: fleet-pass } }
              - { unit: 5, template: generic, flavour: ipmi-only, credentials: { user: admin, password: fleet-pass } }
              - { unit: 6, template: lenovo, flavour: lenovo-xcc, credentials: { user: admin, password: other-pass } }
`;
