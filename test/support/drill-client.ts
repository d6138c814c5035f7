import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** The admin token `drill up` (or `drill serve`) printed at first start in `output`. */
export function adminToken(output: string): string {
  return /admin API token \(shown this once; export it as DRILL_TOKEN\): (\S+)/.exec(output)![1]!;
}

/** Runs `drill ARGS --state-dir STATE` with the admin token that `drill up` (or `drill serve`) printed in `output`; never rejects. */
export function drillAgainst(stateDir: string, output: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const token = adminToken(output);
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args, '--state-dir', stateDir], { env: { ...process.env, DRILL_TOKEN: token } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}
