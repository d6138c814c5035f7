import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StaticMount } from '../../orchestrator/index.js';

/** The repository (or installed package) root: the nearest folder above this file with a package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Invariant violated: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

export interface VisualizerFiles {
  readonly mounts: readonly StaticMount[];
  /** Why the page cannot load, when its compiled code is missing. */
  readonly problem: string | undefined;
}

/**
 * What the orchestrator serves at `/ui/`: the page and its styles, the
 * browser code the build compiled (`npm run build`), and d3 from the installed
 * package — no CDN, nothing fetched at run time.
 */
export function visualizerFiles(): VisualizerFiles {
  const root = packageRoot();
  const compiled = join(root, 'dist', 'visualizer');
  const d3 = dirname(createRequire(import.meta.url).resolve('d3'));
  return {
    mounts: [
      { urlPath: '/ui', directory: join(root, 'visualizer', 'public') },
      { urlPath: '/ui/js', directory: compiled },
      { urlPath: '/ui/vendor/d3', directory: d3 },
    ],
    problem: existsSync(join(compiled, 'main.js')) ? undefined : `the visualizer is not built (${join('dist', 'visualizer', 'main.js')} is missing) — run npm run build`,
  };
}
