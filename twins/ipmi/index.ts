export { IpmiBmc, IPMI_PORT, type IpmiBmcOptions } from './ipmi-bmc.js';
export { IpmiResponder, type IpmiResponderOptions, type IpmiUser } from './ipmi-responder.js';
export { CIPHER_SUITES, type CipherSuite } from './cipher-suites.js';
export { COMMANDS } from './commands/command-router.js';
export type { UserPrivilege } from './privilege.js';
