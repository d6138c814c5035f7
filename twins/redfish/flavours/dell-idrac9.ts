import { DMTF, enabledDisabled } from './dmtf.js';
import type { RedfishFlavour } from './flavour.js';

/**
 * Dell iDRAC9-like. Reproduces:
 * - ids `System.Embedded.1`, `iDRAC.Embedded.1`, FQDD-style component ids;
 * - BIOS changes are jobs, not PATCHes: pending settings apply only through a config
 *   job on the Manager's Jobs collection, or a PATCH carrying
 *   `@Redfish.SettingsApplyTime` that creates the job (field notes 7, 12);
 * - the service tag in `SKU`, the board serial in `SerialNumber` (field note 9);
 * - VirtualMedia under the System (field note 1);
 * - SimpleUpdate tasks start in state `New` (field note 8);
 * - volume DELETE refuses `@Redfish.OperationApplyTime` (field note 6), volumes apply at reset through a job;
 * - a small session pool (session exhaustion, field note 41);
 * - `$expand` one level deep, refused (400) on the ComputerSystem.
 */
export const DELL_IDRAC9: RedfishFlavour = {
  ...DMTF,
  name: 'dell-idrac9',
  description: 'Dell iDRAC9-like: FQDD ids, BIOS through config jobs, small session pool',
  vendor: { manufacturer: 'Dell Inc.', managerModel: '14G Monolithic', managerFirmware: '6.10.30.00', biosVersion: '2.19.1', oem: 'Dell', serviceTagInSku: true },
  ids: {
    system: 'System.Embedded.1',
    chassis: 'System.Embedded.1',
    manager: 'iDRAC.Embedded.1',
    storage: 'RAID.Integrated.1-1',
    processor: (i) => `CPU.Socket.${i + 1}`,
    dimm: (i) => `DIMM.Socket.${String.fromCharCode(65 + (i % 2))}${Math.floor(i / 2) + 1}`,
    drive: (i) => `Disk.Bay.${i}:Enclosure.Internal.0-1:RAID.Integrated.1-1`,
    nic: (i) => `NIC.Integrated.1-${i + 1}-1`,
    bmcNic: 'NIC.1',
    firstAccountId: 2,
    firmwareBmc: 'Installed-25227-6.10.30.00',
    firmwareBios: 'Installed-159-2.19.1',
  },
  power: { resetTypes: ['On', 'ForceOff', 'ForceRestart', 'GracefulRestart', 'GracefulShutdown', 'PushPowerButton', 'Nmi', 'PowerCycle'], resetStatus: 204, busyAfterResetMs: 0 },
  sessions: { limit: 8, defaultTimeoutSeconds: 1_800 },
  bios: {
    registryId: 'BiosAttributeRegistry.v1_0_0',
    attributes: [
      { name: 'BootMode', displayName: 'Boot Mode', type: 'Enumeration', values: ['Uefi', 'Bios'], defaultValue: 'Uefi' },
      enabledDisabled('ProcVirtualization', 'Virtualization Technology'),
      enabledDisabled('LogicalProc', 'Logical Processor'),
      enabledDisabled('SriovGlobalEnable', 'SR-IOV Global Enable', 'Disabled'),
      { name: 'SysProfile', displayName: 'System Profile', type: 'Enumeration', values: ['PerfPerWattOptimizedDapc', 'PerfPerWattOptimizedOs', 'PerfOptimized', 'Custom'], defaultValue: 'PerfPerWattOptimizedDapc' },
      enabledDisabled('PxeDev1EnDis', 'PXE Device1', 'Disabled'),
      { name: 'PxeDev1Interface', displayName: 'PXE Device1 Interface', type: 'String', maxLength: 64, defaultValue: 'NIC.Integrated.1-1-1' },
      { name: 'SerialComm', displayName: 'Serial Communication', type: 'Enumeration', values: ['OnNoConRedir', 'OnConRedirCom1', 'OnConRedirCom2', 'Off'], defaultValue: 'OnNoConRedir' },
      { name: 'MemTest', displayName: 'System Memory Testing', type: 'Enumeration', values: ['Enabled', 'Disabled'], defaultValue: 'Disabled' },
      { name: 'SystemServiceTag', displayName: 'Service Tag', type: 'String', maxLength: 7, defaultValue: '', readOnly: true },
    ],
    settingsSegment: 'Settings',
    apply: 'job',
    requireIfMatch: false,
    settingsShows: 'pending',
  },
  storage: { controllerName: 'PERC H740P Mini', controllerModel: 'PERC H740P Mini', volumes: 'standard', applyTimes: ['OnReset'], defaultApplyTime: 'OnReset', deleteRejectsApplyTime: true },
  virtualMedia: { ...DMTF.virtualMedia, under: 'system', slots: [{ id: '1', name: 'Virtual Optical Drive', mediaTypes: ['CD', 'DVD'] }, { id: '2', name: 'Virtual Removable Disk', mediaTypes: ['USBStick'] }] },
  tasks: { monitor: 'monitors', finishedMonitorGetDeletes: false, firstState: 'New', managerJobs: true },
  // `*`, `.` and `~`, one level (iDRAC9 Redfish API guide, "Query parameters"), but not on the ComputerSystem.
  expand: { expandAll: true, links: true, noLinks: true, levels: true, maxLevels: 1, lenient: false, refusedOnSystem: true },
};
