import type { Command } from 'commander';
import { type CompareCommandOptions, commandAction, compareCommand } from '../../experiments/commands.js';

/** `ditto compare <file-or-run> …`: runs or loads experiments and compares them. */
export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'compare experiments: run the ones in each file, load recorded runs by id, test and explain the differences',
    )
    .argument(
      '<file-or-run...>',
      'experiment modules (every exported experiment) and/or run ids (a unique prefix or "latest")',
    )
    .option('--export <name>', 'from files, run only this export')
    .option('--metric <name...>', 'compare only these metrics (default: all shared)')
    .option('--alpha <a>', 'significance level of the verdicts (default 0.05)')
    .option(
      '--until <decided>',
      "'decided': run two experiments a batch at a time until an anytime-valid test of their means decides (false-positive rate ≤ --alpha under this stopping)",
    )
    .option('--until-metric <name>', 'with --until: the metric to decide on (default: the first shared)')
    .option('--max-repeats <n>', 'with --until: stop at this many repeats per experiment (default 200)')
    .option('-n, --repeats <n>', "repeats for the experiments run from files (default: each experiment's)")
    .option('--seed <seed>', "experiment seed for those (default: each experiment's)")
    .option('-w, --workers <n>', 'worker threads (default: one per core)')
    .option('--json', 'print the runs and the comparison as JSON')
    .option('--report <file.html>', 'also write a self-contained HTML report')
    .option('--db <path>', 'run records database (default: $DITTO_DB, else .ditto/runs.db)')
    .option('--no-record', 'do not record the runs made from files')
    .option('--tolerance <t>', '"enough repeats" tolerance: 10% of the mean (default) or absolute')
    .option('--resamples <n>', 'bootstrap resamples (default 9999)')
    .option('--timeout <seconds>', 'time limit per repeat of the experiments run from files')
    .option('--queue <redis-url>', 'run the repeats as jobs on this Redis queue; `ditto worker` runs them')
    .option('--queue-name <name>', "with --queue: the queue's name in that Redis (default ditto-repeats)")
    .option(
      '--verify-fraction <f>',
      'with --queue: run this share of repeats twice, on different workers, and compare',
    )
    .action(
      commandAction('compare', (targets: string[], options: CompareCommandOptions) =>
        compareCommand(targets, options),
      ),
    );
}
