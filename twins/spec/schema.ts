import { z } from 'zod';
import { BMC_FLAVOURS, BMC_MODIFIERS, IPMI_PRIVILEGES } from './flavours.js';
import { IPV4_PATTERN } from './ipv4.js';

/**
 * The shape of a datacenter spec as a user writes it. Every message reads
 * `problem — fix`; the resolver adds what a shape cannot say (references,
 * collisions, addresses). Defaults that depend on other fields (names, rack
 * indexes, addresses) are filled by the resolver and documented there.
 */

export const NETWORK_ROLES = ['bmc', 'provisioning', 'admin', 'storage', 'public'] as const;
export type NetworkRole = (typeof NETWORK_ROLES)[number];

/** The most real fidelity the spec is written for; it decides which addresses are allowed. */
export const FIDELITIES = ['model', 'wire', 'container', 'hardware'] as const;
export type Fidelity = (typeof FIDELITIES)[number];

const DISK_TYPES = ['nvme', 'ssd', 'hdd'] as const;
const MEMORY_TYPES = ['DDR4', 'DDR5'] as const;

/** Rack units per rack at most; a unit also fills one octet of a default address and 1/64 of a port block. */
export const MAX_RACK_UNITS = 64;
/** Rack indexes that fit the default BMC block 127.1.0.0–127.63.255.255. */
export const MAX_RACK_INDEX = 63 * 256 - 1;

const oneOf = (values: readonly string[]): string => values.join(', ');

const int = (what: string, min: number, max: number, example: number) =>
  z
    .number({ error: `${what} must be a whole number — write e.g. ${example}` })
    .int({ error: `${what} must be a whole number — write e.g. ${example}` })
    .min(min, { error: (i) => `${String(i.input)} is below ${min}, the least ${what} allowed — use ${min} to ${max}` })
    .max(max, { error: (i) => `${String(i.input)} is above ${max}, the most ${what} allowed — use ${min} to ${max}` });

const text = (what: string, example: string, max = 128) =>
  z
    .string({ error: `${what} must be a string — write e.g. ${example}` })
    .min(1, { error: `${what} is empty — write e.g. ${example}` })
    .max(max, { error: `${what} is longer than ${max} characters — shorten it` });

/** Names become host names and parts of other names, so they are DNS labels. */
const dnsName = (what: string, example: string) =>
  z
    .string({ error: `${what} must be a string — write e.g. ${example}` })
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, {
      error: (i) => `${JSON.stringify(i.input)} is not a valid ${what} — use lowercase letters, digits and inner hyphens, e.g. ${example}`,
    });

/** Linux interface names: at most 15 characters (IFNAMSIZ). */
const nicName = z
  .string({ error: 'a NIC name must be a string — write e.g. eno1' })
  .regex(/^[a-z][a-z0-9._-]{0,14}$/, { error: (i) => `${JSON.stringify(i.input)} is not a NIC name — use a Linux interface name such as eno1 or ens1f0 (≤ 15 characters)` });

const ipv4 = (what: string, example: string) =>
  z
    .string({ error: `${what} must be an IPv4 address string — write e.g. ${example}` })
    .regex(new RegExp(`^${IPV4_PATTERN}$`), { error: (i) => `${JSON.stringify(i.input)} is not an IPv4 address — write four numbers 0–255, e.g. ${example}` });

const cidr = z
  .string({ error: 'cidr must be a string — write e.g. 127.64.0.0/16' })
  .regex(new RegExp(`^${IPV4_PATTERN}/(?:3[0-2]|[12]?\\d)$`), { error: (i) => `${JSON.stringify(i.input)} is not an IPv4 CIDR — write ADDRESS/PREFIX, e.g. 127.64.0.0/16` });

const mac = (what: string) =>
  z
    .string({ error: `${what} must be a MAC address string — write e.g. 02:00:5e:10:00:01` })
    .regex(/^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i, { error: (i) => `${JSON.stringify(i.input)} is not a MAC address — write six hex bytes with colons, e.g. 02:00:5e:10:00:01` });

const port = (what: string, example: number) => int(what, 1, 65_535, example);

const flavour = z.enum(BMC_FLAVOURS, {
  error: (i) => `${JSON.stringify(i.input)} is not a BMC flavour — use one of ${oneOf(BMC_FLAVOURS)}`,
});

