import { type Command, Option } from 'commander';
import { formatGuardReport, parseSeed } from 'ditto/internal';
import { checkScript } from '../../audit/check.js';
import { integerArgument } from '../arguments.js';

interface CheckCommandOptions {
  mode: 'warn' | 'throw' | 'seed';
  seed?: string;
  workers: string;
  backend?: string;
  repeat?: string;
  export?: string;
  time: boolean;
  json?: boolean;
}

/** A repeat index from the command line. */
export const repeatIndex = integerArgument('--repeat', 0);

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `ditto check <script>`: runs a script under the determinism guard and lists what it found. */
export function registerCheck(program: Command): void {
  program
    .command('check')
    .description(
      'run a training script under the determinism guard: report every unseeded random draw and clock read, ' +
        'with its call site and the epoch/batch where it was first seen',
    )
    .argument(
      '<script>',
      "a .ts/.js module; its 'train' or default export is called with a context (see docs/reproducibility.md)",
    )
    .addOption(
      new Option(
        '--mode <mode>',
        "'warn' report and continue, 'throw' fail at the first call, 'seed' replace Math.random & co. by keyed streams", // determinism-ok: names or tests for the source, calls nothing
      )
        .choices(['warn', 'throw', 'seed'])
        .default('warn'),
    )
    .option(
      '--seed <seed>',
      "passed to the script as ctx.seed; in 'seed' mode, the replacement streams' seed",
    )
    .option('--workers <n>', 'passed to the script as ctx.workers', '1')
    .option('--backend <name>', "backend to select before the script runs ('js', 'wasm')")
    .option('--repeat <i>', 'for a module that exports an experiment: the repeat to run (default 0)')
    .option('--export <name>', 'for a module that exports several experiments: the one to run')
    .option('--no-time', 'do not watch Date.now and performance.now')
    .option('--json', 'print the report as JSON')
    .action(async (script: string, options: CheckCommandOptions) => {
      const result = await checkScript(script, {
        mode: options.mode,
        ...(options.seed !== undefined ? { seed: parseSeed(options.seed) } : {}),
        workers: integerArgument('--workers', 1)(options.workers),
        ...(options.backend ? { backend: options.backend } : {}),
        watchTime: options.time,
        ...(options.repeat !== undefined ? { repeat: repeatIndex(options.repeat) } : {}),
        ...(options.export !== undefined ? { exportName: options.export } : {}),
      });
      const scriptFailed = result.error !== undefined && !result.refused;
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ ...result.report, ...(result.error ? { error: message(result.error), scriptFailed } : {}) }, null, 2)}\n`,
        );
      } else if (scriptFailed) {
        // The script ran only partly: its report would claim a clean run that never happened.
        throw new Error(`the script failed, so nothing was checked: ${message(result.error)}`, {
          cause: result.error,
        });
      } else {
        process.stdout.write(
          `${formatGuardReport(result.report, { relativeTo: process.cwd(), title: 'ditto check' })}\n`,
        );
        if (result.refused) {
          const e = result.error as Error;
          process.stderr.write(
            `ditto check: the script was stopped at its first unseeded call (${e.name}: ${e.message})\n`,
          );
        }
      }
      // Exit status 1 when nondeterminism remains (anything not replaced by 'seed' mode) or the script failed.
      const remaining = result.report.findings.some((f) => !f.replaced);
      if (remaining || result.error) process.exitCode = 1;
    });
}
