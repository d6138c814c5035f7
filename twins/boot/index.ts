/**
 * The twin's network-boot firmware: the iPXE subset of docs/provisioning.md,
 * parsed and run without I/O (fetching is injected), so a model machine and a
 * test share one interpreter.
 */
export { parseIpxeScript, type IpxeCommand, type IpxeScript, type IpxeVariables } from './ipxe-script.js';
export { runIpxeScript, followIpxeChain, type IpxeOutcome, type IpxeRun, type KernelLine, type FollowOptions, type NetworkBootResult } from './ipxe-run.js';
