import type { BmcDriver, PowerState } from '../drivers/bmc-driver.js';
import { NotSupportedError } from '../drivers/errors.js';
import type { NodeProvisioning, NodeRecord } from '../store/index.js';
import { resetForStagedChanges, type NodeAccess } from './node-access.js';

/**
 * Boots the host once from `device` (the network, or the virtual CD): a
 * one-time UEFI override, then power on a host that is off or restart one
 * that is on, so the override is taken now. Redfish and IPMI both have it.
 */
export async function bootOnceFrom(node: NodeRecord, device: 'Pxe' | 'Cd', driver: BmcDriver, access: NodeAccess, signal: AbortSignal): Promise<PowerState> {
  if (!driver.capabilities.has('boot-override') || !driver.capabilities.has('power')) {
    throw new NotSupportedError(node.bmc ? `${node.bmc.address}:${node.bmc.port}` : node.name, `Failed to boot ${node.name} from ${device}: its BMC (${driver.protocol}) cannot set a one-time boot device and reset the host`);
  }
  await driver.setBootOverride({ device, persistent: false, mode: 'UEFI' }, signal);
  return resetForStagedChanges(node.name, driver, access.clock, signal);
}

export interface BootReportWait<T> {
  /** When the boot was asked for, on the access clock: reports from before do not count. */
  readonly since: number;
  readonly timeoutMs: number;
  readonly pollMs: number;
  /** What the node's provisioning says the booted image did, or undefined while it has not said. */
  outcome(provisioning: NodeProvisioning | undefined): T | undefined;
  /** Boots the node again; a result ends the wait with it. */
  bootAgain(): Promise<T | undefined>;
}

/**
 * Waits on the clock, polling the node, for what a network-booted image
 * reports; undefined when `timeoutMs` passes first. A node whose MACs its BMC
 * did not list (IPMI) is unknown to the boot server until it has been
 * discovered: that first boot only discovers it and powers off, so it is
 * booted once more. A node installed since is not: its OS is on its way up.
 */
export async function awaitBootReport<T>(access: NodeAccess, name: string, wait: BootReportWait<T>, signal?: AbortSignal): Promise<T | undefined> {
  let rebooted = false;
  for (let waited = 0; waited < wait.timeoutMs; waited += wait.pollMs) {
    await access.clock.sleep(wait.pollMs, signal);
    const p = (await access.node(name))?.provisioning;
    const outcome = wait.outcome(p);
    if (outcome !== undefined) return outcome;
    if (!rebooted && p?.discoveredAtMs !== undefined && p.discoveredAtMs >= wait.since && (p.installedAtMs ?? 0) < wait.since) {
      rebooted = true;
      const again = await wait.bootAgain();
      if (again !== undefined) return again;
    }
  }
  return undefined;
}
