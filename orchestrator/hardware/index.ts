export { BIOS_PROFILE_ATTRIBUTE, BIOS_PROFILE_ROLE, BiosProfile, BiosProfileRunner } from './bios-profile.js';
export { RAID_LAYOUT_ATTRIBUTE, RAID_LAYOUT_ROLE, RaidLayout, RaidLayoutRunner } from './raid-layout.js';
export { bmcFailure, nodeAccess, resetForStagedChanges, type NodeAccess } from './node-access.js';
export { hardwareRoles, type RoleSet } from './role-set.js';
export { awaitBootReport, bootOnceFrom, type BootReportWait } from './network-boot.js';
