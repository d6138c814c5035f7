export { runKernelDemo, DEFAULT_DEMO_FAULTS, type KernelDemoOptions, type KernelDemoProgress, type KernelDemoResult } from './kernel-demo/run-kernel-demo.js';
export { PowerController, type PowerState } from './kernel-demo/power-controller.js';
export * from './ipmi/index.js';
export { serveTwin, type ServeTwinOptions, type ServedTwin, type ServedBmc } from './twin/serve-twin.js';
export * from './redfish/index.js';
export * from './discovery/index.js';
export { startReadyStateModel, type ReadyStateModel, type ReadyStateModelOptions } from './ready-state/model-ready-state.js';
