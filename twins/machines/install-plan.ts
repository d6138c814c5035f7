import { z } from 'zod';

/** `GET B/boot/install/NODE/plan` (docs/provisioning.md), validated before anything is written to disk. */
const text = (what: string) => z.string({ error: `${what} must be a string` }).min(1, { error: `${what} is empty` });
const url = (what: string) => text(what).refine((u) => URL.canParse(u), { error: `${what} is not a URL` });

const installPlan = z.object({
  node: text('node'),
  os: z.object({ name: text('os.name'), version: text('os.version') }, { error: 'os must be an object { name, version }' }),
  rootDisk: z.object({ serial: text('rootDisk.serial') }, { error: 'rootDisk must be an object { serial }' }),
  hostname: text('hostname'),
  agent: z.object(
    {
      api: url('agent.api').refine((u) => u.startsWith('https://'), { error: 'agent.api must be an https:// URL' }),
      token: text('agent.token'),
      script: url('agent.script'),
      caCertificatePem: text('agent.caCertificatePem').refine((pem) => pem.includes('-----BEGIN CERTIFICATE-----'), { error: 'agent.caCertificatePem is not a PEM certificate' }),
    },
    { error: 'agent must be an object { api, token, script, caCertificatePem }' },
  ),
});

export type InstallPlan = z.output<typeof installPlan>;

/** The plan, or its problems as `path: problem`. */
export function parseInstallPlan(body: unknown): { ok: true; plan: InstallPlan } | { ok: false; problems: readonly string[] } {
  const result = installPlan.safeParse(body);
  if (result.success) return { ok: true, plan: result.data };
  return { ok: false, problems: result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(plan)'}: ${issue.message}`) };
}
