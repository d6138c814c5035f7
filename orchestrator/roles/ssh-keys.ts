import { z } from 'zod';
import type { AgentRole } from './role.js';
import { parseInputs, readyStateSpec } from './role.js';

const Inputs = z.object({
  'ssh.users': z
    .array(
      z
        .object({
          name: z.string({ error: 'must be a user name — e.g. "ops"' }).regex(/^[a-z_][a-z0-9_-]{0,31}$/, { error: 'must be a POSIX user name (lower-case, digits, _ -) — e.g. "ops"' }),
          keys: z.array(z.string().regex(/^(ssh-|ecdsa-|sk-)\S+ \S+( .*)?$/, { error: 'must be one OpenSSH public key line — e.g. "ssh-ed25519 AAAAC3… ops@laptop"' }), {
            error: 'must be a list of public keys',
          }),
          shell: z.string().regex(/^\/[^\s]*$/, { error: 'must be an absolute path — e.g. "/bin/bash"' }).optional(),
        },
        { error: 'each user must be {name, keys, shell?}' },
      )
      .strict(),
      { error: 'must be a list of users — e.g. [{"name": "ops", "keys": ["ssh-ed25519 AAAA… ops@laptop"]}]' },
    )
    .min(1, { error: 'must list at least one user — e.g. [{"name": "root", "keys": […]}]' }),
});

/** Users and exactly their authorized SSH keys, from `ssh.users`. */
export const SSH_KEYS_ROLE: AgentRole = {
  spec: readyStateSpec('ssh-keys', ['ssh.users']),
  resources: (inputs) =>
    parseInputs('ssh-keys', Inputs, inputs)['ssh.users'].map((user) => ({
      kind: 'user' as const,
      name: user.name,
      sshAuthorizedKeys: user.keys,
      ...(user.shell ? { shell: user.shell } : {}),
    })),
};
