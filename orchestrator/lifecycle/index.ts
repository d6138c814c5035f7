export { LIFECYCLE_TRANSITIONS, NODE_LIFECYCLES, LifecycleTransitionError, transitionNode, lifecyclePath, advanceNode, type LifecycleChange } from './lifecycle.js';
export { moveNode } from './move-node.js';
export { decommissionNode, nodeTeardown, reprovisionNode, type DecommissionDeps, type TeardownBoot } from './decommission.js';
export { TeardownError, type TeardownErrorCode } from './errors.js';
