import { retryOnConflict, type EventInput, type NodeBmc, type NodeInventory, type NodeLifecycle, type NodeRecord, type Store, type Versioned } from '../store/index.js';
import { inventorySummary } from './read-inventory.js';

export interface Enrollment {
  /** The name to use when no node has this BMC yet. */
  readonly name: string;
  readonly bmc: NodeBmc;
  readonly inventory: NodeInventory;
  readonly batch: string | undefined;
}

/** Lifecycles before configuration: enrolling again walks them afresh. Later ones keep their place. */
const RESTARTABLE: ReadonlySet<NodeLifecycle | undefined> = new Set([undefined, 'enrolled', 'inventoried']);

/** The node that already owns this BMC endpoint (re-enrolling updates it, wherever it is named). */
export function nodeWithBmc(nodes: ReadonlyMap<string, Versioned<NodeRecord>>, address: string, port: number): Versioned<NodeRecord> | undefined {
  for (const node of nodes.values()) if (node.value.bmc?.address === address && node.value.bmc.port === port) return node;
  return undefined;
}

function plan(current: Versioned<NodeRecord> | undefined, e: Enrollment): { value: NodeRecord; events: EventInput[] } {
  const name = current?.value.name ?? e.name;
  const from = current?.value.lifecycle;
  const batch = e.batch === undefined ? {} : { batch: e.batch };
  const identity = { address: e.bmc.address, port: e.bmc.port, protocol: e.bmc.protocol, manufacturer: e.bmc.manufacturer, model: e.bmc.model, firmwareVersion: e.bmc.firmwareVersion };
  const restart = RESTARTABLE.has(from);
  const value: NodeRecord = {
    name,
    reachable: true,
    paused: current?.value.paused ?? false,
    attributes: current?.value.attributes ?? {},
    lifecycle: restart ? 'inventoried' : from!,
    bmc: e.bmc,
    inventory: e.inventory,
    // Re-enrolling learns the BMC again; what the provisioner knows of the machine stays.
    ...(current?.value.provisioning ? { provisioning: current.value.provisioning } : {}),
  };
  const events: EventInput[] = restart
    ? [
        { type: 'node.enrolled', subject: name, data: { from: from ?? null, to: 'enrolled', ...identity, ...batch } },
        { type: 'node.inventoried', subject: name, data: { from: 'enrolled', to: 'inventoried', ...inventorySummary(e.inventory), ...batch } },
      ]
    : [{ type: 'node.reinventoried', subject: name, data: { lifecycle: from!, ...identity, ...inventorySummary(e.inventory), ...batch } }];
  return { value, events };
}

/**
 * Creates or updates the node, its lifecycle transitions and their events in
 * one commit. A lost compare-and-set (a concurrent enrollment of the same
 * BMC, an operator edit) re-reads and decides again, a bounded number of times.
 */
export function recordEnrollment(store: Store, enrollment: Enrollment): Promise<{ node: string; version: number }> {
  return retryOnConflict(async () => {
    const nodes = await store.nodes();
    const current = nodeWithBmc(nodes, enrollment.bmc.address, enrollment.bmc.port) ?? nodes.get(enrollment.name);
    const { value, events } = plan(current, enrollment);
    const result = await store.commit([{ kind: 'node', value, expectedVersion: current?.version }], events);
    return { node: value.name, version: result.versions.get(`node:${value.name}`)! };
  });
}
