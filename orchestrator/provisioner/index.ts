export { Provisioner, type ProvisionerOptions, type BootIntentInput } from './provisioner.js';
export { serveProvisioner, type ServeProvisionerOptions, type RunningProvisioner } from './serve.js';
export { DiscoveryBody, Mac, MAC_PATTERN, type DiscoveryFacts } from './discovery-facts.js';
export { matchDiscovery, nodeByMac, macsOf, type MatchedBy } from './node-match.js';
export { bootstrapScript, discoverScript, installScript, localScript, wipeScript } from './ipxe.js';
export { WipeReport } from './wipe-report.js';
export { ProvisionerError, type ProvisionerErrorCode } from './errors.js';
export { dnsmasqConfig, dnsmasqHosts, DnsmasqConfigInput, DnsmasqHost } from './dnsmasq.js';
