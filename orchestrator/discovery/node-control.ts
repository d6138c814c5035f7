import type { BmcDriver } from '../drivers/bmc-driver.js';
import type { CredentialVault } from '../credentials/index.js';
import type { Clock } from '../ports/clock.js';
import type { NodeRecord } from '../store/index.js';
import { BmcUnreachableError } from '../drivers/errors.js';
import { withDeadline } from './deadline.js';
import type { BmcDriverFactory } from './driver-factory.js';

export interface NodeControlOptions {
  readonly vault: CredentialVault;
  readonly drivers: BmcDriverFactory;
  readonly clock: Clock;
  /** Whole budget of one operation. Default 120 s. */
  readonly timeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

/**
 * Opens the driver an enrolled node's BMC speaks, with credentials from the
 * vault, runs one operation under a deadline, and closes the driver whatever
 * happened (BMC session pools are small).
 */
export class NodeControl {
  constructor(private readonly options: NodeControlOptions) {}

  async withDriver<T>(node: NodeRecord, work: (driver: BmcDriver, signal: AbortSignal) => Promise<T>): Promise<T> {
    const bmc = node.bmc;
    if (!bmc) throw new Error(`Invariant violated: node ${node.name} has no BMC; callers check enrollment first`);
    const { vault, drivers, clock } = this.options;
    const target = { host: bmc.address, port: bmc.port, credentials: vault.get(bmc.credentialsRef), requestTimeoutMs: this.options.requestTimeoutMs ?? 10_000 };
    const driver = bmc.protocol === 'redfish' ? drivers.redfish(target) : drivers.ipmi(target);
    const timeoutMs = this.options.timeoutMs ?? 120_000;
    try {
      return await withDeadline(clock, timeoutMs, () => new BmcUnreachableError(`${bmc.address}:${bmc.port}`, `Failed to reach the BMC of ${node.name}: no answer within ${timeoutMs} ms`), (signal) => work(driver, signal));
    } finally {
      await driver.close().catch(() => undefined);
    }
  }
}
