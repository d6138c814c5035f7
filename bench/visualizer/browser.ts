import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Headless Chromium that stays on this machine: no sandbox (CI runs as root),
 * no GPU, no background traffic to the internet (updates, sync, field
 * trials). Playwright gives it a fresh profile and removes it on close.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * What the visualizer page exposes to tests and benchmarks (`window.drillVisualizer`),
 * as seen from Node: code passed to `page.evaluate` casts `globalThis` to this.
 */
export interface VisualizerPageGlobals {
  readonly drillVisualizer?: {
    readonly serverCount: number;
    pointOf(name: string): { x: number; y: number } | undefined;
    boxOf(name: string): { x: number; y: number; w: number; h: number } | undefined;
    colourAt(x: number, y: number): string;
    stats(): { frames: number; paints: number; latenciesMs: readonly number[]; firstPaintAtMs: number | undefined };
    dropConnections(): void;
  };
}
