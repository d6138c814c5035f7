import { z } from 'zod';
import type { AgentRole } from './role.js';
import { managedFile, onceFor, parseInputs, readyStateSpec } from './role.js';

const DOCKER_DROP_IN = '/etc/systemd/system/docker.service.d/http-proxy.conf';

const url = z.string({ error: 'must be a proxy URL — e.g. "http://proxy.lab:3128"' }).regex(/^https?:\/\/[^\s"'\\]+$/, { error: 'must be an http:// or https:// URL without spaces or quotes — e.g. "http://proxy.lab:3128"' });

const Inputs = z.object({
  'proxy.http': url,
  'proxy.https': url.optional(),
  'proxy.noProxy': z
    .array(z.string().regex(/^[A-Za-z0-9.:/*-]+$/, { error: 'must be a host, domain or CIDR — e.g. ".lab.example.com" or "10.0.0.0/8"' }), { error: 'must be a list — e.g. ["localhost", "10.0.0.0/8"]' })
    .optional(),
});

/** apt and Docker through the site's proxy. Docker picks the drop-in up now if it runs, or when it is installed. */
export const PROXY_ROLE: AgentRole = {
  spec: readyStateSpec('proxy', ['proxy.http', 'proxy.https', 'proxy.noProxy']),
  resources: (inputs) => {
    const parsed = parseInputs('proxy', Inputs, inputs);
    const http = parsed['proxy.http'];
    const https = parsed['proxy.https'] ?? http;
    const noProxy = parsed['proxy.noProxy'] ?? [];
    const dropIn = managedFile(DOCKER_DROP_IN, [
      '[Service]',
      `Environment="HTTP_PROXY=${http}" "HTTPS_PROXY=${https}"${noProxy.length > 0 ? ` "NO_PROXY=${noProxy.join(',')}"` : ''}`,
    ]);
    return [
      managedFile('/etc/apt/apt.conf.d/95drill-proxy', [`Acquire::http::Proxy "${http}";`, `Acquire::https::Proxy "${https}";`]),
      dropIn,
      onceFor('docker-proxy', dropIn.content, 'systemctl daemon-reload\nif systemctl is-active --quiet docker; then systemctl restart docker; fi'),
    ];
  },
};
