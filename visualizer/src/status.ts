import type { ConnectionState } from './connection.js';
import { byId, el } from './dom.js';
import { FAULT_STYLE } from './faults.js';
import { LAYERS, LAYER_STYLE, type Layer } from './lifecycle.js';
import type { Scene } from './scene.js';

/** The connection badges in the header: one for the twin's stream, one for the orchestrator's. */
export function showBadge(which: 'twin' | 'orch', state: ConnectionState | 'unauthorized' | 'error' | 'no token', detail: string): void {
  const badge = byId(`conn-${which}`);
  badge.className = `conn ${state.replace(' ', '-')}`;
  badge.title = detail;
  byId(`conn-${which}-state`).textContent = state;
}

/** The red bar under the header; undefined hides it. */
export function showProblem(text: string | undefined): void {
  const box = byId('problem');
  box.hidden = text === undefined;
  box.textContent = text ?? '';
}

/** The legend: every lifecycle colour with how many servers show it, and the fault markers. */
export function renderLegend(scene: Scene): void {
  const counts = new Map<Layer, number>(LAYERS.map((l) => [l, 0]));
  for (let i = 0; i < scene.layers.length; i++) {
    const layer = LAYERS[scene.layers[i]!]!;
    counts.set(layer, (counts.get(layer) ?? 0) + 1);
  }
  byId('legend-items').replaceChildren(
    ...LAYERS.map((layer) =>
      el('li', { 'data-layer': layer }, el('span', { class: 'swatch', style: `background:${LAYER_STYLE[layer].colour}` }), el('span', { class: 'name' }, LAYER_STYLE[layer].label), el('span', { class: 'count' }, String(counts.get(layer) ?? 0))),
    ),
    ...Object.values(FAULT_STYLE).map((fault) => el('li', { class: 'fault' }, el('span', { class: 'corner', style: `border-top-color:${fault.colour}` }), el('span', { class: 'name' }, fault.label))),
  );
}
