import { DMTF } from './dmtf.js';
import type { RedfishFlavour } from './flavour.js';

const LICENSE = 'SFT-DCMS-SINGLE';

/**
 * Supermicro X12-like. Reproduces:
 * - a feature that answers "license required": BIOS settings writes and firmware
 *   updates through Redfish need the out-of-band license (403 LicenseRequired) until
 *   the BMC is given it (`licenses` option);
 * - `UsbCd` as the virtual-media boot target (field note 27);
 * - `BootSourceOverrideEnabled` must be re-sent with every target change or it reverts
 *   to Once, and a target change resets the boot mode (field notes 30, 44);
 * - InsertMedia refuses `Inserted`/`WriteProtected` (field note 28) and image URLs
 *   with `?` or `=` (field note 29).
 */
export const SUPERMICRO: RedfishFlavour = {
  ...DMTF,
  name: 'supermicro',
  description: 'Supermicro X12-like: licensed BIOS/update features, UsbCd, boot override quirks',
  vendor: { manufacturer: 'Supermicro', managerModel: 'ASPEED AST2600', managerFirmware: '01.01.06', biosVersion: '1.4a', oem: 'Supermicro', serviceTagInSku: false },
  ids: { ...DMTF.ids, storage: 'HA-RAID', processor: (i) => `${i + 1}`, dimm: (i) => `${i + 1}`, drive: (i) => `Disk.Bay.${i}`, nic: (i) => `${i + 1}`, bmcNic: '1', firmwareBmc: 'BMC', firmwareBios: 'BIOS' },
  power: { resetTypes: ['On', 'ForceOff', 'GracefulShutdown', 'GracefulRestart', 'ForceRestart', 'Nmi', 'ForceOn'], resetStatus: 204, busyAfterResetMs: 0 },
  boot: { targets: ['None', 'Pxe', 'Hdd', 'UsbCd', 'BiosSetup'], enabled: ['Once', 'Continuous', 'Disabled'], modes: ['UEFI', 'Legacy'], targetChangeResetsEnabledAndMode: true },
  sessions: { limit: 10, defaultTimeoutSeconds: 1_800 },
  bios: {
    registryId: 'BiosAttributeRegistry.1.0.0',
    attributes: [
      { name: 'BootModeSelect', displayName: 'Boot mode select', type: 'Enumeration', values: ['LEGACY', 'UEFI', 'DUAL'], defaultValue: 'UEFI' },
      { name: 'IntelVirtualizationTechnology', displayName: 'Intel Virtualization Technology', type: 'Enumeration', values: ['Enable', 'Disable'], defaultValue: 'Enable' },
      { name: 'HyperThreading', displayName: 'Hyper-Threading', type: 'Enumeration', values: ['Enable', 'Disable'], defaultValue: 'Enable' },
      { name: 'SRIOVSupport', displayName: 'SR-IOV Support', type: 'Enumeration', values: ['Enable', 'Disable'], defaultValue: 'Disable' },
      { name: 'QuietBoot', displayName: 'Quiet Boot', type: 'Boolean', defaultValue: true },
      { name: 'PowerTechnology', displayName: 'Power Technology', type: 'Enumeration', values: ['Disable', 'Energy Efficient', 'Custom'], defaultValue: 'Energy Efficient' },
    ],
    settingsSegment: 'Settings',
    apply: 'reset',
    requireIfMatch: false,
    settingsShows: 'merged',
    license: LICENSE,
  },
  storage: { ...DMTF.storage, controllerName: 'Broadcom 3908 RAID', controllerModel: 'AOC-S3908L-H8IR', applyTimes: ['Immediate'], defaultApplyTime: 'Immediate' },
  virtualMedia: { ...DMTF.virtualMedia, slots: [{ id: 'CD1', name: 'Virtual Removable Media', mediaTypes: ['CD', 'DVD'] }], insertRefusesInsertedFlags: true, imageUrlRefusesQuery: true },
  update: { durationMs: 90_000, license: LICENSE },
};
