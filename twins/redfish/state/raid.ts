export const RAID_TYPES = ['RAID0', 'RAID1', 'RAID5', 'RAID10'] as const;
export type RaidType = (typeof RAID_TYPES)[number];

/**
 * Usable bytes of a volume over drives of the given sizes: every member counts as
 * the smallest one (as controllers do), RAID1 mirrors two drives, RAID5 spends one
 * drive on parity, RAID10 stripes over mirrored pairs. Returns the reason when the
 * drive count does not fit the level.
 */
export function raidCapacityBytes(raid: RaidType, driveBytes: readonly number[]): number | string {
  const n = driveBytes.length;
  const smallest = Math.min(...driveBytes);
  switch (raid) {
    case 'RAID0':
      return n >= 1 ? n * smallest : 'RAID0 needs at least 1 drive';
    case 'RAID1':
      return n === 2 ? smallest : 'RAID1 needs exactly 2 drives';
    case 'RAID5':
      return n >= 3 ? (n - 1) * smallest : 'RAID5 needs at least 3 drives';
    case 'RAID10':
      return n >= 4 && n % 2 === 0 ? (n / 2) * smallest : 'RAID10 needs an even number of drives, at least 4';
  }
}
