import { z } from 'zod';
import { count, text } from './discovery-facts.js';

/** The wipe image's report (docs/provisioning.md `POST B/boot/wipe/NODE/done`). */
export const WipeReport = z.discriminatedUnion(
  'status',
  [
    z
      .object({
        status: z.literal('ok'),
        disks: z
          .array(
            z.object({ name: text('name'), serial: text('serial').optional(), sizeBytes: count('sizeBytes') }, { error: 'each disk must be an object — {name, serial, sizeBytes}' }).strict(),
            { error: 'disks must be a list — every disk the image erased, [{name, serial, sizeBytes}]' },
          )
          .max(256, { error: 'disks may list at most 256 disks' }),
      })
      .strict(),
    z
      .object({
        status: z.literal('failed'),
        message: z.string({ error: 'message must say why the wipe failed — e.g. "sdb: secure erase failed: I/O error"' }).max(4096, { error: 'message must be at most 4096 characters' }),
      })
      .strict(),
  ],
  { error: 'status must be "ok" or "failed" — {"status": "ok", "disks": […]} or {"status": "failed", "message": "…"}' },
);

export type WipeReport = z.infer<typeof WipeReport>;

interface DiskId {
  readonly name: string;
  readonly serial?: string | undefined;
}

/** By serial where both know one (names change with the kernel's probe order), else by name. */
const sameDisk = (a: DiskId, b: DiskId): boolean => (a.serial && b.serial ? a.serial === b.serial : a.name === b.name);

/**
 * The disks discovery saw in this machine that a wipe report leaves out: a
 * wipe that skipped one did not erase every disk, whatever its status says.
 */
export function disksLeftOut(seen: readonly DiskId[], erased: readonly DiskId[]): string[] {
  return seen.filter((d) => !erased.some((e) => sameDisk(d, e))).map((d) => (d.serial ? `${d.name} (serial ${d.serial})` : d.name));
}
