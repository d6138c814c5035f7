import type { Renderer } from './renderer.js';
import type { Scene } from './scene.js';

/** What tests and the benchmark read from the page (they never drive the servers through it). */
export interface VisualizerProbe {
  readonly serverCount: number;
  /** A server's centre in page coordinates, or undefined when it is not in the topology. */
  pointOf(name: string): { x: number; y: number } | undefined;
  /** A server's rectangle in page coordinates. */
  boxOf(name: string): { x: number; y: number; w: number; h: number } | undefined;
  /** The colour painted at a page point, `#rrggbb`. */
  colourAt(x: number, y: number): string;
  stats(): { frames: number; paints: number; latenciesMs: readonly number[]; firstPaintAtMs: number | undefined };
  /** Cuts both event streams as a network failure would; they resume by themselves. */
  dropConnections(): void;
}

declare global {
  interface Window {
    drillVisualizer?: VisualizerProbe;
  }
}

export function createProbe(scene: Scene, renderer: Renderer, mapHost: HTMLElement, dropConnections: () => void): VisualizerProbe {
  const canvas = mapHost.querySelector('canvas');
  if (!canvas) throw new Error('Invariant violated: the map has no canvas');
  const boxOf = (name: string): { x: number; y: number; w: number; h: number } | undefined => {
    const i = scene.indexOf(name);
    if (i === undefined) return undefined;
    const box = renderer.screenBoxOf(i);
    const r = mapHost.getBoundingClientRect();
    return { ...box, x: r.left + box.x, y: r.top + box.y };
  };
  return {
    serverCount: scene.layout.servers.length,
    pointOf: (name) => {
      const box = boxOf(name);
      return box && { x: box.x + box.w / 2, y: box.y + box.h / 2 };
    },
    boxOf,
    colourAt: (x, y) => {
      const r = mapHost.getBoundingClientRect();
      const dpr = window.devicePixelRatio || 1;
      const [red, green, blue] = canvas.getContext('2d')!.getImageData(Math.round((x - r.left) * dpr), Math.round((y - r.top) * dpr), 1, 1).data;
      return `#${[red, green, blue].map((c) => (c ?? 0).toString(16).padStart(2, '0')).join('')}`;
    },
    stats: () => ({ frames: renderer.frames, paints: renderer.paints, latenciesMs: renderer.latenciesMs, firstPaintAtMs: renderer.firstPaintAtMs }),
    dropConnections,
  };
}
