import { z } from 'zod';
import type { AgentRole } from './role.js';
import { managedFile, parseInputs, readyStateSpec } from './role.js';

const CONF = '/etc/chrony/chrony.conf';

const Inputs = z.object({
  'ntp.servers': z
    .array(z.string().regex(/^[A-Za-z0-9.:-]+$/, { error: 'must be a host name or address — e.g. "10.0.0.1" or "0.debian.pool.ntp.org"' }), {
      error: 'must be a list of NTP servers — e.g. ["10.0.0.1"]',
    })
    .min(1, { error: 'must list at least one server — e.g. ["10.0.0.1"]' }),
});

/** chrony, synchronised to `ntp.servers`. */
export const NTP_ROLE: AgentRole = {
  spec: readyStateSpec('ntp', ['ntp.servers']),
  resources: (inputs) => {
    const servers = parseInputs('ntp', Inputs, inputs)['ntp.servers'];
    return [
      { kind: 'package', name: 'chrony', state: 'present' },
      managedFile(CONF, [
        ...servers.map((server) => `server ${server} iburst`),
        'driftfile /var/lib/chrony/chrony.drift',
        'keyfile /etc/chrony/chrony.keys',
        'logdir /var/log/chrony',
        'makestep 1.0 3',
        'rtcsync',
      ]),
      { kind: 'service', name: 'chrony', enabled: true, running: true, restartOnChangeOf: [CONF] },
    ];
  },
};
