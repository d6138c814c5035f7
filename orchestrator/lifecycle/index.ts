export { LIFECYCLE_TRANSITIONS, NODE_LIFECYCLES, LifecycleTransitionError, transitionNode, lifecyclePath, advanceNode, type LifecycleChange } from './lifecycle.js';
export { moveNode } from './move-node.js';
export { decommissionNode, nodeTeardown, reprovisionNode, type DecommissionDeps } from './decommission.js';
