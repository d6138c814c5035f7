import type { AttributeDef, RedfishFlavour } from './flavour.js';

const enabledDisabled = (name: string, displayName: string, defaultValue = 'Enabled'): AttributeDef => ({ name, displayName, type: 'Enumeration', values: ['Enabled', 'Disabled'], defaultValue });

/** The DMTF reference behaviour (public-rackmount1 mockup, DSP0266): every standard path, no quirks. */
export const DMTF: RedfishFlavour = {
  name: 'dmtf',
  description: 'DMTF reference service (Redfish specification and public mockups, no vendor quirks)',
  vendor: { manufacturer: 'Contoso', managerModel: 'Redfish Reference BMC', managerFirmware: '1.0.0', biosVersion: 'P79 v1.45', oem: 'Contoso', serviceTagInSku: false },
  ids: {
    system: '1',
    chassis: '1',
    manager: '1',
    storage: '1',
    processor: (i) => `CPU${i + 1}`,
    dimm: (i) => `DIMM${i + 1}`,
    drive: (i) => `Drive${i + 1}`,
    nic: (_i, name) => name,
    bmcNic: 'eth0',
    firstAccountId: 1,
    firmwareBmc: 'BMC',
    firmwareBios: 'BIOS',
  },
  power: {
    resetTypes: ['On', 'ForceOff', 'GracefulShutdown', 'GracefulRestart', 'ForceRestart', 'Nmi', 'ForceOn', 'PushPowerButton', 'PowerCycle'],
    resetStatus: 204,
    busyAfterResetMs: 0,
  },
  boot: { targets: ['None', 'Pxe', 'Hdd', 'Cd', 'UsbCd', 'BiosSetup'], enabled: ['Once', 'Continuous', 'Disabled'], modes: ['UEFI', 'Legacy'], targetChangeResetsEnabledAndMode: false },
  sessions: { limit: 64, defaultTimeoutSeconds: 1_800 },
  bios: {
    registryId: 'BiosAttributeRegistryP89.v1_0_0',
    // The attribute names of the DMTF public-rackmount1 mockup.
    attributes: [
      { name: 'AdminPhone', displayName: 'Admin phone number', type: 'String', maxLength: 32, defaultValue: '' },
      { name: 'BootMode', displayName: 'Boot mode', type: 'Enumeration', values: ['Uefi', 'LegacyBios'], defaultValue: 'Uefi' },
      { name: 'EmbeddedSata', displayName: 'Embedded SATA', type: 'Enumeration', values: ['Raid', 'Ahci'], defaultValue: 'Raid' },
      { name: 'NicBoot1', displayName: 'NIC 1 boot', type: 'Enumeration', values: ['NetworkBoot', 'Disabled'], defaultValue: 'NetworkBoot' },
      { name: 'NicBoot2', displayName: 'NIC 2 boot', type: 'Enumeration', values: ['NetworkBoot', 'Disabled'], defaultValue: 'Disabled' },
      { name: 'PowerProfile', displayName: 'Power profile', type: 'Enumeration', values: ['MaxPerf', 'Balanced', 'PowerSaver'], defaultValue: 'MaxPerf' },
      { name: 'ProcCoreDisable', displayName: 'Cores to disable', type: 'Integer', lowerBound: 0, upperBound: 16, defaultValue: 0 },
      enabledDisabled('ProcHyperthreading', 'Hyper-threading'),
      enabledDisabled('ProcTurboMode', 'Turbo mode'),
      enabledDisabled('ProcVirtualization', 'Virtualization technology'),
      { name: 'UsbControl', displayName: 'USB control', type: 'Enumeration', values: ['UsbEnabled', 'UsbDisabled'], defaultValue: 'UsbEnabled' },
      { name: 'SerialNumber', displayName: 'System serial number', type: 'String', maxLength: 32, defaultValue: '', readOnly: true },
    ],
    settingsSegment: 'Settings',
    apply: 'reset',
    requireIfMatch: false,
    settingsShows: 'merged',
  },
  storage: { controllerName: 'RAID controller', controllerModel: 'Contoso RAID 9000', volumes: 'standard', applyTimes: ['Immediate', 'OnReset'], defaultApplyTime: 'Immediate', deleteRejectsApplyTime: false },
  virtualMedia: {
    under: 'manager',
    slots: [
      { id: 'CD1', name: 'Virtual CD', mediaTypes: ['CD', 'DVD'] },
      { id: 'USB1', name: 'Virtual removable media', mediaTypes: ['USBStick'] },
    ],
    actions: true,
    insertRefusesInsertedFlags: false,
    imageUrlRefusesQuery: false,
    ejectNeedsJsonBody: false,
  },
  tasks: { monitor: 'monitors', finishedMonitorGetDeletes: false, firstState: 'Running', managerJobs: false },
  update: { durationMs: 60_000 },
  patchReply: 'resource',
  expand: undefined,
};

export { enabledDisabled };
