import type * as D3 from 'd3';

declare global {
  interface Window {
    d3: typeof D3;
  }
}

/**
 * d3 as the page loads it: its UMD bundle as a classic script (the browser
 * cannot resolve d3's bare module imports, and nothing is bundled at run time).
 */
export const d3: typeof D3 = window.d3;