const modifiers = z
  .array(z.enum(BMC_MODIFIERS, { error: (i) => `${JSON.stringify(i.input)} is not a BMC modifier — use ${oneOf(BMC_MODIFIERS)}` }), {
    error: 'modifiers must be a list — write e.g. modifiers: [slow]',
  })
  .meta({ description: 'Behaviour modifiers on the flavour: slow (long latencies), flaky (intermittent errors); driven by the fault plan.' });

const credentials = z
  .object(
    {
      user: text('user', 'root', 16).meta({ description: 'BMC user name (IPMI allows at most 16 characters).' }),
      password: text('password', 'calvin', 64).optional().meta({
        description: 'Inline password: for labs and twins only. With passwordEnv it is the fallback used when the variable is unset (not allowed in hardware fidelity).',
      }),
      passwordEnv: z
        .string({ error: 'passwordEnv must be a string — write e.g. passwordEnv: DRILL_BMC_PASSWORD' })
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: (i) => `${JSON.stringify(i.input)} is not an environment variable name — write e.g. DRILL_BMC_PASSWORD` })
        .optional()
        .meta({ description: 'Read the password from this environment variable when the spec is loaded.' }),
      privilege: z
        .enum(IPMI_PRIVILEGES, { error: (i) => `${JSON.stringify(i.input)} is not an IPMI privilege level — use one of ${oneOf(IPMI_PRIVILEGES)}` })
        .default('administrator')
        .meta({ description: 'IPMI privilege level the user holds.' }),
    },
    { error: 'credentials must be an object — write e.g. { user: root, passwordEnv: DRILL_BMC_PASSWORD }' },
  )
  .strict()
  .refine((c) => c.password !== undefined || c.passwordEnv !== undefined, {
    error: 'no password given — add passwordEnv: VARIABLE (or password: … for a lab)',
  });

const defaults = z
  .object(
    {
      template: dnsName('template name', 'compute-1u').optional(),
      flavour: flavour.optional(),
      modifiers: modifiers.optional(),
      credentials: credentials.optional(),
    },
    { error: 'defaults must be an object — write e.g. defaults: { template: compute-1u, flavour: dmtf }' },
  )
  .strict()
  .meta({ description: 'Values for every server below this level that does not set its own; inner levels override outer ones.' });

const network = z
  .object(
    {
      role: z
        .enum(NETWORK_ROLES, { error: (i) => `${JSON.stringify(i.input)} is not a network role — use one of ${oneOf(NETWORK_ROLES)}` })
        .optional()
        .meta({ description: 'What the network carries; defaults to the network name when that is a role.' }),
      cidr,
      vlan: int('VLAN id', 1, 4094, 20).optional().meta({ description: 'IEEE 802.1Q VLAN id; untagged when absent.' }),
      mtu: int('MTU', 576, 9216, 9000).default(1500),
      gateway: ipv4('gateway', '10.20.0.1').optional().meta({ description: 'Default: none, except in container fidelity, where Docker takes the first address.' }),
      allocateFrom: ipv4('allocateFrom', '127.1.0.0').optional().meta({
        description: 'Where default addresses start: allocateFrom + rackIndex × 256 + rackUnit. Default: the network address.',
      }),
      bootServer: z
        .object(
          {
            address: ipv4('bootServer.address', '127.64.255.254'),
            port: port('boot server port', 8080),
          },
          { error: 'bootServer must be an object — write e.g. bootServer: { address: 127.64.255.254, port: 8080 }' },
        )
        .strict()
        .optional()
        .meta({
          description:
            'provisioning networks only: where the provisioner serves network boot over plain HTTP (GET http://ADDRESS:PORT/boot/ipxe?mac=…, see docs/provisioning.md). Machines network-boot from it; without it they find nothing to boot from the network.',
        }),
    },
    { error: 'a network must be an object — write e.g. { role: admin, cidr: 127.65.0.0/16, vlan: 30 }' },
  )
  .strict();

