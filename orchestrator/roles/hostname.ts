import { z } from 'zod';
import type { AgentRole } from './role.js';
import { parseInputs, readyStateSpec } from './role.js';

const Inputs = z.object({
  hostname: z
    .string({ error: 'must be a host name — e.g. "r1-s3"' })
    .regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, { error: 'must be a host name (letters, digits, -, dot-separated labels) — e.g. "r1-s3"' })
    .optional(),
});

/** The static hostname: the `hostname` attribute, else the node's name. */
export const HOSTNAME_ROLE: AgentRole = {
  spec: readyStateSpec('hostname', ['hostname']),
  resources: (inputs, node) => [{ kind: 'hostname', name: parseInputs('hostname', Inputs, inputs).hostname ?? node }],
};
