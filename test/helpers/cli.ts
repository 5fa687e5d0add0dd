import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './run-tsx.js';

/** tsx's loader by URL, so a process started in any folder finds it. */
const tsxLoader = pathToFileURL(createRequire(join(repoRoot, 'package.json')).resolve('tsx')).href;

/** The `ditto` command from its TypeScript sources. */
export const cliMain = join(repoRoot, 'packages/ditto-node/src/cli/main.ts');

/** What one `ditto` invocation printed and returned. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `ditto <args>` in a fresh Node process (sources through tsx, with the ditto-source condition)
 * and returns its exit code and output, whatever the code. Killed after `timeout` ms.
 */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=ditto-source', '--import', tsxLoader, cliMain, ...args],
      {
        cwd: options.cwd ?? repoRoot,
        env: { ...process.env, NO_COLOR: '1', ...options.env },
        timeout: options.timeout ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
