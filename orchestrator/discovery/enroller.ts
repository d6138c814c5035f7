import { BmcUnreachableError } from '../drivers/errors.js';
import type { BmcCredentials, CredentialVault } from '../credentials/index.js';
import type { BmcProtocol } from '../drivers/bmc-driver.js';
import type { Clock } from '../ports/clock.js';
import type { NodeInventory, Store } from '../store/index.js';
import { boundedMap, withDeadline } from './deadline.js';
import type { BmcDriverFactory } from './driver-factory.js';
import { failureKind, messageOf, type EnrollFailureKind } from './failure.js';
import { probeBmc } from './probe.js';
import { readInventory } from './read-inventory.js';
import { recordEnrollment } from './record-enrollment.js';
import { nodeNameFor, type EnrollTarget, type ProtocolChoice } from './targets.js';

export interface EnrollerOptions {
  readonly store: Store;
  readonly vault: CredentialVault;
  readonly drivers: BmcDriverFactory;
  readonly clock: Clock;
}

export interface EnrollRequest {
  readonly credentials: BmcCredentials;
  readonly protocol?: ProtocolChoice;
  /** Whole budget for one BMC: probe, inventory and commit. Default 60 s. */
  readonly timeoutMs?: number;
  /** Per request to the BMC. Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Tags the events of one batch, so a client can follow its own progress. */
  readonly batch?: string;
}

export interface EnrollBatchRequest extends EnrollRequest {
  readonly targets: readonly EnrollTarget[];
  /** BMCs worked on at once. Default 32. */
  readonly concurrency?: number;
  /** Called as each BMC finishes, in completion order. */
  readonly onResult?: (result: EnrollResult) => void;
}

export type EnrollResult =
  | {
      readonly ok: true;
      readonly address: string;
      readonly port: number;
      readonly node: string;
      readonly protocol: BmcProtocol;
      readonly manufacturer: string;
      readonly model: string;
      readonly firmwareVersion: string;
    }
  | { readonly ok: false; readonly address: string; readonly port: number | undefined; readonly reason: EnrollFailureKind; readonly message: string };

/**
 * IPMI's Get Device ID names the BMC's maker (often the BMC chip vendor) and a
 * product number; the FRU names the machine. Prefer the FRU where it has them.
 */
function productIdentity(inventory: NodeInventory): { manufacturer?: string; model?: string } {
  const fru = inventory.fru;
  if (inventory.source !== 'ipmi' || !fru) return {};
  const manufacturer = fru.productManufacturer ?? fru.boardManufacturer;
  const model = fru.productName ?? fru.boardProduct;
  return { ...(manufacturer ? { manufacturer } : {}), ...(model ? { model } : {}) };
}

export const ENROLL_DEFAULTS = { protocol: 'auto', timeoutMs: 60_000, requestTimeoutMs: 10_000, concurrency: 32 } as const;
export const MAX_ENROLL_CONCURRENCY = 256;

/**
 * Takes BMCs from "an address and a password" to inventoried nodes: probe,
 * detect the vendor, read the inventory, record the node. One BMC's failure
 * is its own result, never the batch's.
 */
export class Enroller {
  constructor(private readonly options: EnrollerOptions) {}

  async enroll(target: EnrollTarget, request: EnrollRequest): Promise<EnrollResult> {
    const { clock, drivers, store, vault } = this.options;
    const timeoutMs = request.timeoutMs ?? ENROLL_DEFAULTS.timeoutMs;
    const where = target.port === undefined ? target.address : `${target.address}:${target.port}`;
    try {
      return await withDeadline(
        clock,
        timeoutMs,
        () => new BmcUnreachableError(where, `Failed to enroll ${where}: no complete answer within ${timeoutMs} ms`),
        async (signal) => {
          const probed = await probeBmc({
            address: target.address,
            port: target.port,
            credentials: request.credentials,
            protocol: request.protocol ?? ENROLL_DEFAULTS.protocol,
            requestTimeoutMs: request.requestTimeoutMs ?? ENROLL_DEFAULTS.requestTimeoutMs,
            drivers,
            signal,
          });
          try {
            const inventory = await readInventory(probed.driver, clock.now(), signal);
            const identity = { ...probed.identity, ...productIdentity(inventory) };
            const bmc = {
              address: target.address,
              port: probed.port,
              protocol: probed.protocol,
              credentialsRef: vault.put(request.credentials),
              manufacturer: identity.manufacturer,
              model: identity.model,
              firmwareVersion: identity.firmwareVersion,
              ...(identity.uuid === undefined ? {} : { uuid: identity.uuid }),
              ...(identity.profile === undefined ? {} : { profile: identity.profile }),
            };
            const name = target.name ?? nodeNameFor(target.address, target.port);
            const { node } = await recordEnrollment(store, { name, bmc, inventory, batch: request.batch });
            return { ok: true, address: target.address, port: probed.port, node, protocol: probed.protocol, manufacturer: bmc.manufacturer, model: bmc.model, firmwareVersion: bmc.firmwareVersion };
          } finally {
            await probed.driver.close().catch(() => undefined);
          }
        },
      );
    } catch (error) {
      const result: EnrollResult = { ok: false, address: target.address, port: target.port, reason: failureKind(error), message: messageOf(error) };
      // Failures are events too: the operator following the stream sees every BMC's outcome.
      await store
        .commit([], [{ type: 'node.enroll-failed', subject: where, data: { reason: result.reason, message: result.message, ...(request.batch === undefined ? {} : { batch: request.batch }) } }])
        .catch(() => undefined);
      return result;
    }
  }

  /** Enrolls every target, at most `concurrency` at once; results in the order of `targets`. */
  async enrollAll(request: EnrollBatchRequest): Promise<EnrollResult[]> {
    const concurrency = request.concurrency ?? ENROLL_DEFAULTS.concurrency;
    if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= MAX_ENROLL_CONCURRENCY)) {
      throw new RangeError(`concurrency: ${concurrency} — use a whole number from 1 to ${MAX_ENROLL_CONCURRENCY}`);
    }
    return boundedMap(request.targets, concurrency, async (target) => {
      const result = await this.enroll(target, request);
      request.onResult?.(result);
      return result;
    });
  }
}
