import { hasCapability, type BmcDriver } from '../drivers/bmc-driver.js';
import { BmcError } from '../drivers/errors.js';
import type { NodeInventory } from '../store/index.js';
import { readsHardwareInventory } from './probe.js';

/**
 * What the BMC can tell about its machine. Redfish lists components
 * (HardwareInventory); IPMI has FRU text and sensors. A BMC that lacks one
 * optional source still inventories; losing the BMC mid-way does not.
 */
export async function readInventory(driver: BmcDriver, readAtMs: number, signal: AbortSignal): Promise<NodeInventory> {
  if (driver.protocol === 'redfish' && readsHardwareInventory(driver)) {
    return { source: 'redfish', readAtMs, hardware: await driver.inventory(signal) };
  }
  const fru = hasCapability(driver, 'inventory') ? await optional(() => driver.fru(signal)) : undefined;
  const sensors = hasCapability(driver, 'sensors') ? await optional(() => driver.sensors(signal)) : undefined;
  return { source: driver.protocol, readAtMs, ...(fru ? { fru } : {}), ...(sensors ? { sensors } : {}) };
}

async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof BmcError && (error.code === 'BMC_UNSUPPORTED' || error.code === 'BMC_BAD_REQUEST')) return undefined;
    throw error;
  }
}

/** A few headline numbers for events and tables. */
export function inventorySummary(inventory: NodeInventory): Record<string, number | string> {
  const hw = inventory.hardware;
  if (hw) {
    return {
      processors: hw.processors.length,
      cores: hw.processors.reduce((sum, p) => sum + (p.cores ?? 0), 0),
      memoryMiB: hw.memory.reduce((sum, m) => sum + (m.capacityMiB ?? 0), 0),
      drives: hw.drives.length,
      nics: hw.nics.length,
    };
  }
  return { sensors: inventory.sensors?.length ?? 0, ...(inventory.fru?.productSerial ? { serial: inventory.fru.productSerial } : {}) };
}
