/**
 * Model machines: what a server does after POST, in memory (model and wire
 * fidelity). Network boot, discovery, install and wipe follow docs/provisioning.md;
 * the installed OS runs a model agent that applies work items to it.
 *
 * Events (`machine.subscribe(listener)` returns the unsubscribe function):
 *
 *   { type: 'stage', machine, atMs, stage, detail, error? }
 *       stage: off | post | network-boot | discovering | installing | wiping |
 *              booting-disk | running | halted
 *       detail: what is happening, for people ("PXE on eno1 (52:54:…)",
 *               "lab-r1-u01: writing debian 12 to sda"); error: why a boot
 *               path failed (a network-boot stage with an error is followed by
 *               the next boot device) or why the machine halted.
 *   { type: 'console', machine, atMs, line }
 *       what the firmware or image printed: iPXE `echo` lines, "discovered as …".
 *   { type: 'agent', machine, atMs, activity }
 *       activity.kind: started {api} | work {id, nodeRole, exitStatus, changed} |
 *                      backoff {delayMs, reason} | exited {reason} | crashed {fault}
 *
 * Faults aimed at `node:<server>`: `install-fail` (the install reports failed
 * and the machine halts), `wipe-fail` (erasing a disk fails: the wipe reports
 * failed and the machine halts), `package-fail` {package} (that package's install
 * fails as apt does, exit status 100), `agent-crash` (the agent stops until the
 * OS boots again).
 */
export { ModelMachine, type ModelMachineOptions, type MachineStage, type MachineDisk, type MachineEvent, type MachineListener } from './model-machine.js';
export { ModelOs, type OsFile, type OsService, type OsUser, type AgentConfig } from './model-os.js';
export type { AgentActivity } from './model-agent.js';
export { factsFromSpec, bootTargetFromSpec, type MachineFacts, type BootTarget } from './hardware.js';
export { nodeMachineHttp, messageMachineHttp, MachineHttpError, type MachineHttp, type MachineRequest, type MachineReply } from './machine-http.js';
export { MACHINE_TIMING_PROFILES, checkMachineTimings, type MachineTimings, type MachineTimingProfile } from './timings.js';
export { parseWorkItem, type WorkItem, type Resource, type ParsedWorkItem } from './work-item.js';
