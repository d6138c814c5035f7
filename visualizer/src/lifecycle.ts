import type { NodeLifecycle, OrchestratorNode, OrchestratorNodeRole, TwinPhysicalState } from './wire.js';

/**
 * The one colour a server gets: its lifecycle layer, combining what the twin
 * sees physically (power, boot stage) with what the orchestrator knows (node
 * lifecycle, node-role errors). Pure, so live mode and replay agree.
 */
export const LAYERS = ['off', 'post', 'discovering', 'installing', 'ready', 'allocated', 'error', 'decommissioning', 'wiping', 'running'] as const;
export type Layer = (typeof LAYERS)[number];

export const LAYER_STYLE: Readonly<Record<Layer, { readonly label: string; readonly colour: string }>> = {
  off: { label: 'off', colour: '#3b4454' },
  post: { label: 'POST', colour: '#e9b949' },
  discovering: { label: 'discovering', colour: '#4fc3e8' },
  installing: { label: 'installing', colour: '#9b7bf4' },
  ready: { label: 'ready', colour: '#3ccf8e' },
  allocated: { label: 'allocated', colour: '#4a7dff' },
  error: { label: 'error', colour: '#ff4f61' },
  decommissioning: { label: 'decommissioning', colour: '#f08a3c' },
  wiping: { label: 'wiping disks', colour: '#c2548f' },
  running: { label: 'on, not provisioned', colour: '#a7b1c2' },
};

/** The twin's boot stages, by the layer they show; an unknown stage falls back to power. */
const STAGE_LAYER: Readonly<Record<string, Layer>> = {
  off: 'off',
  // Powered on but stopped: no bootable device, a failed install. Something to look at.
  halted: 'error',
  post: 'post',
  'network-boot': 'discovering',
  discovering: 'discovering',
  installing: 'installing',
  'booting-disk': 'installing',
  wiping: 'wiping',
};

const LIFECYCLE_LAYER: Readonly<Record<NodeLifecycle, Layer | undefined>> = {
  enrolled: undefined,
  inventoried: undefined,
  configured: undefined,
  provisioning: 'installing',
  ready: 'ready',
  allocated: 'allocated',
  decommissioning: 'decommissioning',
  wiped: 'decommissioning',
};

export function layerOf(physical: TwinPhysicalState | undefined, node: OrchestratorNode | undefined, roles: readonly OrchestratorNodeRole[]): Layer {
  if (roles.some((r) => r.state.kind === 'error')) return 'error';
  const managed = node?.lifecycle === undefined ? undefined : LIFECYCLE_LAYER[node.lifecycle];
  // A node being torn down shows as such, except while its disks are being erased: that is worth seeing.
  if (managed === 'decommissioning') return physical?.stage === 'wiping' ? 'wiping' : managed;
  if (physical === undefined) return managed ?? 'off';
  if (physical.power === 'Off' || physical.power === 'PoweringOff') return 'off';
  const staged = physical.stage === undefined ? undefined : STAGE_LAYER[physical.stage];
  if (staged !== undefined) return staged;
  if (physical.power === 'PoweringOn') return 'post';
  return managed ?? 'running';
}
