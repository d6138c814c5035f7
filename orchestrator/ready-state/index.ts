export { readyStateRoles, type ReadyStateOptions } from './catalog.js';
export { OS_IMAGE_ATTRIBUTE, OS_INSTALL_ROLE, OsImage, OsInstallRunner, type BootIntents, type OsInstallOptions } from './os-install.js';
export { nodeReadyRole, NodeReadyRunner } from './node-ready.js';