const template = z
  .object(
    {
      manufacturer: text('manufacturer', 'Dell Inc.').optional().meta({ description: "Default: the BMC flavour's vendor." }),
      model: text('model', 'PowerEdge R650'),
      heightU: int('height in rack units', 1, 8, 1).default(1),
      powerWatts: int('power draw in watts', 1, 20_000, 650).optional().meta({ description: 'Peak draw, checked against the rack power feeds.' }),
      cpu: z
        .object(
          {
            model: text('CPU model', 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz'),
            sockets: int('sockets', 1, 8, 2).default(1),
            cores: int('cores per socket', 1, 512, 32),
            threadsPerCore: int('threads per core', 1, 8, 2).default(2),
            speedMHz: int('speed in MHz', 100, 10_000, 2000).optional(),
            flags: z
              .array(z.string().regex(/^[a-z0-9_.]+$/, { error: (i) => `${JSON.stringify(i.input)} is not a CPU flag — write it as /proc/cpuinfo does, e.g. vmx` }), {
                error: 'flags must be a list — write e.g. flags: [vmx, avx2]',
              })
              .default([]),
          },
          { error: 'cpu must be an object — write e.g. cpu: { model: …, sockets: 2, cores: 32, flags: [vmx] }' },
        )
        .strict(),
      memory: z
        .object(
          {
            dimms: int('DIMM count', 1, 96, 16),
            dimmGiB: int('DIMM size in GiB', 1, 1024, 32),
            type: z.enum(MEMORY_TYPES, { error: `memory type must be one of ${oneOf(MEMORY_TYPES)} — e.g. type: DDR4` }).default('DDR4'),
            speedMTs: int('memory speed in MT/s', 100, 20_000, 3200).optional(),
          },
          { error: 'memory must be an object — write e.g. memory: { dimms: 16, dimmGiB: 32 }' },
        )
        .strict(),
      disks: z
        .array(
          z
            .object(
              {
                type: z.enum(DISK_TYPES, { error: (i) => `${JSON.stringify(i.input)} is not a disk type — use one of ${oneOf(DISK_TYPES)}` }),
                sizeGB: int('disk size in GB', 1, 1_000_000, 960),
                count: int('disk count', 1, 64, 2).default(1),
                model: text('disk model', 'SAMSUNG MZQL2960HCJR').optional(),
              },
              { error: 'a disk must be an object — write e.g. { type: nvme, sizeGB: 960, count: 2 }' },
            )
            .strict(),
          { error: 'disks must be a list — write e.g. disks: [{ type: nvme, sizeGB: 960 }]' },
        )
        .default([]),
      nics: z
        .array(
          z
            .object(
              {
                name: nicName,
                speedGbps: z
                  .number({ error: 'speedGbps must be a number — write e.g. speedGbps: 25' })
                  .positive({ error: 'speedGbps must be > 0 — write e.g. speedGbps: 25' })
                  .max(1600, { error: 'speedGbps is above 1600 — write the link speed in Gbit/s, e.g. 25' }),
                networks: z.array(dnsName('network name', 'admin'), { error: 'networks must be a list of network names — write e.g. networks: [provisioning, admin]' }).default([]).meta({
                  description: 'Networks this NIC attaches to (by name); each network gives the server one address.',
                }),
              },
              { error: 'a NIC must be an object — write e.g. { name: eno1, speedGbps: 25, networks: [provisioning] }' },
            )
            .strict(),
          { error: 'nics must be a list — write e.g. nics: [{ name: eno1, speedGbps: 25 }]' },
        )
        .min(1, { error: 'a server needs at least one NIC — add e.g. { name: eno1, speedGbps: 25, networks: [provisioning] }' }),
    },
    { error: 'a hardware template must be an object — write e.g. { model: …, cpu: {…}, memory: {…}, nics: [ … ] }' },
  )
  .strict();

const server = z
  .object(
    {
      name: dnsName('server name', 'r1-u01').optional().meta({ description: 'Default: RACK-uNN, e.g. r1-u01 (unit padded to two digits).' }),
      unit: int('rack unit', 1, MAX_RACK_UNITS, 1).meta({ description: 'Lowest rack unit the server occupies (U1 at the bottom).' }),
      template: dnsName('template name', 'compute-1u').optional(),
      flavour: flavour.optional(),
      modifiers: modifiers.optional(),
      credentials: credentials.optional(),
      assetTag: text('assetTag', 'DC1-000123', 64).optional(),
      bmc: z
        .object(
          {
            address: ipv4('bmc.address', '127.1.0.1').optional(),
            redfishPort: port('Redfish port', 443).optional(),
            ipmiPort: port('IPMI port', 623).optional(),
            mac: mac('bmc.mac').optional(),
          },
          { error: 'bmc must be an object — write e.g. bmc: { address: 127.1.0.1 }' },
        )
        .strict()
        .optional()
        .meta({ description: 'Overrides of the BMC endpoint; by default they follow the addressing rule.' }),
      macs: z.record(nicName, mac('a MAC'), { error: 'macs must map NIC names to MACs — write e.g. macs: { eno1: 02:00:5e:10:00:01 }' }).optional(),
      addresses: z
        .record(dnsName('network name', 'admin'), ipv4('an address', '127.65.0.1'), { error: 'addresses must map network names to addresses — write e.g. addresses: { admin: 127.65.0.7 }' })
        .optional(),
    },
    { error: 'a server must be an object — write e.g. { unit: 1, template: compute-1u, flavour: dmtf }' },
  )
  .strict();

const powerFeed = z
  .object(
    {
      name: dnsName('power feed name', 'a'),
      capacityWatts: int('feed capacity in watts', 1, 1_000_000, 8000).optional(),
    },
    { error: 'a power feed must be an object — write e.g. { name: a, capacityWatts: 8000 }' },
  )
  .strict();

const switchFields = {
  model: text('switch model', 'Arista 7050SX3').optional(),
  ports: int('port count', 1, 1024, 48),
  speedGbps: z.number({ error: 'speedGbps must be a number — write e.g. speedGbps: 25' }).positive({ error: 'speedGbps must be > 0 — e.g. 25' }),
};

const torFields = {
  ...switchFields,
  unit: int('rack unit', 1, MAX_RACK_UNITS, 42).optional().meta({ description: 'Default: the top units of the rack, first switch highest.' }),
  heightU: int('height in rack units', 1, 4, 1).default(1),
  uplinks: z.array(dnsName('spine name', 'spine-1'), { error: 'uplinks must be a list of spine names — write e.g. uplinks: [spine-1]' }).optional().meta({
    description: "Spines this switch uplinks to; default: every spine of the site.",
  }),
};

const topOfRack = z
  .object({ name: dnsName('switch name', 'r1-tor1').optional().meta({ description: 'Default: RACK-tor (RACK-torN with several).' }), ...torFields }, {
    error: 'a switch must be an object — write e.g. { ports: 48, speedGbps: 25 }',
  })
  .strict();

const spine = z
  .object({ name: dnsName('spine name', 'spine-1'), ...switchFields }, { error: 'a spine must be an object — write e.g. { name: spine-1, ports: 32, speedGbps: 100 }' })
  .strict();

/** Seeded picks for generated servers: which flavour (relative weights) and which modifiers (probabilities). */
const generatedMix = {
  template: dnsName('template name', 'compute-1u').optional(),
  flavours: z
    .partialRecord(flavour, z.number({ error: 'a flavour weight must be a number — write e.g. dell-idrac9: 3' }).min(0, { error: 'a flavour weight must be ≥ 0 — e.g. dell-idrac9: 3' }), {
      error: 'flavours must map flavours to weights — write e.g. flavours: { dell-idrac9: 3, hpe-ilo5: 1 }',
    })
    .optional()
    .meta({ description: 'Relative weights; each server draws its flavour from its own seeded stream. Default: the defaults.flavour.' }),
  modifiers: z
    .partialRecord(
      z.enum(BMC_MODIFIERS, { error: (i) => `${JSON.stringify(i.input)} is not a BMC modifier — use ${oneOf(BMC_MODIFIERS)}` }),
      z.number({ error: 'a modifier probability must be a number — write e.g. slow: 0.05' }).min(0, { error: 'a probability must be from 0 to 1 — e.g. slow: 0.05' }).max(1, { error: 'a probability must be from 0 to 1 — e.g. slow: 0.05' }),
      { error: 'modifiers must map modifiers to probabilities — write e.g. modifiers: { slow: 0.05 }' },
    )
    .optional()
    .meta({ description: 'Probability that a generated server gets each modifier.' }),
};

const rackGenerate = z
  .object(
    {
      servers: int('generated server count', 1, MAX_RACK_UNITS, 40),
      firstUnit: int('rack unit', 1, MAX_RACK_UNITS, 1).default(1).meta({ description: 'Servers fill the rack upwards from this unit, each on top of the last.' }),
      ...generatedMix,
    },
    { error: 'generate must be an object — write e.g. generate: { servers: 40, template: compute-1u }' },
  )
  .strict();

const rackFields = {
  uHeight: int('rack height in units', 1, MAX_RACK_UNITS, 42).default(42),
  failureDomain: text('failureDomain', 'room1-pdu3').optional().meta({ description: "Default: the row's failureDomain, else the rack name." }),
  powerFeeds: z.array(powerFeed, { error: 'powerFeeds must be a list — write e.g. powerFeeds: [{ name: a }, { name: b }]' }).default([]),
};

const rack = z
  .object(
    {
      name: dnsName('rack name', 'r1'),
      index: int('rack index', 0, MAX_RACK_INDEX, 0).optional().meta({
        description: "Fixes the rack's default addresses and ports; default: the previous rack's index + 1 (the first rack is 0).",
      }),
      ...rackFields,
      switches: z.array(topOfRack, { error: 'switches must be a list — write e.g. switches: [{ ports: 48, speedGbps: 25 }]' }).default([]),
      defaults: defaults.optional(),
      servers: z.array(server, { error: 'servers must be a list — write e.g. servers: [{ unit: 1 }]' }).default([]),
      generate: rackGenerate.optional(),
    },
    { error: 'a rack must be an object — write e.g. { name: r1, servers: [ … ] }' },
  )
  .strict();

const rowGenerate = z
  .object(
    {
      racks: int('generated rack count', 1, MAX_RACK_INDEX + 1, 10),
      serversPerRack: int('servers per rack', 1, MAX_RACK_UNITS, 40),
      firstUnit: int('rack unit', 1, MAX_RACK_UNITS, 1).default(1),
      firstIndex: int('rack index', 0, MAX_RACK_INDEX, 0).optional().meta({ description: "Index of the first generated rack; default: the previous rack's index + 1." }),
      namePrefix: dnsName('rack name prefix', 'a-r').optional().meta({ description: 'Rack names are PREFIX + a zero-padded number from 1; default: ROW-r.' }),
      ...generatedMix,
      rack: z
        .object({ ...rackFields, switches: z.array(z.object(torFields).strict(), { error: 'switches must be a list — write e.g. switches: [{ ports: 48, speedGbps: 25 }]' }).default([]) }, {
          error: 'rack must be an object — write e.g. rack: { uHeight: 42 }',
        })
        .strict()
        .optional()
        .meta({ description: 'What every generated rack looks like.' }),
    },
    { error: 'generate must be an object — write e.g. generate: { racks: 10, serversPerRack: 40 }' },
  )
  .strict();

const row = z
  .object(
    {
      name: dnsName('row name', 'a'),
      failureDomain: text('failureDomain', 'room1-pdu3').optional(),
      defaults: defaults.optional(),
      racks: z.array(rack, { error: 'racks must be a list — write e.g. racks: [{ name: r1 }]' }).default([]),
      generate: rowGenerate.optional().meta({ description: 'Racks generated after the listed ones, deterministically from the seed.' }),
    },
    { error: 'a row must be an object — write e.g. { name: a, racks: [ … ] }' },
  )
  .strict();

const site = z
  .object(
    {
      name: dnsName('site name', 'dc1'),
      defaults: defaults.optional(),
      spines: z.array(spine, { error: 'spines must be a list — write e.g. spines: [{ name: spine-1, ports: 32, speedGbps: 100 }]' }).default([]),
      rows: z.array(row, { error: 'rows must be a list — write e.g. rows: [{ name: a, racks: [ … ] }]' }).min(1, { error: 'a site needs at least one row — add rows: [{ name: a, racks: [ … ] }]' }),
    },
    { error: 'a site must be an object — write e.g. { name: dc1, rows: [ … ] }' },
  )
  .strict();

export const datacenterSchema = z
  .object(
    {
      version: z.literal(1, { error: 'version must be 1 — write version: 1 (the only spec version so far)' }),
      name: dnsName('datacenter name', 'lab'),
      seed: z
        .union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\s*(?:0[xX][0-9a-fA-F]+|\d+)\s*$/)], {
          error: 'seed must be a whole number ≥ 0 or a 0x-hex string — write e.g. seed: 0x5eed (it fixes MACs, serials and generated picks)',
        })
        .meta({ description: 'Fixes every generated value (MACs, serials, generated picks). Decimal or a 0x-hex string up to 2^64-1.' }),
      fidelity: z
        .enum(FIDELITIES, { error: (i) => `${JSON.stringify(i.input)} is not a fidelity — use one of ${oneOf(FIDELITIES)}` })
        .default('model')
        .meta({
          description:
            'The most real fidelity the spec is written for. model and wire: every BMC and machine address in 127.0.0.0/8. container: machine networks are private Docker subnets the project creates; BMCs stay on loopback. hardware: real addresses.',
        }),
      bmcAddressing: z
        .enum(['per-bmc', 'shared-host'], { error: (i) => `${JSON.stringify(i.input)} is not a BMC addressing mode — use per-bmc or shared-host` })
        .default('per-bmc')
        .meta({ description: 'per-bmc: one address per BMC (Redfish 443, IPMI 623). shared-host: every BMC on one address with its own ports.' }),
      sharedHost: z
        .object(
          {
            address: ipv4('sharedHost.address', '127.0.0.1').default('127.0.0.1'),
            redfishBasePort: port('Redfish base port', 20_000).default(20_000),
            ipmiBasePort: port('IPMI base port', 40_000).default(40_000),
          },
          { error: 'sharedHost must be an object — write e.g. sharedHost: { address: 127.0.0.1 }' },
        )
        .strict()
        .optional()
        .meta({ description: 'shared-host only. Port of a BMC = base + rackIndex × 64 + (rackUnit − 1).' }),
      defaults: defaults.optional(),
      networks: z
        .record(dnsName('network name', 'admin'), network, { error: 'networks must map names to networks — write e.g. networks: { admin: { cidr: 127.65.0.0/16 } }' })
        .optional()
        .meta({ description: 'Default when absent: bmc 127.0.0.0/10 (from 127.1.0.0) and provisioning 127.64.0.0/10.' }),
      templates: z.record(dnsName('template name', 'compute-1u'), template, { error: 'templates must map names to hardware templates — write e.g. templates: { compute-1u: { … } }' }),
      sites: z.array(site, { error: 'sites must be a list — write e.g. sites: [{ name: dc1, rows: [ … ] }]' }).min(1, { error: 'a datacenter needs at least one site — add sites: [{ name: dc1, rows: [ … ] }]' }),
    },
    { error: 'a datacenter spec must be a mapping at the top level — start with version: 1, name: …, seed: …' },
  )
  .strict()
  .meta({ title: 'drill datacenter spec', description: 'Sites, rows, racks, servers, switches and networks of a datacenter for the drill twin and orchestrator.' });

