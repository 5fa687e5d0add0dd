import type { Command } from 'commander';
import { verifyRun } from '../../audit/verify.js';
import { formatVerifyResult } from '../../audit/verify-report.js';
import { integerArgument } from '../arguments.js';
import { repeatIndex } from './check.js';

interface VerifyCommandOptions {
  db?: string;
  repeat?: string;
  workers?: string;
  json?: boolean;
}

/** `ditto verify <run-id | record.json>`: re-execute a recorded run and compare weights hashes. */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description(
      're-execute a recorded experiment run and compare every repeat’s weights hash with the record; ' +
        'explain a mismatch from the fingerprints (ditto version, backend, runtime)',
    )
    .argument(
      '<run>',
      "a run id (or unique prefix, or 'latest') in the run records, or an exported record .json file",
    )
    .option('--db <path>', 'the run records database (default $DITTO_DB, else .ditto/runs.db)')
    .option('--repeat <list>', 'verify only these repeats, e.g. 3 or 0,4,17 (default: all)')
    .option('--workers <n>', 'worker threads for the re-execution (results never depend on it)')
    .option('--json', 'print the result as JSON')
    .action(async (run: string, options: VerifyCommandOptions) => {
      const workers =
        options.workers === undefined ? undefined : integerArgument('--workers', 1)(options.workers);
      const result = await verifyRun(run, {
        ...(options.db ? { db: options.db } : {}),
        ...(options.repeat ? { repeats: options.repeat.split(',').map((s) => repeatIndex(s.trim())) } : {}),
        ...(workers !== undefined ? { workers } : {}),
      });
      process.stdout.write(
        options.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatVerifyResult(result)}\n`,
      );
      if (!result.identical) process.exitCode = 1;
    });
}
