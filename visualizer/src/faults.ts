/** Where a fault struck, for its marker: the BMC, the server's links, or the machine itself. */
export type FaultPlace = 'bmc' | 'link' | 'node';

/** How long a marker stays after a strike (live: wall-clock ms; replay: trace ms). */
export const FAULT_VISIBLE_MS = 10_000;

export const FAULT_STYLE: Readonly<Record<FaultPlace, { readonly label: string; readonly colour: string }>> = {
  bmc: { label: 'BMC fault', colour: '#ff9f43' },
  link: { label: 'link cut', colour: '#ff5cf0' },
  node: { label: 'node crashed / hung', colour: '#ff2d55' },
};

const PLACES: Readonly<Record<string, FaultPlace>> = {
  'link-down': 'link',
  partition: 'link',
  crash: 'node',
  'post-hang': 'node',
  'power-on-ignored': 'node',
  'disk-failure': 'node',
  hang: 'node',
};

/** Network faults (latency, errors, resets) and BMC refusals strike the BMC unless the kind says otherwise. */
export function faultPlace(kind: string): FaultPlace {
  return PLACES[kind] ?? 'bmc';
}