export type DatacenterInput = z.output<typeof datacenterSchema>;
export type SiteInput = DatacenterInput['sites'][number];
export type RowInput = SiteInput['rows'][number];
export type RackInput = RowInput['racks'][number];
export type ServerInput = RackInput['servers'][number];
export type TemplateInput = DatacenterInput['templates'][string];
export type NetworkInput = z.output<typeof network>;
export type DefaultsInput = z.output<typeof defaults>;
export type CredentialsInput = z.output<typeof credentials>;
export type SwitchInput = RackInput['switches'][number];
export type PowerFeedInput = RackInput['powerFeeds'][number];
export type RowGenerateInput = NonNullable<RowInput['generate']>;
export type RackGenerateInput = NonNullable<RackInput['generate']>;

/**
 * The parts of the schema the resolver salvages one by one, so one bad server
 * does not hide the others' problems. They drop unknown fields instead of
 * failing (the full schema has reported them), and the containers leave their
 * child lists to be salvaged item by item.
 */
export const partSchemas = {
  server: server.strip(),
  template: template.strip(),
  network: network.strip(),
  site: site.omit({ rows: true }).strip(),
  row: row.omit({ racks: true }).strip(),
  rack: rack.omit({ servers: true }).strip(),
} as const;

interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, { _zod: { def: SchemaDef } }>;
  readonly element?: { _zod: { def: SchemaDef } };
  readonly valueType?: { _zod: { def: SchemaDef } };
  readonly innerType?: { _zod: { def: SchemaDef } };
}

/** The field names the schema allows at `path`, for "did you mean …?" on an unknown field. */
export function knownKeysAt(path: readonly (string | number)[]): readonly string[] {
  let def: SchemaDef | undefined = (datacenterSchema as unknown as { _zod: { def: SchemaDef } })._zod.def;
  const unwrap = (): void => {
    while (def?.innerType) def = def.innerType._zod.def;
  };
  for (const part of path) {
    unwrap();
    if (def === undefined) return [];
    if (def.type === 'object') def = def.shape?.[String(part)]?._zod.def;
    else if (def.type === 'array') def = def.element?._zod.def;
    else if (def.type === 'record') def = def.valueType?._zod.def;
    else return [];
  }
  unwrap();
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}
