import { DMTF, enabledDisabled } from './dmtf.js';
import type { RedfishFlavour } from './flavour.js';

/**
 * OpenBMC (bmcweb)-like. Reproduces:
 * - ids `system`, `chassis`, `bmc`;
 * - the task `Location` as `…/TaskService/Tasks/{id}/Monitor` (field note 35);
 * - Reset answering 200 with a Success message, PATCH answering 204 (bmcweb).
 */
export const OPENBMC: RedfishFlavour = {
  ...DMTF,
  name: 'openbmc',
  description: 'OpenBMC (bmcweb)-like: ids system/chassis/bmc, task monitors under the task',
  vendor: { manufacturer: 'OpenBMC', managerModel: 'OpenBMC', managerFirmware: '2.14.0', biosVersion: '1.0', oem: 'OpenBmc', serviceTagInSku: false },
  ids: { ...DMTF.ids, system: 'system', chassis: 'chassis', manager: 'bmc', storage: '1', processor: (i) => `cpu${i}`, dimm: (i) => `dimm${i}`, drive: (i) => `drive${i}`, nic: (i) => `eth${i}`, bmcNic: 'eth0', firmwareBmc: 'bmc_active', firmwareBios: 'bios_active' },
  power: { resetTypes: ['On', 'ForceOff', 'ForceOn', 'ForceRestart', 'GracefulRestart', 'GracefulShutdown', 'PowerCycle', 'Nmi'], resetStatus: 200, busyAfterResetMs: 0 },
  sessions: { limit: 64, defaultTimeoutSeconds: 3_600 },
  bios: {
    registryId: 'BiosAttributeRegistry.v1_0_0',
    attributes: [
      enabledDisabled('hb_hyperthreading', 'Hyper-threading'),
      enabledDisabled('hb_virtualization', 'Virtualization'),
      { name: 'pvm_boot_retry_count', displayName: 'Boot retry count', type: 'Integer', lowerBound: 0, upperBound: 10, defaultValue: 3 },
      { name: 'pvm_system_name', displayName: 'System name', type: 'String', maxLength: 64, defaultValue: '' },
    ],
    settingsSegment: 'Settings',
    apply: 'reset',
    requireIfMatch: false,
    settingsShows: 'merged',
  },
  storage: { ...DMTF.storage, controllerName: 'NVMe storage', controllerModel: 'NVMe', applyTimes: ['Immediate'], defaultApplyTime: 'Immediate' },
  virtualMedia: { ...DMTF.virtualMedia, slots: [{ id: 'Slot_0', name: 'Virtual media slot 0', mediaTypes: ['CD', 'USBStick'] }] },
  tasks: { monitor: 'task-subpath', finishedMonitorGetDeletes: false, firstState: 'Running', managerJobs: false },
  patchReply: 'no-content',
};
