import type { Filter } from './filter.js';
import type { Layout, ServerBox } from './layout.js';
import { LAYERS, layerOf, type Layer } from './lifecycle.js';
import { initialPhysical } from './physical.js';
import type { OrchestratorNode, OrchestratorNodeRole, TwinPhysicalState } from './wire.js';

/**
 * Everything the page knows about each server, indexed like the layout's
 * server boxes so the renderer reads flat arrays: layer (colour) and whether
 * the search matches. Records which changes are waiting to be painted and
 * when they happened, for the event-to-pixel figure.
 */
export class Scene {
  readonly layers: Uint8Array;
  readonly matches: Uint8Array;
  private readonly index = new Map<string, number>();
  private readonly physical: TwinPhysicalState[];
  private readonly nodes = new Map<string, OrchestratorNode>();
  private readonly roles = new Map<string, OrchestratorNodeRole[]>();
  private filter: Filter | undefined;
  /** Everything must be repainted (zoom, filter, selection, a new snapshot). */
  private dirty = true;
  /** Servers whose colour changed since the last paint; repainting just them is enough. */
  private changed = new Set<number>();
  /** When (epoch ms) each change not yet painted happened at its source. */
  private unpainted: number[] = [];
  selected: number | undefined;

  constructor(readonly layout: Layout) {
    const n = layout.servers.length;
    this.layers = new Uint8Array(n);
    this.matches = new Uint8Array(n).fill(1);
    this.physical = layout.servers.map((box, i) => {
      this.index.set(box.server.name, i);
      return initialPhysical(box.server.name);
    });
    for (let i = 0; i < n; i++) this.recompute(i);
  }

  indexOf(name: string): number | undefined {
    return this.index.get(name);
  }

  box(i: number): ServerBox {
    return this.layout.servers[i]!;
  }

  layer(i: number): Layer {
    return LAYERS[this.layers[i]!]!;
  }

  physicalOf(i: number): TwinPhysicalState {
    return this.physical[i]!;
  }

  nodeOf(i: number): OrchestratorNode | undefined {
    return this.nodes.get(this.box(i).server.name);
  }

  rolesOf(i: number): readonly OrchestratorNodeRole[] {
    return this.roles.get(this.box(i).server.name) ?? [];
  }

  /** `happenedAtMs`: when the change happened at its source (live only), for latency. */
  setPhysical(state: TwinPhysicalState, happenedAtMs?: number): void {
    const i = this.index.get(state.name);
    if (i === undefined) return;
    this.physical[i] = state;
    this.recompute(i);
    this.changed.add(i);
    if (happenedAtMs !== undefined) this.unpainted.push(happenedAtMs);
  }

  setOrchestrator(nodes: readonly OrchestratorNode[], nodeRoles: readonly OrchestratorNodeRole[]): void {
    this.nodes.clear();
    for (const node of nodes) this.nodes.set(node.name, node);
    this.roles.clear();
    for (const role of nodeRoles) {
      const list = this.roles.get(role.node);
      if (list) list.push(role);
      else this.roles.set(role.node, [role]);
    }
    for (let i = 0; i < this.physical.length; i++) this.recompute(i);
    this.dirty = true;
  }

  setFilter(filter: Filter | undefined): number {
    this.filter = filter;
    let count = 0;
    for (let i = 0; i < this.physical.length; i++) {
      this.matches[i] = this.matchesFilter(i) ? 1 : 0;
      count += this.matches[i]!;
    }
    this.dirty = true;
    return count;
  }

  select(i: number | undefined): void {
    this.selected = i;
    this.dirty = true;
  }

  invalidate(): void {
    this.dirty = true;
  }

  /** What to paint, once per frame: everything, or only the servers that changed (and the changes' source times). */
  takeDirty(): { readonly all: boolean; readonly changed: ReadonlySet<number>; readonly happenedAtMs: readonly number[] } {
    const taken = { all: this.dirty, changed: this.changed, happenedAtMs: this.unpainted };
    this.dirty = false;
    this.changed = new Set();
    this.unpainted = [];
    return taken;
  }

  private matchesFilter(i: number): boolean {
    if (!this.filter) return true;
    const box = this.box(i);
    return this.filter({ server: box.server, rack: box.rack, row: box.row, layer: this.layer(i), physical: this.physical[i], node: this.nodeOf(i), roles: this.rolesOf(i) });
  }

  private recompute(i: number): void {
    const layer = layerOf(this.physical[i], this.nodeOf(i), this.rolesOf(i));
    this.layers[i] = LAYERS.indexOf(layer);
    if (this.filter) this.matches[i] = this.matchesFilter(i) ? 1 : 0;
  }
}
