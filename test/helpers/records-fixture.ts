// A light experiment module for the run-records tests, written into a scratch folder: each repeat
// appends its index to ran.log (so a test can count how often every repeat ran), waits until the
// file `release` exists (so a test can hold a run in flight), and returns metrics derived from its
// seed and from a local import (helper.ts, so a test can change the module's code).
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './run-tsx.js';

/**
 * Writes the experiment (`repeats` repeats, seed 3, each taking `delay` ms once released) and its
 * helper into `dir`; returns its path.
 */
export function writeLightExperiment(dir: string, repeats = 6, delay = 0): string {
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'helper.ts'), 'export const offset = 0.5;\n');
  const file = join(dir, 'light.ts');
  const core = pathToFileURL(join(repoRoot, 'packages/ditto/src/experiments/index.ts')).href;
  writeFileSync(
    file,
    `import { appendFileSync, existsSync } from 'node:fs';
import { experiment } from ${JSON.stringify(core)};
import { offset } from './helper.js';
const here = new URL('./', import.meta.url);
export default experiment({
  name: 'light',
  repeats: ${repeats},
  seed: 3,
  better: { score: 'higher' },
  async run({ index, seed }) {
    appendFileSync(new URL('ran.log', here), index + '\\n');
    while (!existsSync(new URL('release', here))) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, ${delay}));
    return { score: Number(seed % 1000n) / 7 + offset, weightsHash: 'w' + seed };
  },
});
`,
  );
  return file;
}

/** How many times each repeat index ran, from ran.log in `dir`. */
export function runCounts(dir: string): Map<number, number> {
  const counts = new Map<number, number>();
  let text = '';
  try {
    text = readFileSync(join(dir, 'ran.log'), 'utf8');
  } catch {
    return counts;
  }
  for (const line of text.split('\n').filter(Boolean))
    counts.set(Number(line), (counts.get(Number(line)) ?? 0) + 1);
  return counts;
}

/** The result of a `ditto` command line run in a child process. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `ditto` command line from the sources with `node` (default this Node) in a child
 * process; `onStderr` may kill it (return true) once it has printed enough.
 */
export function runCli(
  args: string[],
  options: { node?: string; env?: NodeJS.ProcessEnv; onStderr?: (stderr: string) => boolean } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      options.node ?? process.execPath,
      ['--import', 'tsx', join(repoRoot, 'packages/ditto-node/src/cli/main.ts'), ...args],
      { cwd: repoRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!killed && options.onStderr?.(stderr)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
