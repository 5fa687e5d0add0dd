/**
 * `ditto attribute <file>`: which source of randomness makes an experiment's results vary. A probe
 * repeat finds the sources the model draws from; each arm of the design runs through the repeat
 * runner (worker pool, run records, the design recorded with each run); the components, intervals,
 * shares and verdict are printed per metric, with a chart, and optionally written as an HTML report.
 *
 * @module
 */

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  type Attribution,
  attributionFromRuns,
  checkLevels,
  DEFAULT_LEVELS,
  type ExperimentHandle,
  type ExperimentRun,
  experimentHandle,
  failures,
  parseSeed,
  planAttribution,
  probeSources,
  resolveExperimentSeed,
} from 'ditto/internal';
import { type CommandIO, commandAction, processIO, recordsPath } from '../../experiments/commands.js';
import { loadExperiments } from '../../experiments/load-module.js';
import { defaultWorkers, RepeatPool } from '../../experiments/pool.js';
import { createProgress, silentProgress } from '../../experiments/progress.js';
import { openRecords, type RunRecords } from '../../experiments/records.js';
import type { RepeatRunner } from '../../experiments/repeat-runner.js';
import { chooseExperiment, runLoadedExperiment } from '../../experiments/run-file.js';
import { formatAttribution } from '../../report/attribution-text.js';
import { integerArgument } from '../arguments.js';

/** Options of `ditto attribute`. */
export interface AttributeCommandOptions {
  export?: string;
  levels?: string;
  metric?: string[];
  seed?: string;
  workers?: string;
  resamples?: string;
  json?: boolean;
  report?: string;
  db?: string;
  /** false with --no-record. */
  record?: boolean;
  /** `redis://host:port`: run the design's cells as jobs on this queue (`ditto worker` runs them). */
  queue?: string;
  /** With `queue`: the queue's name in that Redis. */
  queueName?: string;
  /** With `queue`: the share of cells run twice on different workers and compared. */
  verifyFraction?: string;
}

/** `ditto attribute <file>`: registration. */
export function registerAttribute(program: Command): void {
  program
    .command('attribute')
    .description(
      "which source of randomness (init, dropout, order, split, …) makes an experiment's metrics vary: variance components, intervals, shares, a verdict",
    )
    .argument('<file>', 'module exporting experiment({ … })')
    .option('--export <name>', 'the export to attribute, when the module has several experiments')
    .option('--levels <k>', `seeds per source (default ${DEFAULT_LEVELS}; at least 2)`)
    .option('--metric <name...>', 'attribute only these metrics (default: all)')
    .option('--seed <seed>', "experiment seed (default: the experiment's, else drawn and recorded)")
    .option('-w, --workers <n>', 'worker threads (default: one per core); results do not depend on it')
    .option('--resamples <n>', 'bootstrap resamples per interval (default 2000)')
    .option('--json', 'print the attribution as JSON')
    .option('--report <file.html>', 'also write a self-contained HTML report with the charts')
    .option('--db <path>', 'run records database (default: $DITTO_DB, else .ditto/runs.db)')
    .option('--no-record', 'do not record the runs')
    .option('--queue <redis-url>', 'run the repeats as jobs on this Redis queue; `ditto worker` runs them')
    .option('--queue-name <name>', "with --queue: the queue's name in that Redis (default ditto-repeats)")
    .option(
      '--verify-fraction <f>',
      'with --queue: run this share of repeats twice, on different workers, and compare',
    )
    .action(
      commandAction('attribute', (file: string, options: AttributeCommandOptions) =>
        attributeCommand(file, options),
      ),
    );
}

/**
 * The work of `ditto attribute`; returns the exit code (1 when a repeat failed).
 *
 * @throws Error for a bad option, a module without the experiment, a probe repeat that fails, an
 *   experiment that draws no randomness, or an unknown metric.
 */
export async function attributeCommand(
  file: string,
  opts: AttributeCommandOptions,
  io: CommandIO = processIO,
): Promise<number> {
  const levels =
    opts.levels === undefined
      ? DEFAULT_LEVELS
      : checkLevels('--levels', integerArgument('--levels', 0)(opts.levels));
  const workers = opts.workers === undefined ? undefined : integerArgument('--workers', 1)(opts.workers);
  const nResamples =
    opts.resamples === undefined ? undefined : integerArgument('--resamples', 1)(opts.resamples);
  const chosen = chooseExperiment(file, await loadExperiments(file), opts.export);
  const { experiment } = chosen;
  const where = `experiment '${experiment.name}'`;
  const seed = resolveExperimentSeed(
    where,
    opts.seed === undefined ? undefined : parseSeed(opts.seed),
    experiment.seed,
  );
  const handle = experimentHandle(experiment) as ExperimentHandle;
  const sources = await probeSources(where, handle, seed.value);
  const plan = planAttribution(sources, levels);
  const total = plan.arms.reduce((n, arm) => n + arm.repeats, 0);
  io.err(
    `${experiment.name}: draws from ${sources.join(', ')}; ${plan.kind === 'crossed' ? `crossed design, ${levels} seeds per source` : 'one source at a time and all together'}: ${total} repeats\n`,
  );
  const records: RunRecords | false = opts.record === false ? false : openRecords(recordsPath(opts.db));
  const poolSize = Math.max(1, Math.min(workers ?? experiment.workers ?? defaultWorkers(), total));
  let pool: RepeatRunner | undefined;
  const runs: ExperimentRun[] = [];
  const runIds: (string | null)[] = [];
  try {
    // On a queue each job carries its cell's design, so a worker computes the local run's bits.
    pool =
      opts.queue === undefined
        ? new RepeatPool(poolSize)
        : await (await import('../../queue/queue-runner.js')).openQueueForFile(file, {
            queue: opts.queue,
            queueName: opts.queueName,
            verifyFraction: opts.verifyFraction,
          });
    for (const arm of plan.arms) {
      const result = await runLoadedExperiment(file, chosen, {
        pool,
        records,
        seed: seed.value,
        repeats: arm.repeats,
        design: arm.design,
        progress: io.progress ? createProgress(process.stderr) : silentProgress,
      });
      runs.push(result.run);
      runIds.push(result.record?.id ?? null);
    }
  } finally {
    await pool?.destroy();
    if (records !== false) records.close();
  }
  const attribution: Attribution = {
    name: experiment.name,
    seed: String(seed.value),
    seedDrawn: seed.drawn,
    sources: plan.sources,
    plan,
    runs,
    metrics: attributionFromRuns(plan, runs, { seed: String(seed.value), metrics: opts.metric, nResamples }),
  };
  if (opts.json) {
    const { runs: _, ...rest } = attribution;
    io.out(`${JSON.stringify({ ...rest, runIds }, null, 2)}\n`);
  } else {
    io.out(`${formatAttribution(attribution, io.style).join('\n')}\n`);
  }
  if (opts.report !== undefined) {
    // Loaded only for --report.
    const { renderAttributionReport } = await import('../../report/attribution-html.js');
    writeFileSync(
      opts.report,
      renderAttributionReport({ attribution, runIds, generatedAt: new Date().toISOString() }),
    );
    io.err(`report written to ${opts.report}\n`);
  }
  return runs.some((run) => failures(run).length > 0) ? 1 : 0;
}
