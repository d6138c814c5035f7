export { runKernelDemo, DEFAULT_DEMO_FAULTS, type KernelDemoOptions, type KernelDemoProgress, type KernelDemoResult } from './kernel-demo/run-kernel-demo.js';
export { PowerController, type PowerState } from './kernel-demo/power-controller.js';
export * from './ipmi/index.js';
export { serveTwin, type ServeTwinOptions, type ServedTwin, type ServedBmc } from './twin/serve-twin.js';
export * from './redfish/index.js';
export * from './discovery/index.js';
export { TwinObserverFeed, topologyOf, type Topology, type TopologyRack, type TopologyServer, type TopologySwitch, type PhysicalState, type ObserverEvent, type ObserverListener, type TwinObserverFeedOptions } from './twin/observer-feed.js';
export { startTwinObserver, TWIN_OBSERVER_PATHS, GAP_CLOSE_CODE, type TwinObserverServerOptions, type RunningTwinObserver } from './twin/observer-server.js';
export { traceServerEvents } from './twin/trace-server.js';
