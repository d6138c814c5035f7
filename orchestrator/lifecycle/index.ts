export { LIFECYCLE_TRANSITIONS, NODE_LIFECYCLES, LifecycleTransitionError, transitionNode, type LifecycleChange } from './lifecycle.js';
