import type { OrchestratorNodeRole } from './wire.js';

/** Workload role badges: the short mark drawn on a server, by what its role name says it is. */
const BADGES: readonly { readonly match: RegExp; readonly badge: string; readonly colour: string }[] = [
  { match: /etcd/, badge: 'etcd', colour: '#7fd1ff' },
  { match: /swarm.*manager/, badge: 'swM', colour: '#59e0c5' },
  { match: /swarm/, badge: 'swW', colour: '#59e0c5' },
  { match: /(k8s|kube).*(master|control|api)/, badge: 'k8M', colour: '#8ab4ff' },
  { match: /(k8s|kube)/, badge: 'k8m', colour: '#8ab4ff' },
  { match: /ceph.*mon/, badge: 'cMon', colour: '#ffb870' },
  { match: /ceph.*osd/, badge: 'cOSD', colour: '#ffb870' },
];

export interface Badge {
  readonly badge: string;
  readonly colour: string;
}

export function badgesOf(roles: readonly OrchestratorNodeRole[]): Badge[] {
  const out: Badge[] = [];
  for (const role of roles) {
    const found = BADGES.find((b) => b.match.test(role.role.toLowerCase()));
    if (found && !out.some((b) => b.badge === found.badge)) out.push({ badge: found.badge, colour: found.colour });
  }
  return out;
}
