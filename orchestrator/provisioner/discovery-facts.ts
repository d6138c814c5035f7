import { z } from 'zod';

/** `52:54:00:12:34:56`: what iPXE's `${net0/mac}` gives and the BMC inventory stores. */
export const MAC_PATTERN = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

export const Mac = z
  .string({ error: 'mac must be a string — e.g. "52:54:00:12:34:56"' })
  .regex(MAC_PATTERN, { error: 'mac must be six lower-case hex pairs separated by colons — e.g. "52:54:00:12:34:56"' });

export const count = (what: string) => z.number({ error: `${what} must be a number — e.g. 2` }).int({ error: `${what} must be a whole number` }).min(0, { error: `${what} must be ≥ 0` });
export const text = (what: string) => z.string({ error: `${what} must be a string` }).max(256, { error: `${what} must be at most 256 characters — send the value as the machine reports it` });

/** The discovery image's report (docs/provisioning.md `POST B/boot/discovery`). */
export const DiscoveryBody = z
  .object({
    mac: Mac,
    facts: z
      .object(
        {
          system: z
            .object(
              {
                manufacturer: text('facts.system.manufacturer').optional(),
                productName: text('facts.system.productName').optional(),
                serialNumber: text('facts.system.serialNumber').optional(),
                uuid: text('facts.system.uuid').optional(),
              },
              { error: 'facts.system must be an object — {manufacturer, productName, serialNumber, uuid} from DMI' },
            )
            .strict(),
          cpu: z
            .object({ model: text('facts.cpu.model'), sockets: count('facts.cpu.sockets'), cores: count('facts.cpu.cores'), threads: count('facts.cpu.threads') }, { error: 'facts.cpu must be an object — {model, sockets, cores, threads}' })
            .strict(),
          memoryMiB: count('facts.memoryMiB'),
          nics: z
            .array(
              z
                .object({ name: text('name'), mac: Mac, speedMbps: count('speedMbps').optional(), link: z.boolean({ error: 'link must be true or false' }).optional() }, { error: 'each NIC must be an object — {name, mac, speedMbps, link}' })
                .strict(),
              { error: 'facts.nics must be a list — [{name, mac, speedMbps, link}]' },
            )
            .min(1, { error: 'facts.nics must not be empty — list at least the NIC the machine booted from' })
            .max(64, { error: 'facts.nics may list at most 64 NICs' }),
          disks: z
            .array(
              z
                .object(
                  { name: text('name'), sizeBytes: count('sizeBytes'), model: text('model').optional(), serial: text('serial').optional(), rotational: z.boolean({ error: 'rotational must be true or false' }).optional() },
                  { error: 'each disk must be an object — {name, sizeBytes, model, serial, rotational}' },
                )
                .strict(),
              { error: 'facts.disks must be a list — [{name, sizeBytes, model, serial, rotational}]' },
            )
            .max(256, { error: 'facts.disks may list at most 256 disks' }),
        },
        { error: 'facts must be an object — {system, cpu, memoryMiB, nics, disks}' },
      )
      .strict(),
  }, { error: 'the body must be a JSON object — {mac, facts}' })
  .strict();

export type DiscoveryBody = z.infer<typeof DiscoveryBody>;
export type DiscoveryFacts = DiscoveryBody['facts'];
