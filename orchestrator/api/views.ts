import type { NodeRecord, Versioned } from '../store/index.js';

/** A node as the API shows it: the inventory has its own endpoint (it is large), so lists stay small; of provisioning, only the boot intent. */
export function nodeView({ value, version }: Versioned<NodeRecord>) {
  const { inventory, provisioning, ...rest } = value;
  return { ...rest, version, ...(inventory ? { inventoriedAtMs: inventory.readAtMs } : {}), ...(provisioning ? { boot: provisioning.boot.kind } : {}) };
}
