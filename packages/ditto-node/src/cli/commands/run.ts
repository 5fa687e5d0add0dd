import type { Command } from 'commander';
import { commandAction, type RunCommandOptions, runCommand } from '../../experiments/commands.js';

/** `ditto run <file>`: repeats of an experiment in parallel, statistics, a run record. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'run the experiment(s) a TypeScript or JavaScript module exports: repeats in parallel, statistics, a run record',
    )
    .argument('<file>', 'module exporting experiment({ … }) (default or named exports)')
    .option('--export <name>', 'run only this export, when the module has several experiments')
    .option('-n, --repeats <n>', "number of repeats (default: the experiment's)")
    .option(
      '--seed <seed>',
      "experiment seed, an integer or a string (default: the experiment's, else drawn and recorded)",
    )
    .option('-w, --workers <n>', 'worker threads (default: one per core); results do not depend on it')
    .option(
      '--resume [run-id]',
      'continue the latest unfinished run of this experiment (or this run): only missing repeats',
    )
    .option(
      '--until <rule>',
      'add repeats, a batch of the pool size at a time, until the 95% CI of the mean is this narrow: ci:5% (of the mean) or ci:0.01 (absolute)',
    )
    .option('--until-metric <name>', "with --until: the metric to watch (default: the experiment's first)")
    .option('--max-repeats <n>', 'with --until: stop at this many repeats (default 200)')
    .option('--json', 'print runs and statistics as JSON')
    .option('--report <file.html>', 'also write a self-contained HTML report')
    .option('--db <path>', 'run records database (default: $DITTO_DB, else .ditto/runs.db)')
    .option('--no-record', 'do not record the run')
    .option(
      '--tolerance <t>',
      '"enough repeats" tolerance for the CI half-width: 10% of the mean (default) or absolute',
    )
    .option('--resamples <n>', 'bootstrap resamples (default 9999)')
    .option(
      '--timeout <seconds>',
      "time limit per repeat (default: the experiment's timeout, else none): a repeat past it is stopped and recorded as failed",
    )
    .option('--queue <redis-url>', 'run the repeats as jobs on this Redis queue; `ditto worker` runs them')
    .option('--queue-name <name>', "with --queue: the queue's name in that Redis (default ditto-repeats)")
    .option(
      '--verify-fraction <f>',
      'with --queue: run this share of repeats twice, on different workers, and compare',
    )
    .action(commandAction('run', (file: string, options: RunCommandOptions) => runCommand(file, options)));
}
