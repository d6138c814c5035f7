import type { BmcDriver, BmcIdentity, BmcProtocol, HardwareInventoryReader } from '../drivers/bmc-driver.js';
import { BmcError } from '../drivers/errors.js';
import type { BmcCredentials } from '../credentials/index.js';
import type { BmcDriverFactory } from './driver-factory.js';
import { IPMI_DEFAULT_PORT, REDFISH_DEFAULT_PORT, type ProtocolChoice } from './targets.js';

export interface Probed {
  readonly protocol: BmcProtocol;
  readonly port: number;
  readonly driver: BmcDriver;
  readonly identity: BmcIdentity & { readonly profile?: string };
}

export interface ProbeRequest {
  readonly address: string;
  readonly port: number | undefined;
  readonly credentials: BmcCredentials;
  readonly protocol: ProtocolChoice;
  readonly requestTimeoutMs: number;
  readonly drivers: BmcDriverFactory;
  readonly signal: AbortSignal;
}

/** Errors after which the other protocol is worth a try: nothing (or not Redfish) answered. Auth and busy are answers. */
function worthFallingBack(error: unknown): boolean {
  return error instanceof BmcError && (error.code === 'BMC_UNREACHABLE' || error.code === 'BMC_UNSUPPORTED' || error.code === 'BMC_PROTOCOL' || error.code === 'BMC_BAD_REQUEST');
}

async function attempt(protocol: BmcProtocol, request: ProbeRequest): Promise<Probed> {
  const port = request.port ?? (protocol === 'redfish' ? REDFISH_DEFAULT_PORT : IPMI_DEFAULT_PORT);
  const target = { host: request.address, port, credentials: request.credentials, requestTimeoutMs: request.requestTimeoutMs };
  const driver: BmcDriver = protocol === 'redfish' ? request.drivers.redfish(target) : request.drivers.ipmi(target);
  try {
    return { protocol, port, driver, identity: await driver.probe(request.signal) };
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Finds who answers at an address: Redfish first (richer inventory, every
 * modern BMC), then IPMI when Redfish is absent or refuses to be Redfish.
 * With `auto` a port, if given, is the Redfish port; IPMI keeps 623.
 * When both fail, the more telling error wins: an IPMI auth failure over a
 * Redfish "nothing there", a Redfish "not Redfish" over an IPMI silence.
 */
export async function probeBmc(request: ProbeRequest): Promise<Probed> {
  if (request.protocol !== 'auto') return attempt(request.protocol, request);
  try {
    return await attempt('redfish', request);
  } catch (redfishError) {
    if (!worthFallingBack(redfishError) || request.signal.aborted) throw redfishError;
    try {
      return await attempt('ipmi', { ...request, port: undefined });
    } catch (ipmiError) {
      const redfishSaidSomething = redfishError instanceof BmcError && redfishError.code !== 'BMC_UNREACHABLE';
      const ipmiSilent = ipmiError instanceof BmcError && ipmiError.code === 'BMC_UNREACHABLE';
      throw redfishSaidSomething && ipmiSilent ? redfishError : ipmiError;
    }
  }
}

export function readsHardwareInventory(driver: BmcDriver): driver is BmcDriver & HardwareInventoryReader {
  return typeof (driver as Partial<HardwareInventoryReader>).inventory === 'function';
}
