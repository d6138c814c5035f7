import { MAX_RACK_UNITS } from './schema.js';

/**
 * The addressing rule: where a server's BMC and host interfaces live unless the
 * spec says otherwise. One rule for every network, so an address tells you the
 * rack and the unit:
 *
 *   address on network N = N.allocateFrom + rackIndex × 256 + rackUnit
 *
 * With the default bmc network (127.0.0.0/10 from 127.1.0.0) the BMC of rack r,
 * unit u is 127.(1 + ⌊r/256⌋).(r mod 256).u: rack 0's server at U1 answers on
 * 127.1.0.1, rack 300's server at U7 on 127.2.44.7. Rack indexes up to 16,127
 * fit below 127.64.0.0, where the default provisioning network starts.
 *
 * Ports: per-bmc addressing gives every BMC Redfish on 443 and IPMI on 623 of its
 * own address. shared-host puts every BMC on one address (for machines without
 * the whole loopback range) with
 *
 *   port = basePort + rackIndex × 64 + (rackUnit − 1)
 *
 * (Redfish from redfishBasePort, IPMI from ipmiBasePort), since a rack has at most
 * 64 units. Explicit addresses and ports in the spec override both rules.
 */
export const REDFISH_PORT = 443;
export const IPMI_PORT = 623;
/** A rack has at most this many units, so a rack's ports never spill into the next rack's block. */
export const UNITS_PER_PORT_BLOCK = MAX_RACK_UNITS;

/** May exceed 32 bits for a huge rack index: the caller reports it as outside the network. */
export function ruleAddress(allocateFrom: number, rackIndex: number, unit: number): number {
  return allocateFrom + rackIndex * 256 + unit;
}

export function rulePort(basePort: number, rackIndex: number, unit: number): number {
  return basePort + rackIndex * UNITS_PER_PORT_BLOCK + (unit - 1);
}
