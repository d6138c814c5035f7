import { DMTF, enabledDisabled } from './dmtf.js';
import type { RedfishFlavour } from './flavour.js';

/**
 * HPE iLO 5-like. Reproduces:
 * - ids `1`;
 * - If-Match required on the BIOS settings PATCH (428 without, 412 on mismatch);
 * - RAID not exposed through standard `Storage/Volumes` (SmartArray is OEM-only on iLO 5);
 * - EjectMedia needs a JSON body `{}` else 415 "Unsupported media type" (field note 16);
 * - a Reset soon after another is refused with 400 "invalid for current system state" (field note 17);
 * - `$expand=.` one level deep, `*` treated as `.`, forms it lacks ignored rather than refused.
 */
export const HPE_ILO5: RedfishFlavour = {
  ...DMTF,
  name: 'hpe-ilo5',
  description: 'HPE iLO 5-like: ids 1, If-Match on BIOS PATCH, no standard RAID volumes',
  vendor: { manufacturer: 'HPE', managerModel: 'iLO 5', managerFirmware: '2.78', biosVersion: 'U32 v2.72 (09/29/2022)', oem: 'Hpe', serviceTagInSku: false },
  ids: { ...DMTF.ids, storage: 'DE00A000', processor: (i) => `${i + 1}`, dimm: (i) => `proc${Math.floor(i / 8) + 1}dimm${(i % 8) + 1}`, drive: (i) => `${i}`, nic: (i) => `${i + 1}`, bmcNic: '1', firmwareBmc: '1', firmwareBios: '2' },
  power: { resetTypes: ['On', 'ForceOff', 'GracefulShutdown', 'ForceRestart', 'Nmi', 'PushPowerButton', 'GracefulRestart'], resetStatus: 200, busyAfterResetMs: 5_000 },
  sessions: { limit: 20, defaultTimeoutSeconds: 1_800 },
  bios: {
    registryId: 'BiosAttributeRegistryU32.v1_2_68',
    attributes: [
      { name: 'BootMode', displayName: 'Boot Mode', type: 'Enumeration', values: ['Uefi', 'LegacyBios'], defaultValue: 'Uefi' },
      enabledDisabled('ProcVirtualization', 'Virtualization Technology'),
      enabledDisabled('ProcHyperthreading', 'Intel(R) Hyperthreading'),
      enabledDisabled('Sriov', 'SR-IOV'),
      { name: 'WorkloadProfile', displayName: 'Workload Profile', type: 'Enumeration', values: ['GeneralPowerEfficientCompute', 'GeneralPeakFrequencyCompute', 'Virtualization-MaxPerformance', 'Custom'], defaultValue: 'GeneralPowerEfficientCompute' },
      { name: 'PowerRegulator', displayName: 'Power Regulator', type: 'Enumeration', values: ['DynamicPowerSavings', 'StaticLowPower', 'StaticHighPerf', 'OsControl'], defaultValue: 'DynamicPowerSavings' },
      { name: 'NetworkBootRetryCount', displayName: 'Network Boot Retry Count', type: 'Integer', lowerBound: 0, upperBound: 20, defaultValue: 20 },
      { name: 'AdminName', displayName: 'Administrator Name', type: 'String', maxLength: 28, defaultValue: '' },
    ],
    settingsSegment: 'Settings',
    apply: 'reset',
    requireIfMatch: true,
    settingsShows: 'merged',
  },
  storage: { ...DMTF.storage, controllerName: 'HPE Smart Array P408i-a SR Gen10', controllerModel: 'HPE Smart Array P408i-a SR Gen10', volumes: 'none' },
  virtualMedia: {
    ...DMTF.virtualMedia,
    slots: [
      { id: '1', name: 'VirtualMedia Floppy/USB', mediaTypes: ['Floppy', 'USBStick'] },
      { id: '2', name: 'VirtualMedia CD/DVD', mediaTypes: ['CD', 'DVD'] },
    ],
    ejectNeedsJsonBody: true,
  },
  // What iLO 5's service root advertises (ExpandAll false, NoLinks and Levels true, MaxLevels 1); `*` acts as `.`.
  expand: { expandAll: false, links: false, noLinks: true, levels: true, maxLevels: 1, lenient: true, refusedOnSystem: false },
};
