import { z } from 'zod';

/**
 * The declarative resources a work item carries (docs/provisioning.md "Work
 * items"). A real agent runs the shell rendered from them; the twin's model
 * agent applies them to its in-memory OS. Validated here, once, so the
 * renderer can trust every name and path it quotes.
 */

const noNewline = (s: string): boolean => !/[\n\r\0]/.test(s);

export const AbsolutePath = z
  .string({ error: 'path must be a string — e.g. "/etc/chrony/chrony.conf"' })
  .refine((p) => p.startsWith('/') && p.length > 1, { error: 'path must be absolute — e.g. "/etc/chrony/chrony.conf"' })
  .refine(noNewline, { error: 'path must not contain a newline or NUL — rename the file' })
  .refine((p) => !p.split('/').some((seg) => seg === '..' || seg === '.'), { error: 'path must not contain "." or ".." segments — give the normalized path' })
  .refine((p) => !p.endsWith('/'), { error: 'path must name a file, not end in "/" — drop the trailing slash' });

/** Debian package, systemd unit and POSIX user names: what their tools accept, nothing a shell could misread. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]*$/;
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@:-]*$/;
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const shellText = (what: string) =>
  z
    .string({ error: `${what} must be a string of shell — e.g. "systemctl is-active chrony"` })
    .min(1, { error: `${what} must not be empty — give the shell to run` })
    .refine((s) => !s.includes('\0'), { error: `${what} must not contain NUL — a shell cannot carry it` });

export const PackageResource = z
  .object({
    kind: z.literal('package'),
    name: z.string({ error: 'name must be a string — e.g. "chrony"' }).regex(PACKAGE_NAME, { error: 'name must be a Debian package name (lower-case letters, digits, + . -) — e.g. "chrony"' }),
    state: z.enum(['present', 'absent'], { error: 'state must be present or absent' }),
  })
  .strict();

export const FileResource = z
  .object({
    kind: z.literal('file'),
    path: AbsolutePath,
    content: z.string({ error: 'content must be a string — the whole file' }).refine((s) => !s.includes('\0'), { error: 'content must not contain NUL — binary files are not supported' }),
    mode: z.string({ error: 'mode must be an octal string — e.g. "0644"' }).regex(/^0?[0-7]{3}$/, { error: 'mode must be an octal string of permission bits — e.g. "0644" or "0600"' }),
    owner: z.string().regex(USER_NAME, { error: 'owner must be a user name — e.g. "root"' }).optional(),
    group: z.string().regex(USER_NAME, { error: 'group must be a group name — e.g. "root"' }).optional(),
  })
  .strict();

export const ServiceResource = z
  .object({
    kind: z.literal('service'),
    name: z.string({ error: 'name must be a string — e.g. "chrony"' }).regex(SERVICE_NAME, { error: 'name must be a systemd unit name — e.g. "chrony" or "docker.service"' }),
    enabled: z.boolean({ error: 'enabled must be true or false' }),
    running: z.boolean({ error: 'running must be true or false' }),
    restartOnChangeOf: z.array(AbsolutePath).optional(),
  })
  .strict();

export const UserResource = z
  .object({
    kind: z.literal('user'),
    name: z.string({ error: 'name must be a string — e.g. "ops"' }).regex(USER_NAME, { error: 'name must be a POSIX user name (lower-case, digits, _ -, up to 32) — e.g. "ops"' }),
    sshAuthorizedKeys: z.array(
      z.string({ error: 'each key must be a string — e.g. "ssh-ed25519 AAAA… ops@example"' }).refine(noNewline, { error: 'a key must be one line — split keys into separate entries' }),
      { error: 'sshAuthorizedKeys must be a list of public keys' },
    ),
    shell: AbsolutePath.optional(),
  })
  .strict();

export const HostnameResource = z
  .object({
    kind: z.literal('hostname'),
    name: z.string({ error: 'name must be a string — e.g. "r1-s3"' }).regex(HOST_NAME, { error: 'name must be a host name (letters, digits, -, dot-separated labels) — e.g. "r1-s3"' }),
  })
  .strict();

export const CommandResource = z.object({ kind: z.literal('command'), run: shellText('run'), creates: AbsolutePath.optional() }).strict();

export const CheckResource = z
  .object({
    kind: z.literal('check'),
    run: shellText('run'),
    description: z.string({ error: 'description must say what is checked — e.g. "chrony answers"' }).min(1).refine(noNewline, { error: 'description must be one line' }),
  })
  .strict();

export const Resource = z.discriminatedUnion('kind', [PackageResource, FileResource, ServiceResource, UserResource, HostnameResource, CommandResource, CheckResource], {
  error: 'kind must be one of package, file, service, user, hostname, command, check',
});

export type Resource = z.infer<typeof Resource>;
export type PackageResource = z.infer<typeof PackageResource>;
export type FileResource = z.infer<typeof FileResource>;
export type ServiceResource = z.infer<typeof ServiceResource>;
export type UserResource = z.infer<typeof UserResource>;
export type HostnameResource = z.infer<typeof HostnameResource>;
export type CommandResource = z.infer<typeof CommandResource>;
export type CheckResource = z.infer<typeof CheckResource>;

/** What the agent fetches: the resources and the shell rendered from them. */
export interface WorkItem {
  readonly id: string;
  readonly nodeRole: string;
  readonly attempt: number;
  readonly resources: readonly Resource[];
  readonly shell: string;
  /** The same shell, base64: lets a POSIX-sh agent without a JSON parser take it whole. */
  readonly shellBase64: string;
}

/** What the agent reports for one work item. */
export interface AgentResult {
  readonly exitStatus: number;
  /** The last 64 KiB of what the shell printed. */
  readonly output: string;
  readonly changed: boolean;
}

export const OUTPUT_LIMIT_BYTES = 64 * 1024;
