import { isIP } from 'node:net';
import { z } from 'zod';
import type { AgentRole } from './role.js';
import { managedFile, parseInputs, readyStateSpec } from './role.js';

const DROP_IN = '/etc/systemd/resolved.conf.d/drill.conf';

const Inputs = z.object({
  'dns.nameservers': z
    .array(z.string().refine((s) => isIP(s) !== 0, { error: 'must be an IP address — e.g. "10.0.0.53"' }), { error: 'must be a list of resolver addresses — e.g. ["10.0.0.53"]' })
    .min(1, { error: 'must list at least one resolver — e.g. ["10.0.0.53"]' })
    .max(3, { error: 'at most 3 resolvers: the C library reads no more' }),
  'dns.search': z
    .array(z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, { error: 'must be a domain — e.g. "lab.example.com"' }), { error: 'must be a list of domains — e.g. ["lab.example.com"]' })
    .max(6, { error: 'at most 6 search domains' })
    .optional(),
  'dns.resolver': z.enum(['resolv.conf', 'systemd-resolved'], { error: 'must be "resolv.conf" (write it directly) or "systemd-resolved" (configure the stub resolver)' }).optional(),
});

/** The node's resolver: `/etc/resolv.conf` written directly, or systemd-resolved configured with a drop-in. */
export const DNS_CLIENT_ROLE: AgentRole = {
  spec: readyStateSpec('dns-client', ['dns.nameservers', 'dns.search', 'dns.resolver']),
  resources: (inputs) => {
    const parsed = parseInputs('dns-client', Inputs, inputs);
    const servers = parsed['dns.nameservers'];
    const search = parsed['dns.search'] ?? [];
    if (parsed['dns.resolver'] === 'systemd-resolved') {
      return [
        managedFile(DROP_IN, ['[Resolve]', `DNS=${servers.join(' ')}`, ...(search.length > 0 ? [`Domains=${search.join(' ')}`] : [])]),
        { kind: 'service', name: 'systemd-resolved', enabled: true, running: true, restartOnChangeOf: [DROP_IN] },
      ];
    }
    return [managedFile('/etc/resolv.conf', [...servers.map((s) => `nameserver ${s}`), ...(search.length > 0 ? [`search ${search.join(' ')}`] : [])])];
  },
};
