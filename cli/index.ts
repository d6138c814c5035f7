// What benchmarks reuse of the CLI's production wiring.
export { startOrchestrator, type ServeOptions, type RunningOrchestrator } from './commands/serve.js';
export { visualizerFiles, type VisualizerFiles } from './commands/visualizer-files.js';
