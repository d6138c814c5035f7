export {
  startModelRedfishTwin,
  startWireRedfishTwin,
  REDFISH_ADMIN,
  type ModelRedfishTwin,
  type ModelRedfishTwinOptions,
  type WireRedfishTwin,
  type WireRedfishTwinOptions,
  type RedfishDriverOverrides,
} from './redfish-twin.js';
export { redfishIdentityFor } from './identities.js';
