/**
 * The examples' tests run each example in fresh Node processes: the same bits there as here is
 * what "reproducible by hash across processes" means.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoRoot } from './run-tsx.js';

const run = promisify(execFile);

/**
 * Repeat 0 of each named experiment export of `moduleFile` (relative to the repository) in a
 * fresh Node process, as weights hashes by export name.
 */
export async function repeatZeroInFreshProcess(
  moduleFile: string,
  exportNames: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Record<string, string | undefined>> {
  const script = `
    import { runExperiment } from 'ditto';
    import * as module from ${JSON.stringify(`./${moduleFile}`)};
    const hashes = {};
    for (const name of ${JSON.stringify(exportNames)}) {
      const [result] = (await runExperiment(module[name], { repeats: 1 })).results;
      hashes[name] = result.weightsHash;
    }
    console.log(JSON.stringify(hashes));`;
  const { stdout } = await run(
    process.execPath,
    ['--conditions=ditto-source', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: repoRoot, env: { ...process.env, ...env } },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
}

/** An example's own command in a fresh Node process: the test accuracy and weights hash it prints. */
export async function runExampleCommand(moduleFile: string): Promise<{ accuracy: number; hash: string }> {
  const { stdout } = await run(
    process.execPath,
    ['--conditions=ditto-source', '--import', 'tsx', moduleFile],
    {
      cwd: repoRoot,
    },
  );
  const accuracy = /test accuracy ([\d.]+) %/.exec(stdout)?.[1];
  const hash = /weights hash ([0-9a-f]{64})/.exec(stdout)?.[1];
  if (accuracy === undefined || hash === undefined) throw new Error(`unexpected output:\n${stdout}`);
  return { accuracy: Number(accuracy) / 100, hash };
}
