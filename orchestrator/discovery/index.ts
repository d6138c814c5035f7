export { Enroller, ENROLL_DEFAULTS, MAX_ENROLL_CONCURRENCY, type EnrollerOptions, type EnrollRequest, type EnrollBatchRequest, type EnrollResult } from './enroller.js';
export { NodeControl, type NodeControlOptions } from './node-control.js';
export { standardDriverFactory, type BmcDriverFactory, type DriverTarget, type StandardDriverFactoryOptions } from './driver-factory.js';
export { failureKind, type EnrollFailureKind } from './failure.js';
export { parseTarget, nodeNameFor, REDFISH_DEFAULT_PORT, IPMI_DEFAULT_PORT, type EnrollTarget, type ProtocolChoice } from './targets.js';
export { inventorySummary } from './read-inventory.js';
export { boundedMap } from './deadline.js';
