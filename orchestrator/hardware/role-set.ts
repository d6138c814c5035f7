import type { RoleSpec } from '../annealer/index.js';
import type { RoleRunner } from '../engine/index.js';
import { BIOS_PROFILE_ROLE, BiosProfileRunner } from './bios-profile.js';
import type { NodeAccess } from './node-access.js';
import { RAID_LAYOUT_ROLE, RaidLayoutRunner } from './raid-layout.js';

/** Roles and the runners that do their work, as the orchestrator's catalog takes them. */
export interface RoleSet {
  readonly specs: readonly RoleSpec[];
  readonly runners: ReadonlyMap<string, RoleRunner>;
}

/** Layer 3 of ready state: the hardware configured through the BMC. */
export function hardwareRoles(access: NodeAccess): RoleSet {
  return {
    specs: [BIOS_PROFILE_ROLE, RAID_LAYOUT_ROLE],
    runners: new Map<string, RoleRunner>([
      [BIOS_PROFILE_ROLE.name, new BiosProfileRunner(access)],
      [RAID_LAYOUT_ROLE.name, new RaidLayoutRunner(access)],
    ]),
  };
}
