export { AnnealerLoop, type AnnealerLoopOptions, type RoleRunner, type RunRequest, type TickReport } from './annealer-loop.js';
