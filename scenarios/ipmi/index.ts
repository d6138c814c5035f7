export {
  startModelIpmiTwin,
  startWireIpmiTwin,
  IPMI_ADMIN,
  type ModelIpmiTwin,
  type ModelIpmiTwinOptions,
  type WireIpmiTwin,
  type WireIpmiTwinOptions,
  type BmcTuning as IpmiBmcTuning,
  type DriverOverrides as IpmiDriverOverrides,
} from './ipmi-twin.js';
export { identityFor } from './identities.js';
export { startWireIpmiFleet, fleetAddress, MAX_FLEET as MAX_IPMI_FLEET, type WireIpmiFleet, type WireIpmiFleetOptions, type FleetMember as IpmiFleetMember, type FleetAddressing } from './ipmi-fleet.js';
