// DESIGN.md "Folders" and "Clock and Random" over the real source tree. When this
// fails, each line names the file, the place, what is wrong and how to fix it.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSources, DETERMINISM_EXEMPTIONS, formatViolation, readSourceTree } from './source-rules.js';

const ROOT_DIR = fileURLToPath(new URL('../..', import.meta.url));

describe('architecture boundaries of the source tree', () => {
  it('sees the source tree (a blind scan would pass vacuously)', async () => {
    const files = await readSourceTree(ROOT_DIR);
    expect(files.has('sim/index.ts')).toBe(true);
    expect([...files.keys()].every((file) => !file.includes('node_modules'))).toBe(true);
  });

  it('keeps the import graph, the public faces and determinism', async () => {
    const lines = checkSources(await readSourceTree(ROOT_DIR)).map(formatViolation);
    expect(lines, `${lines.length} architecture violation(s):\n${lines.join('\n')}\n`).toEqual([]);
  });

  it('exempts only files that exist (a renamed adapter must take its exemption along)', async () => {
    for (const file of DETERMINISM_EXEMPTIONS.keys()) await expect(access(path.join(ROOT_DIR, file))).resolves.toBeUndefined();
  });
});
