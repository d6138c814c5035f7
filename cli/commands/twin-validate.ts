import { InvalidSpecError, loadDatacenterSpec, summarizeDatacenter } from '../../twins/index.js';

/**
 * `drill twin validate FILE…`: a one-paragraph summary per valid spec; for an
 * invalid one `FILE: N problems` and one line per problem, placed as
 * `FILE:LINE:COL:` so terminals and editors can jump to it. Exit 0 when every
 * file is valid, 2 otherwise. Passwords named by passwordEnv are read from the
 * environment, as when the twin loads the spec.
 */
export async function twinValidate(files: readonly string[], out: (line: string) => void): Promise<number> {
  let code = 0;
  for (const file of files) {
    try {
      out(`${file}: ${summarizeDatacenter(await loadDatacenterSpec(file, { env: process.env }))}`);
    } catch (error) {
      if (!(error instanceof InvalidSpecError)) throw error;
      code = 2;
      out(`${file}: ${error.details.length} problem${error.details.length === 1 ? '' : 's'}`);
      for (const problem of error.details) out(`  ${file}:${problem.line === undefined ? '' : `${problem.line}:${problem.column}:`} ${problem.text}`);
    }
  }
  return code;
}
