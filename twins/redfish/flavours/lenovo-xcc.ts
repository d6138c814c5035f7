import { DMTF } from './dmtf.js';
import type { RedfishFlavour } from './flavour.js';

/**
 * Lenovo XClarity Controller-like. Reproduces:
 * - BIOS pending settings in `Bios/Pending`;
 * - at most 16 concurrent sessions, and a GET on a finished task's monitor deletes the task (field note 22);
 * - `BootSourceOverrideEnabled` allows only Once/Disabled, no Continuous (field note 23);
 * - no InsertMedia/EjectMedia actions: PATCH the VirtualMedia resource, with `Inserted` (field note 21),
 *   and the EXT/RDOC slot layout (field notes 8, 26).
 */
export const LENOVO_XCC: RedfishFlavour = {
  ...DMTF,
  name: 'lenovo-xcc',
  description: 'Lenovo XCC-like: Bios/Pending, 16 sessions, Once-only boot override, PATCH-only virtual media',
  vendor: { manufacturer: 'Lenovo', managerModel: 'XClarity Controller', managerFirmware: '4.20', biosVersion: 'TEE180J-3.10', oem: 'Lenovo', serviceTagInSku: false },
  ids: { ...DMTF.ids, storage: 'RAID_Slot1', processor: (i) => `${i + 1}`, dimm: (i) => `${i + 1}`, drive: (i) => `Disk.${i}`, nic: (i) => `NIC${i + 1}`, bmcNic: 'NIC', firmwareBmc: 'BMC-Primary', firmwareBios: 'UEFI' },
  power: { resetTypes: ['On', 'Nmi', 'GracefulShutdown', 'GracefulRestart', 'ForceOn', 'ForceOff', 'ForceRestart'], resetStatus: 204, busyAfterResetMs: 0 },
  boot: { ...DMTF.boot, enabled: ['Once', 'Disabled'] },
  sessions: { limit: 16, defaultTimeoutSeconds: 1_800 },
  bios: {
    registryId: 'BiosAttributeRegistry.1.0.0',
    attributes: [
      { name: 'BootModes_SystemBootMode', displayName: 'System Boot Mode', type: 'Enumeration', values: ['UEFIMode', 'LegacyMode'], defaultValue: 'UEFIMode' },
      { name: 'Processors_IntelVirtualizationTechnology', displayName: 'Intel Virtualization Technology', type: 'Enumeration', values: ['Enabled', 'Disabled'], defaultValue: 'Enabled' },
      { name: 'Processors_HyperThreading', displayName: 'Hyper-Threading', type: 'Enumeration', values: ['Enabled', 'Disabled'], defaultValue: 'Enabled' },
      { name: 'OperatingModes_ChooseOperatingMode', displayName: 'Choose Operating Mode', type: 'Enumeration', values: ['MaximumEfficiency', 'MaximumPerformance', 'MinimalPower', 'EfficiencyFavorPerformance', 'CustomMode'], defaultValue: 'EfficiencyFavorPerformance' },
      { name: 'DevicesandIOPorts_OnboardLANPort1', displayName: 'Onboard LAN Port 1', type: 'Enumeration', values: ['Enabled', 'Disabled'], defaultValue: 'Enabled' },
      { name: 'NetworkStackSettings_PXERetryCount', displayName: 'PXE Retry Count', type: 'Integer', lowerBound: 0, upperBound: 50, defaultValue: 0 },
    ],
    settingsSegment: 'Pending',
    apply: 'reset',
    requireIfMatch: false,
    settingsShows: 'merged',
  },
  storage: { ...DMTF.storage, controllerName: 'ThinkSystem RAID 930-8i', controllerModel: 'ThinkSystem RAID 930-8i 2GB Flash PCIe 12Gb Adapter' },
  virtualMedia: {
    ...DMTF.virtualMedia,
    slots: [
      { id: 'EXT1', name: 'Virtual media EXT1', mediaTypes: ['CD', 'DVD', 'USBStick'] },
      { id: 'RDOC1', name: 'Virtual media RDOC1', mediaTypes: ['CD', 'DVD'] },
    ],
    actions: false,
  },
  tasks: { monitor: 'monitors', finishedMonitorGetDeletes: true, firstState: 'Running', managerJobs: false },
};
