export { RedfishDriver } from './driver.js';
export type { RedfishDriverConfig, RedfishCredentials, RedfishTls, RedfishLog } from './config.js';
export type { RedfishIdentity } from './inventory.js';
export type { HttpTransport, HttpRequest, HttpResponse, HttpMethod } from './transport.js';
export { TransportError, MAX_RESPONSE_BYTES } from './transport.js';
export { NodeHttpTransport, type NodeHttpTransportOptions } from './node-transport.js';
export { FetchTransport } from './fetch-transport.js';
export { MessageTransport, type MessageTransportOptions } from './message-transport.js';
export { VENDOR_PROFILES, GENERIC_QUIRKS, PROFILE_IDS, selectProfile, type VendorProfile, type Quirks, type ServiceFacts, type SelectedProfile } from './profiles.js';
