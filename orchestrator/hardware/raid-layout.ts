import { z } from 'zod';
import type { RoleSpec, RunResult } from '../annealer/index.js';
import { hasCapability, type BmcDriver, type DriveInfo, type RaidConfigurator, type RaidLevel, type RaidVolume, type RaidVolumeSpec } from '../drivers/bmc-driver.js';
import type { RoleRunner, RunRequest } from '../engine/index.js';
import { bmcFailure, enrolledNode, resetForStagedChanges, type NodeAccess } from './node-access.js';

export const RAID_LAYOUT_ATTRIBUTE = 'raid.layout';

export const RAID_LAYOUT_ROLE: RoleSpec = {
  name: 'raid-layout',
  requires: [],
  after: [],
  cluster: false,
  local: true,
  inputs: [RAID_LAYOUT_ATTRIBUTE],
  outputs: ['raid.volumes'],
  retry: { maxAttempts: 3, baseDelayMs: 5_000, maxDelayMs: 60_000 },
};

const RAID_LEVELS = ['RAID0', 'RAID1', 'RAID5', 'RAID6', 'RAID10', 'RAID50', 'RAID60'] as const satisfies readonly RaidLevel[];

/**
 * Volumes by name, each on `drives` drives picked from the node's inventory:
 * the same media type, smallest first, ids in order, so the same hardware
 * always gets the same layout.
 */
export const RaidLayout = z.array(
  z
    .object({
      name: z.string().regex(/^[A-Za-z0-9_-]{1,15}$/, { error: 'name: letters, digits, _ or -, up to 15 (controllers keep names short) — e.g. os' }),
      raidLevel: z.enum(RAID_LEVELS, { error: `raidLevel must be one of ${RAID_LEVELS.join(', ')}` }),
      drives: z.number().int().min(1, { error: 'drives must be a whole number of drives ≥ 1' }),
      mediaType: z.enum(['HDD', 'SSD'], { error: 'mediaType must be HDD or SSD' }).optional(),
    })
    .strict(),
  { error: `${RAID_LAYOUT_ATTRIBUTE} lists volumes — e.g. [{name: os, raidLevel: RAID1, drives: 2, mediaType: SSD}]` },
);

type VolumeWanted = z.infer<typeof RaidLayout>[number];

const matchesName = (volume: RaidVolume, wanted: VolumeWanted) => volume.name === wanted.name;
const matchesLevel = (volume: RaidVolume, wanted: VolumeWanted) => volume.raidLevel === undefined || volume.raidLevel === wanted.raidLevel;
/** Volumes name their drives by resource path, inventories by Id (or path): either matches. */
const holds = (handles: ReadonlySet<string>, drive: DriveInfo) => [...handles].some((h) => h === drive.id || h.endsWith(`/${drive.id}`));

/** Drives for each new volume, from those no kept volume uses; a volume that cannot be placed is a problem. */
function place(wanted: readonly VolumeWanted[], drives: readonly DriveInfo[], used: ReadonlySet<string>): RaidVolumeSpec[] | string {
  const free = drives
    .filter((d) => !holds(used, d))
    .sort((a, b) => (a.capacityBytes ?? 0) - (b.capacityBytes ?? 0) || (a.id < b.id ? -1 : 1));
  const specs: RaidVolumeSpec[] = [];
  for (const volume of wanted) {
    const pool = free.filter((d) => volume.mediaType === undefined || d.mediaType === volume.mediaType);
    if (pool.length < volume.drives) {
      return `volume ${volume.name} needs ${volume.drives} ${volume.mediaType ?? ''} drives and only ${pool.length} are free — change ${RAID_LAYOUT_ATTRIBUTE} or the hardware`.replace('  ', ' ');
    }
    const chosen = pool.slice(0, volume.drives);
    for (const d of chosen) free.splice(free.indexOf(d), 1);
    specs.push({ name: volume.name, raidLevel: volume.raidLevel, drives: chosen.map((d) => d.id), ...(chosen[0]?.controller ? { controller: chosen[0].controller } : {}) });
  }
  return specs;
}

/**
 * Makes the controller's volumes exactly the layout: a volume of the right
 * name and level stays, any other volume is deleted, and missing ones are
 * created on free drives. Changes that wait for a reset or a job report
 * `incomplete` after resetting the host; the next run checks the result.
 */
export class RaidLayoutRunner implements RoleRunner {
  constructor(private readonly access: NodeAccess) {}

  async run(request: RunRequest, signal: AbortSignal): Promise<RunResult> {
    const node = await enrolledNode(this.access, request.nodeRole.node);
    if (typeof node === 'string') return { status: 'failed', message: node, retryable: false };
    const layout = RaidLayout.safeParse(request.inputs[RAID_LAYOUT_ATTRIBUTE] ?? []);
    if (!layout.success) {
      return { status: 'failed', message: layout.error.issues.map((i) => `${[RAID_LAYOUT_ATTRIBUTE, ...i.path.map(String)].join('.')}: ${i.message}`).join('; '), retryable: false };
    }
    return this.access.withDriver(node, async (driver, signal2): Promise<RunResult> => {
      const both = AbortSignal.any([signal, signal2]);
      if (!hasCapability(driver, 'raid')) {
        return { status: 'failed', message: `the BMC of ${node.name} (${driver.protocol}) cannot configure RAID — take this node out of the raid-layout binding`, retryable: false };
      }
      return this.converge(node.name, driver, layout.data, node.inventory?.hardware?.drives ?? [], both);
    }).catch(bmcFailure);
  }

  /** `drives` from the inventory read at enrollment: drives do not come and go between runs. */
  private async converge(node: string, driver: BmcDriver & RaidConfigurator, wanted: readonly VolumeWanted[], drives: readonly DriveInfo[], signal: AbortSignal): Promise<RunResult> {
    const volumes = await driver.volumes(signal);
    const kept = volumes.filter((v) => wanted.some((w) => matchesName(v, w) && matchesLevel(v, w)));
    const extra = volumes.filter((v) => !kept.includes(v));
    const missing = wanted.filter((w) => !kept.some((v) => matchesName(v, w)));
    if (extra.length === 0 && missing.length === 0) {
      return { status: 'ok', outputs: { 'raid.volumes': wanted.map((w) => w.name) } };
    }
    const specs = place(missing, drives, new Set(kept.flatMap((v) => v.drives)));
    if (typeof specs === 'string') return { status: 'failed', message: specs, retryable: false };
    let waits = false;
    for (const volume of extra) waits = (await driver.deleteVolume(volume.id, signal)).kind !== 'done' || waits;
    // A create on drives a pending delete still holds would fail: create after the reset.
    if (!waits) for (const spec of specs) waits = (await driver.createVolume(spec, signal)).kind !== 'done' || waits;
    if (!waits) return { status: 'incomplete', message: `deleted ${extra.length} and created ${specs.length} volumes; checking` };
    await resetForStagedChanges(node, driver, this.access.clock, signal);
    return { status: 'incomplete', message: `RAID changes wait for a reset: host reset to apply them`, reboot: true };
  }
}
