import { badgesOf } from './badges.js';
import { el } from './dom.js';
import { FAULT_STYLE, faultPlace } from './faults.js';
import { inventoryLines } from './inventory.js';
import { LAYER_STYLE } from './lifecycle.js';
import type { Scene } from './scene.js';
import { stateText } from './role-state.js';
import type { OrchestratorInventory } from './wire.js';

function row(label: string, value: string | Node): HTMLElement {
  return el('div', { class: 'kv' }, el('span', { class: 'k' }, label), el('span', { class: 'v' }, value));
}

function outputsText(outputs: Readonly<Record<string, unknown>> | undefined): string {
  if (!outputs || Object.keys(outputs).length === 0) return '—';
  return JSON.stringify(outputs, null, 1).slice(0, 400);
}

/** The side panel for the selected server: the twin's view (BMC, power, stage) and the orchestrator's (lifecycle, roles). */
/** `inventory`: what the orchestrator read from the BMC, or why it could not be read. */
export function renderPanel(host: HTMLElement, scene: Scene, index: number | undefined, inventory?: OrchestratorInventory | string): void {
  if (index === undefined) {
    host.replaceChildren(el('p', { class: 'hint' }, 'Click a server to see its BMC, inventory, power and roles. Scroll to zoom, drag to pan.'));
    return;
  }
  const box = scene.box(index);
  const { server } = box;
  const physical = scene.physicalOf(index);
  const node = scene.nodeOf(index);
  const roles = scene.rolesOf(index);
  const layer = scene.layer(index);
  const swatch = el('span', { class: 'swatch', style: `background:${LAYER_STYLE[layer].colour}` });
  const bmcUrl = server.redfishPort === undefined ? `ipmi ${server.bmcAddress}:${server.ipmiPort}` : `https://${server.bmcAddress}${server.redfishPort === 443 ? '' : `:${server.redfishPort}`}`;
  const model = node?.bmc ? `${node.bmc.manufacturer} ${node.bmc.model}, BMC firmware ${node.bmc.firmwareVersion}` : `${server.manufacturer} ${server.model} (spec)`;
  host.replaceChildren(
    el('h2', { 'data-server': server.name }, server.name),
    el('div', { class: 'layer' }, swatch, LAYER_STYLE[layer].label),
    el('h3', {}, 'Hardware'),
    row('location', `${box.site} / row ${box.row} / ${box.rack} / U${server.unit}${server.heightU > 1 ? `–U${server.unit + server.heightU - 1}` : ''}`),
    row('BMC', `${server.flavour}${server.modifiers.length > 0 ? ` (${server.modifiers.join(', ')})` : ''}`),
    row('BMC address', bmcUrl),
    row('model', model),
    row('template', server.template),
    row('networks', server.networks.map((n) => `${n.network} ${n.address}`).join(', ') || '—'),
    el('h3', {}, 'Physical (twin)'),
    row('power', physical.power),
    row('stage', physical.stage === undefined ? '—' : `${physical.stage}${physical.stageDetail ? ` (${physical.stageDetail})` : ''}`),
    row('boot device', physical.bootDevice ?? '—'),
    row('last fault', physical.lastFault ? `${FAULT_STYLE[faultPlace(physical.lastFault.kind)].label}: ${physical.lastFault.kind} (${physical.lastFault.id})` : '—'),
    el('h3', {}, 'Orchestrator'),
    row('lifecycle', node?.lifecycle ?? (node ? 'unmanaged' : 'not enrolled')),
    row('reachable', node ? (node.reachable ? 'yes' : 'no') : '—'),
    row('protocol', node?.bmc ? `${node.bmc.protocol}${node.bmc.profile ? ` (${node.bmc.profile})` : ''}` : '—'),
    row('badges', badgesOf(roles).map((b) => b.badge).join(' ') || '—'),
    el('h3', {}, 'Inventory (from the BMC)'),
    ...(inventory === undefined ? [row('inventory', node?.lifecycle ? 'reading…' : '—')] : typeof inventory === 'string' ? [row('inventory', inventory)] : inventoryLines(inventory).map(([label, text]) => row(label, text))),
    el('h3', {}, `Node-roles (${roles.length})`),
    ...roles.map((r) =>
      el(
        'div',
        { class: `role ${r.state.kind}` },
        el('div', { class: 'role-head' }, el('b', {}, r.role), ` ${stateText(r)} · runs ${r.runCount}`),
        el('div', { class: 'role-out' }, `last output: ${outputsText(r.lastOutputs)}`),
        ...(r.lastError ? [el('div', { class: 'role-err' }, `last error: ${r.lastError}`)] : []),
      ),
    ),
  );
}
