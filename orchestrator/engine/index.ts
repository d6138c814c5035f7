export { AnnealerLoop, nodeRoleMove, type AnnealerLoopOptions, type RoleRunner, type RunRequest, type TickReport } from './annealer-loop.js';
