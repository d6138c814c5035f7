import type { BmcState } from '../bmc-state.js';
import { jsonReply, ODATA_HEADERS } from '../exchange.js';
import { link, type Json } from '../odata.js';
import type { RouteDef } from '../router.js';

/** Every schema namespace the twin's payloads use, with the version it writes (for $metadata). */
const NAMESPACES: readonly (readonly [string, string | undefined])[] = [
  ['ServiceRoot', 'v1_20_0'],
  ['ComputerSystemCollection', undefined],
  ['ComputerSystem', 'v1_27_0'],
  ['Bios', 'v1_2_3'],
  ['Settings', 'v1_4_0'],
  ['ProcessorCollection', undefined],
  ['Processor', 'v1_22_0'],
  ['MemoryCollection', undefined],
  ['Memory', 'v1_23_0'],
  ['EthernetInterfaceCollection', undefined],
  ['EthernetInterface', 'v1_12_4'],
  ['StorageCollection', undefined],
  ['Storage', 'v1_21_0'],
  ['Drive', 'v1_22_0'],
  ['VolumeCollection', undefined],
  ['Volume', 'v1_10_2'],
  ['ChassisCollection', undefined],
  ['Chassis', 'v1_28_0'],
  ['Thermal', 'v1_7_3'],
  ['Power', 'v1_7_3'],
  ['SensorCollection', undefined],
  ['Sensor', 'v1_12_0'],
  ['ManagerCollection', undefined],
  ['Manager', 'v1_24_0'],
  ['VirtualMediaCollection', undefined],
  ['VirtualMedia', 'v1_6_5'],
  ['JobCollection', undefined],
  ['Job', 'v1_3_0'],
  ['SessionService', 'v1_2_0'],
  ['SessionCollection', undefined],
  ['Session', 'v1_8_0'],
  ['AccountService', 'v1_18_1'],
  ['ManagerAccountCollection', undefined],
  ['ManagerAccount', 'v1_14_1'],
  ['RoleCollection', undefined],
  ['Role', 'v1_3_3'],
  ['UpdateService', 'v1_17_0'],
  ['SoftwareInventoryCollection', undefined],
  ['SoftwareInventory', 'v1_13_0'],
  ['TaskService', 'v1_3_0'],
  ['TaskCollection', undefined],
  ['Task', 'v1_7_4'],
  ['EventService', 'v1_12_0'],
  ['EventDestinationCollection', undefined],
  ['EventDestination', 'v1_16_0'],
  ['Event', 'v1_13_0'],
  ['MessageRegistryFileCollection', undefined],
  ['MessageRegistryFile', 'v1_1_5'],
  ['Message', 'v1_3_0'],
  ['Resource', 'v1_23_0'],
];

/** The CSDL document: references to DMTF's published schemas and the service's entity container. */
const METADATA = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">',
  ...NAMESPACES.map(
    ([ns, version]) =>
      `  <edmx:Reference Uri="http://redfish.dmtf.org/schemas/v1/${ns}_v1.xml">\n    <edmx:Include Namespace="${ns}"/>${version === undefined ? '' : `\n    <edmx:Include Namespace="${ns}.${version}"/>`}\n  </edmx:Reference>`,
  ),
  '  <edmx:Reference Uri="http://docs.oasis-open.org/odata/odata/v4.0/errata03/csd01/complete/vocabularies/Org.OData.Core.V1.xml">',
  '    <edmx:Include Namespace="Org.OData.Core.V1" Alias="OData"/>',
  '  </edmx:Reference>',
  '  <edmx:DataServices>',
  '    <Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="Service">',
  '      <EntityContainer Name="Service" Extends="ServiceRoot.v1_20_0.ServiceContainer"/>',
  '    </Schema>',
  '  </edmx:DataServices>',
  '</edmx:Edmx>',
  '',
].join('\n');

const TOP = ['Systems', 'Chassis', 'Managers', 'SessionService', 'AccountService', 'UpdateService', 'Tasks', 'EventService', 'Registries'] as const;

function renderRoot(state: BmcState): Json {
  const { flavour, server } = state;
  return {
    '@odata.id': '/redfish/v1/',
    '@odata.type': '#ServiceRoot.v1_20_0.ServiceRoot',
    Id: 'RootService',
    Name: 'Root Service',
    RedfishVersion: '1.21.0',
    UUID: server.identity.bmcGuid,
    Vendor: flavour.vendor.manufacturer,
    Product: flavour.vendor.managerModel,
    ProtocolFeaturesSupported: {
      ExpandQuery: flavour.expand
        ? { ExpandAll: flavour.expand.expandAll, Levels: flavour.expand.levels, Links: flavour.expand.links, NoLinks: flavour.expand.noLinks, MaxLevels: flavour.expand.maxLevels }
        : { ExpandAll: false, Levels: false, Links: false, NoLinks: false },
      FilterQuery: false,
      SelectQuery: false,
      OnlyMemberQuery: false,
      ExcerptQuery: false,
      TopSkipQuery: true,
    },
    ...Object.fromEntries(TOP.map((name) => [name, link(`/redfish/v1/${name === 'Tasks' ? 'TaskService' : name}`)])),
    Links: { Sessions: link('/redfish/v1/SessionService/Sessions') },
  };
}

export function rootRoutes(): RouteDef[] {
  const none = { GET: 'None' } as const;
  return [
    { pattern: '/redfish', handlers: { GET: () => jsonReply(200, { v1: '/redfish/v1/' }) }, privileges: none },
    { pattern: '/redfish/v1/', handlers: { GET: (ctx) => jsonReply(200, renderRoot(ctx.state)) }, privileges: none },
    {
      pattern: '/redfish/v1/odata',
      handlers: {
        GET: () =>
          jsonReply(200, {
            '@odata.context': '/redfish/v1/$metadata',
            value: [{ name: 'Service', kind: 'Singleton', url: '/redfish/v1/' }, ...TOP.map((name) => ({ name, kind: 'Singleton', url: `/redfish/v1/${name === 'Tasks' ? 'TaskService' : name}` }))],
          }),
      },
      privileges: none,
    },
    { pattern: '/redfish/v1/$metadata', handlers: { GET: () => ({ status: 200, headers: { 'Content-Type': 'application/xml', ...ODATA_HEADERS }, body: METADATA }) }, privileges: none },
  ];
}
