import { z } from 'zod';

/**
 * A work item as the agent API serves it (docs/provisioning.md "Work items"),
 * validated at the edge: the model agent applies `resources`; `shell` is what
 * a real agent would run instead.
 */
const name = (what: string, example: string) =>
  z.string({ error: `${what} must be a string — write e.g. ${example}` }).min(1, { error: `${what} is empty — write e.g. ${example}` });

const resource = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('package'), name: name('name', 'nginx'), state: z.enum(['present', 'absent'], { error: 'state must be present or absent — write state: present' }) }),
    z.object({
      kind: z.literal('file'),
      path: name('path', '/etc/ntp.conf').regex(/^\//, { error: 'path must be absolute — write e.g. /etc/ntp.conf' }),
      content: z.string({ error: 'content must be a string — write the whole file' }),
      mode: z.string({ error: 'mode must be an octal string — write e.g. "0644"' }).regex(/^0?[0-7]{3,4}$/, { error: 'mode must be an octal string — write e.g. "0644"' }),
      owner: name('owner', 'root'),
      group: name('group', 'root'),
    }),
    z.object({
      kind: z.literal('service'),
      name: name('name', 'chrony'),
      enabled: z.boolean({ error: 'enabled must be true or false' }),
      running: z.boolean({ error: 'running must be true or false' }),
      restartOnChangeOf: z.array(z.string(), { error: 'restartOnChangeOf must be a list of paths — write e.g. [/etc/chrony/chrony.conf]' }).optional(),
    }),
    z.object({
      kind: z.literal('user'),
      name: name('name', 'ops'),
      sshAuthorizedKeys: z.array(z.string(), { error: 'sshAuthorizedKeys must be a list of keys — write [] for none' }),
      shell: name('shell', '/bin/bash').optional(),
    }),
    z.object({ kind: z.literal('hostname'), name: name('name', 'lab-r1-u01') }),
    z.object({ kind: z.literal('command'), run: name('run', 'update-ca-certificates'), creates: name('creates', '/var/lib/done').optional() }),
    z.object({ kind: z.literal('check'), run: name('run', 'systemctl is-active chrony'), description: z.string({ error: 'description must be a string — say what the check proves' }) }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'kind must be one of package, file, service, user, hostname, command, check — see docs/provisioning.md' : undefined) },
);

const workItem = z.object({
  id: name('id', 'w-1'),
  nodeRole: z.string({ error: 'nodeRole must be a string' }),
  attempt: z.number({ error: 'attempt must be a number' }).int({ error: 'attempt must be a whole number' }),
  resources: z.array(resource, { error: 'resources must be a list — write [] for none' }),
  shell: z.string({ error: 'shell must be a string' }),
});

export type Resource = z.output<typeof resource>;
export type WorkItem = z.output<typeof workItem>;

export type ParsedWorkItem =
  | { readonly ok: true; readonly item: WorkItem }
  /** `id` when the body had a usable one, so the agent can report the item as failed. */
  | { readonly ok: false; readonly id: string | undefined; readonly problems: readonly string[] };

function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(item)';
}

/** A work item, or every problem with it as `path: problem — fix`. */
export function parseWorkItem(body: unknown): ParsedWorkItem {
  const result = workItem.safeParse(body);
  if (result.success) return { ok: true, item: result.data };
  const rawId = typeof body === 'object' && body !== null && 'id' in body ? (body as { id: unknown }).id : undefined;
  return {
    ok: false,
    id: typeof rawId === 'string' && rawId !== '' ? rawId : undefined,
    problems: result.error.issues.map((issue) => `${issuePath(issue.path)}: ${issue.message.includes(' — ') ? issue.message : `${issue.message} — see docs/provisioning.md`}`),
  };
}
