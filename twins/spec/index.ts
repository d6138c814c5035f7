export { loadDatacenterSpec, parseDatacenterSpec, type ParseOptions } from './load.js';
export { resolveDatacenter, type ResolveOptions } from './resolve.js';
export type { Env } from './credentials.js';
export { datacenterJsonSchema, datacenterJsonSchemaText } from './json-schema.js';
export { summarizeDatacenter } from './summary.js';
export { Secret } from './secret.js';
export { BMC_FLAVOURS, BMC_MODIFIERS, BMC_PROTOCOLS, IPMI_PRIVILEGES, FLAVOUR_PROFILES, type BmcFlavour, type BmcModifier, type BmcProtocol, type IpmiPrivilege, type FlavourProfile, type PostRange } from './flavours.js';
export { NETWORK_ROLES, FIDELITIES, type NetworkRole, type Fidelity } from './schema.js';
export { REDFISH_PORT, IPMI_PORT } from './addressing.js';
export type {
  Datacenter,
  Network,
  BootServer,
  Site,
  Row,
  Rack,
  Switch,
  PowerFeed,
  HardwareTemplate,
  Cpu,
  Memory,
  Disk,
  Nic,
  NetworkAttachment,
  ResolvedServer,
  ServerIdentity,
  IpmiIdentity,
  ResolvedBmc,
  BmcCredentials,
  PasswordSource,
} from './types.js';
