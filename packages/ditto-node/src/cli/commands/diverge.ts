import type { Command } from 'commander';
import { divergeScript, type TwinSetting } from '../../audit/diverge.js';
import { formatDivergeResult } from '../../audit/diverge-report.js';
import { integerArgument } from '../arguments.js';
import { repeatIndex } from './check.js';

interface DivergeCommandOptions {
  workers: string;
  backend: string;
  seed?: string;
  repeat?: string;
  sequential?: boolean;
  export?: string;
  json?: boolean;
}

/** "a" or "a,b" → [a, b] (b defaults to a). */
function pair(text: string, name: string): [string, string] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length > 2 || parts.some((p) => p === ''))
    throw new Error(`--${name}: give one value or two separated by a comma, got '${text}'`);
  return [parts[0], parts[1] ?? parts[0]];
}

const workerCount = integerArgument('--workers', 1);

/** `ditto diverge <script>`: where do two runs of a training first differ? */
export function registerDiverge(program: Command): void {
  program
    .command('diverge')
    .description(
      'run a training script twice in separate processes, trace every weight, gradient and optimizer slot ' +
        'at every step, and report the first step and tensor where the runs differ (with values and ulp distances)',
    )
    .argument(
      '<script>',
      "a .ts/.js module; its 'train' or default export is called with a context (see docs/reproducibility.md)",
    )
    .option('--workers <a[,b]>', 'worker counts of twin A and B, passed to the script as ctx.workers', '1')
    .option('--backend <a[,b]>', "backends of twin A and B ('js', 'wasm')", 'js')
    .option('--seed <seed>', 'passed to both twins as ctx.seed')
    .option('--repeat <i>', 'for a module that exports an experiment: the repeat both twins run (default 0)')
    .option('--export <name>', 'for a module that exports several experiments: the one both twins run')
    .option('--sequential', 'run the twins one after the other (default: at the same time)')
    .option('--json', 'print the result as JSON')
    .action(async (script: string, options: DivergeCommandOptions) => {
      const [workersA, workersB] = pair(options.workers, 'workers').map(workerCount);
      const [backendA, backendB] = pair(options.backend, 'backend');
      const a: TwinSetting = { workers: workersA, backend: backendA };
      const b: TwinSetting = { workers: workersB, backend: backendB };
      const result = await divergeScript(script, {
        a,
        b,
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        sequential: options.sequential ?? false,
        ...(options.repeat !== undefined ? { repeat: repeatIndex(options.repeat) } : {}),
        ...(options.export !== undefined ? { exportName: options.export } : {}),
      });
      process.stdout.write(
        options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatDivergeResult(result)}\n`,
      );
      if (!result.comparison.same || !result.weightsAgree) process.exitCode = 1;
    });
}
