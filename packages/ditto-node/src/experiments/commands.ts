/**
 * The experiment commands of the `ditto` command line (run, rerun, compare, runs, show, export):
 * their work, separated from commander's registration in src/cli/commands so it can be tested
 * directly. Each returns the process exit code.
 *
 * @module
 */

import { existsSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Seed } from 'ditto/internal';
import {
  type ComparedRun,
  type Comparison,
  checkRepeats,
  checkWorkers,
  compareRuns,
  describe,
  type ExperimentRun,
  type ExperimentSummary,
  failures,
  formatNumber,
  metricNames,
  metricValues,
  parseSeed,
  power,
  type RunRecord,
  runFromRecord,
  type SummaryOptions,
  summarize,
  VERSION,
} from 'ditto/internal';
import pc from 'picocolors';
import { secondsArgument } from '../cli/arguments.js';
import type { ReportRun } from '../report/html.js';
import { formatComparison, formatRun, type RunFacts, type TextStyle, wrap } from '../report/terminal.js';
import { recordToCsv, recordToJson } from './export.js';
import { type ExportedExperiment, experimentExport, importModule, loadExperiments } from './load-module.js';
import { defaultWorkers, RepeatPool } from './pool.js';
import { createProgress, silentProgress } from './progress.js';
import { DEFAULT_RECORDS_PATH, openRecords, type RunRecords } from './records.js';
import type { RepeatRunner } from './repeat-runner.js';
import { chooseExperiment, runLoadedExperiment } from './run-file.js';
import {
  compareUntilDecided,
  type GrowOptions,
  type PrecisionRule,
  parseUntilRule,
  runUntilPrecise,
  type UntilRule,
  untilOf,
} from './until.js';

/** Where a command writes. */
export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
  style: TextStyle;
  /** Whether stderr is a terminal (progress bar) or not (plain lines). */
  progress: boolean;
}

/** The process's stdout and stderr, coloured when they support it. */
export const processIO: CommandIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  style: pc,
  progress: true,
};

/** Options shared by the commands that run experiments. */
export interface RunLikeOptions {
  export?: string;
  repeats?: string;
  seed?: string;
  workers?: string;
  json?: boolean;
  report?: string;
  db?: string;
  /** false with --no-record. */
  record?: boolean;
  tolerance?: string;
  resamples?: string;
  /** Time limit per repeat in seconds (`--timeout`). */
  timeout?: string;
  /** `redis://host:port`: run the repeats as jobs on this queue (`ditto worker` runs them). */
  queue?: string;
  /** With `queue`: the share of repeats run twice on different workers and compared. */
  verifyFraction?: string;
  /** With `queue`: the queue's name in that Redis. */
  queueName?: string;
}

/** Options of `ditto run`. */
export interface RunCommandOptions extends RunLikeOptions {
  resume?: boolean | string;
  /** `ci:5%` or `ci:0.01`: add repeats until the mean's 95% CI is that narrow. */
  until?: string;
  /** The metric `until` watches; default the first metric. */
  untilMetric?: string;
  /** With `until`: the most repeats (default 200). */
  maxRepeats?: string;
}

/** The records path: --db, else $DITTO_DB, else `.ditto/runs.db`. */
export function recordsPath(db: string | undefined): string {
  return db ?? process.env.DITTO_DB ?? DEFAULT_RECORDS_PATH;
}

/** A positive integer option, or undefined. */
function integerOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new Error(`--${name} must be a whole number (got '${text}')`);
  return value;
}

/** The statistics options: --tolerance (absolute, or a percentage of the mean) and --resamples. */
function summaryOptions(opts: RunLikeOptions, until?: UntilRule): SummaryOptions {
  const options: SummaryOptions = {};
  // "Enough repeats" in the printout is then the rule that stopped the run.
  if (until?.kind === 'ci' && opts.tolerance === undefined) {
    options.tolerance = until.tolerance;
    options.relative = until.relative;
  }
  if (opts.tolerance !== undefined) {
    const text = opts.tolerance.trim();
    const relative = text.endsWith('%');
    const value = Number(relative ? text.slice(0, -1) : text);
    if (!(value > 0) || !Number.isFinite(value)) {
      throw new Error(
        `--tolerance must be a positive number or percentage, e.g. 0.001 or 10% (got '${opts.tolerance}')`,
      );
    }
    options.tolerance = relative ? value / 100 : value;
    options.relative = relative;
  }
  const resamples = integerOption('resamples', opts.resamples);
  if (resamples !== undefined) {
    if (resamples < 1) throw new Error('--resamples must be at least 1');
    options.nResamples = resamples;
  }
  return options;
}

interface Overrides {
  repeats?: number;
  seed?: Seed;
  workers?: number;
  timeout?: number;
}

function overrides(opts: RunLikeOptions): Overrides {
  const repeats = integerOption('repeats', opts.repeats);
  if (repeats !== undefined) checkRepeats('--repeats', repeats);
  const workers = integerOption('workers', opts.workers);
  if (workers !== undefined) checkWorkers('--workers', workers);
  const timeout = opts.timeout === undefined ? undefined : secondsArgument('--timeout')(opts.timeout);
  return { repeats, workers, timeout, seed: opts.seed === undefined ? undefined : parseSeed(opts.seed) };
}

/** One finished or loaded run, with what the outputs need. */
interface Outcome {
  label: string;
  run: ExperimentRun;
  record: RunRecord | null;
  facts: RunFacts;
}

/** Runs the experiments of a module on a shared pool. */
class ModuleRunner {
  #pool: RepeatPool | undefined;
  constructor(
    readonly records: RunRecords | false,
    readonly io: CommandIO,
    readonly options: Overrides & {
      json?: boolean;
      queue?: string;
      queueName?: string;
      verifyFraction?: string;
    },
  ) {}

  async run(file: string, targets: ExportedExperiment[], resume?: boolean | string): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    // On a queue, the runner carries the module's identity: one per file.
    const queued = this.options.queue === undefined ? undefined : await this.#openQueue(file);
    try {
      for (const target of targets) outcomes.push(await this.#runOne(file, target, targets, resume, queued));
    } finally {
      await queued?.destroy();
    }
    return outcomes;
  }

  async #openQueue(file: string): Promise<RepeatRunner> {
    const { openQueueForFile } = await import('../queue/queue-runner.js');
    return openQueueForFile(file, {
      queue: this.options.queue as string,
      queueName: this.options.queueName,
      verifyFraction: this.options.verifyFraction,
    });
  }

  async #runOne(
    file: string,
    target: ExportedExperiment,
    targets: ExportedExperiment[],
    resume: boolean | string | undefined,
    queued: RepeatRunner | undefined,
  ): Promise<Outcome> {
    {
      if (queued === undefined && this.#pool === undefined) {
        const workers =
          this.options.workers ?? Math.max(...targets.map((t) => t.experiment.workers ?? defaultWorkers()));
        const repeats = this.options.repeats ?? Math.max(...targets.map((t) => t.experiment.repeats));
        this.#pool = new RepeatPool(Math.max(1, Math.min(workers, repeats)));
      }
      const result = await runLoadedExperiment(file, target, {
        pool: queued ?? this.#pool,
        records: this.records,
        resume,
        repeats: this.options.repeats,
        seed: this.options.seed,
        timeout: this.options.timeout,
        progress: this.io.progress ? createProgress(process.stderr) : silentProgress,
      });
      if (result.resumed) {
        this.io.err(`resumed run ${result.record?.id}: ran the ${result.ran} missing repeat(s)\n`);
      } else if (resume) {
        this.io.err(
          `no unfinished run of '${target.experiment.name}' to resume: started run ${result.record?.id}\n`,
        );
      }
      return {
        label: target.experiment.name,
        run: result.run,
        record: result.record,
        facts: {
          id: result.record?.id ?? null,
          workers: result.workers,
          backend: result.run.results[0]?.backend ?? null,
          milliseconds: result.milliseconds,
          resumed: result.resumed,
        },
      };
    }
  }

  async close(): Promise<void> {
    await this.#pool?.destroy();
  }
}

function openStore(opts: RunLikeOptions): RunRecords | false {
  return opts.record === false ? false : openRecords(recordsPath(opts.db));
}

/**
 * `ditto run <file>`: runs the experiment(s) a module exports, records them, prints statistics.
 * Exit code 1 when a repeat failed.
 */
export async function runCommand(
  file: string,
  opts: RunCommandOptions,
  io: CommandIO = processIO,
): Promise<number> {
  const settings = overrides(opts);
  const until = untilRule(opts, 'run');
  const stats = summaryOptions(opts, until);
  const found = await loadExperiments(file);
  if (until?.kind === 'ci') return runUntilCommand(file, found, until, opts, settings, stats, io);
  const records = openStore(opts);
  const runner = new ModuleRunner(records, io, {
    ...settings,
    json: opts.json,
    queue: opts.queue,
    queueName: opts.queueName,
    verifyFraction: opts.verifyFraction,
  });
  try {
    let targets = opts.export === undefined ? found : [chooseExperiment(file, found, opts.export)];
    if (typeof opts.resume === 'string') {
      if (records === false) throw new Error('--resume needs the run records; drop --no-record');
      targets = [chooseExperiment(file, found, records.findRun(opts.resume).module.export)];
    }
    const outcomes = await runner.run(file, targets, opts.resume);
    await printOutcomes(outcomes, null, opts, stats, io);
    return outcomes.some((o) => failures(o.run).length > 0) ? 1 : 0;
  } finally {
    await runner.close();
    if (records !== false) records.close();
  }
}

/** `--until` parsed (before anything runs), with the options only it takes checked. */
function untilRule(
  opts: { until?: string; untilMetric?: string; maxRepeats?: string; record?: boolean },
  command: 'run' | 'compare',
): UntilRule | undefined {
  if (opts.until === undefined) {
    for (const [flag, value] of [
      ['--until-metric', opts.untilMetric],
      ['--max-repeats', opts.maxRepeats],
    ] as const) {
      if (value !== undefined) throw new Error(`${flag} needs --until`);
    }
    return undefined;
  }
  const rule = parseUntilRule(opts.until, command);
  if (command === 'compare' && rule.kind === 'ci') {
    throw new Error(
      `ditto compare --until takes 'decided' (got '${opts.until}'); for a precision target run each experiment with ditto run --until`,
    );
  }
  if (opts.record === false) {
    throw new Error('--until grows a recorded run batch by batch; drop --no-record');
  }
  return rule;
}

function growOptions(
  records: RunRecords,
  opts: RunCommandOptions | CompareCommandOptions,
  settings: Overrides,
  io: CommandIO,
): GrowOptions {
  return {
    records,
    workers: settings.workers,
    repeats: settings.repeats,
    seed: settings.seed,
    timeout: settings.timeout,
    maxRepeats: opts.maxRepeats,
    metric: opts.untilMetric,
    progress: () => (io.progress ? createProgress(process.stderr) : silentProgress),
  };
}

/** `ditto run <file> --until ci:…`. */
async function runUntilCommand(
  file: string,
  found: ExportedExperiment[],
  rule: PrecisionRule,
  opts: RunCommandOptions,
  settings: Overrides,
  stats: SummaryOptions,
  io: CommandIO,
): Promise<number> {
  if (opts.queue !== undefined) throw new Error('--until runs on the local pool; drop --queue');
  const records = openRecords(recordsPath(opts.db));
  try {
    let chosen = chooseExperiment(file, found, opts.export);
    if (typeof opts.resume === 'string') {
      chosen = chooseExperiment(file, found, records.findRun(opts.resume).module.export);
    }
    const grown = await runUntilPrecise(file, chosen, rule, {
      ...growOptions(records, opts, settings, io),
      resume: opts.resume,
    });
    const outcome: Outcome = {
      label: chosen.experiment.name,
      run: grown.run,
      record: grown.record,
      facts: {
        id: grown.record?.id ?? null,
        workers: grown.workers,
        backend: grown.run.results[0]?.backend ?? null,
        milliseconds: grown.milliseconds,
        resumed: grown.resumed,
        stopped: grown.stop.text,
      },
    };
    await printOutcomes([outcome], null, opts, stats, io);
    return failures(grown.run).length > 0 ? 1 : 0;
  } finally {
    records.close();
  }
}

/** Options of `ditto compare`. */
export interface CompareCommandOptions extends RunLikeOptions {
  metric?: string[];
  alpha?: string;
  /** `decided`: add repeats to both until the sequential comparison decides. */
  until?: string;
  untilMetric?: string;
  maxRepeats?: string;
}

/**
 * `ditto compare <file-or-run> …`: runs the experiments of each file (every export, or --export),
 * loads each run id from the records, and compares them all.
 */
export async function compareCommand(
  targets: string[],
  opts: CompareCommandOptions,
  io: CommandIO = processIO,
): Promise<number> {
  const settings = overrides(opts);
  const stats = summaryOptions(opts);
  const alpha = opts.alpha === undefined ? undefined : Number(opts.alpha);
  if (alpha !== undefined && !(alpha > 0 && alpha < 1))
    throw new Error(`--alpha must lie in (0, 1) (got '${opts.alpha}')`);
  if (untilRule(opts, 'compare') !== undefined) {
    return compareUntilCommand(targets, opts, settings, stats, alpha, io);
  }
  let records: RunRecords | false | undefined;
  const store = () => {
    records ??= openStore(opts);
    return records;
  };
  let runner: ModuleRunner | undefined;
  try {
    const outcomes: Outcome[] = [];
    for (const target of targets) {
      if (existsSync(target) && statSync(target).isFile()) {
        const found = await loadExperiments(target);
        const chosen = opts.export === undefined ? found : [chooseExperiment(target, found, opts.export)];
        runner ??= new ModuleRunner(store(), io, {
          ...settings,
          json: opts.json,
          queue: opts.queue,
          queueName: opts.queueName,
          verifyFraction: opts.verifyFraction,
        });
        outcomes.push(...(await runner.run(target, chosen)));
      } else {
        const recordStore = store();
        if (recordStore === false) {
          throw new Error(`'${target}' is not a file, and run ids need the run records; drop --no-record`);
        }
        const record = recordStore.findRun(target);
        const twice = outcomes.find((o) => o.record?.id === record.id);
        if (twice) throw new Error(`run ${record.id} is named twice ('${target}'); compare different runs`);
        outcomes.push({ label: record.name, run: runFromRecord(record), record, facts: factsOf(record) });
      }
    }
    if (outcomes.length < 2) {
      throw new Error(
        `compare needs at least two experiments (got ${outcomes.length}); name more files or run ids`,
      );
    }
    labelDuplicates(outcomes);
    const comparison = compareRuns(
      outcomes.map((o): ComparedRun => ({ ...o.run, label: o.label })),
      { metrics: opts.metric, alpha, nResamples: stats.nResamples },
    );
    await printOutcomes(outcomes, comparison, opts, stats, io);
    return outcomes.some((o) => failures(o.run).length > 0) ? 1 : 0;
  } finally {
    await runner?.close();
    if (records) records.close();
  }
}

/** `ditto compare <a> <b> --until decided`: two experiments grown together until decided. */
async function compareUntilCommand(
  targets: string[],
  opts: CompareCommandOptions,
  settings: Overrides,
  stats: SummaryOptions,
  alpha: number | undefined,
  io: CommandIO,
): Promise<number> {
  if (opts.queue !== undefined) throw new Error('--until runs on the local pool; drop --queue');
  const arms: { file: string; chosen: ExportedExperiment }[] = [];
  for (const target of targets) {
    if (!(existsSync(target) && statSync(target).isFile())) {
      throw new Error(
        `--until decided runs the experiments it compares: '${target}' is not a file (a recorded run cannot grow)`,
      );
    }
    const found = await loadExperiments(target);
    const chosen = opts.export === undefined ? found : [chooseExperiment(target, found, opts.export)];
    for (const c of chosen) arms.push({ file: target, chosen: c });
  }
  if (arms.length !== 2) {
    throw new Error(
      `--until decided compares exactly two experiments (got ${arms.length}: ${arms.map((a) => a.chosen.experiment.name).join(', ')})`,
    );
  }
  const records = openRecords(recordsPath(opts.db));
  try {
    const decided = await compareUntilDecided([arms[0], arms[1]], {
      ...growOptions(records, opts, settings, io),
      alpha,
    });
    const outcomes: Outcome[] = decided.runs.map((grown, i) => ({
      label: arms[i].chosen.experiment.name,
      run: grown.run,
      record: grown.record,
      facts: {
        id: grown.record?.id ?? null,
        workers: grown.workers,
        milliseconds: grown.milliseconds,
        stopped: grown.stop.text,
      },
    }));
    labelDuplicates(outcomes);
    const comparison = compareRuns(
      outcomes.map((o): ComparedRun => ({ ...o.run, label: o.label })),
      { metrics: opts.metric, alpha, nResamples: stats.nResamples },
    );
    await printOutcomes(outcomes, comparison, opts, stats, io, decided.runs[0].stop.text);
    return outcomes.some((o) => failures(o.run).length > 0) ? 1 : 0;
  } finally {
    records.close();
  }
}

/** Gives runs that share a name distinct labels: "name (run id)". */
function labelDuplicates(outcomes: Outcome[]): void {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.label, (counts.get(o.label) ?? 0) + 1);
  outcomes.forEach((o, i) => {
    if ((counts.get(o.label) ?? 0) > 1) o.label = `${o.label} (${o.record?.id ?? `#${i + 1}`})`;
  });
}

function factsOf(record: RunRecord): RunFacts {
  return {
    id: record.id,
    workers: record.environment.workers,
    backend: record.environment.backend,
    milliseconds: record.milliseconds,
    stopped: untilOf(record)?.stopped?.text ?? null,
  };
}

async function printOutcomes(
  outcomes: Outcome[],
  comparison: Comparison | null,
  opts: RunLikeOptions,
  stats: SummaryOptions,
  io: CommandIO,
  decision?: string,
): Promise<void> {
  const summaries = outcomes.map((o) => summarize(o.run, stats));
  if (opts.json) {
    const runs = outcomes.map((o, i) => ({
      label: o.label,
      id: o.record?.id ?? null,
      ...o.facts,
      run: o.run,
      summary: summaries[i],
    }));
    const body = comparison ? { runs, comparison, ...(decision ? { decision } : {}) } : { runs };
    io.out(`${JSON.stringify(body, null, 2)}\n`);
  } else {
    const blocks = outcomes.map((o, i) =>
      comparison
        ? briefLine(o, summaries[i].completed, io.style)
        : formatRun(o.run, summaries[i], o.facts, io.style).join('\n'),
    );
    io.out(`${blocks.join(comparison ? '\n' : '\n\n')}\n`);
    if (comparison) io.out(`\n${formatComparison(comparison, io.style).join('\n')}\n`);
    if (decision) io.out(`\n${wrap(`sequential comparison (--until decided): ${decision}`).join('\n')}\n`);
  }
  if (opts.report !== undefined) await writeReport(opts.report, outcomes, summaries, comparison, io);
}

async function writeReport(
  path: string,
  outcomes: Outcome[],
  summaries: ExperimentSummary[],
  comparison: Comparison | null,
  io: CommandIO,
): Promise<void> {
  const runs: ReportRun[] = outcomes.map((o, i) => ({
    label: o.label,
    run: o.run,
    summary: summaries[i],
    record: o.record,
    facts: o.facts,
  }));
  // Loaded only for --report: the chart library costs more start-up than a whole short run.
  const { renderReport } = await import('../report/html.js');
  const html = await renderReport({ runs, comparison, generatedAt: new Date().toISOString() });
  writeFileSync(path, html);
  io.err(`report written to ${path}\n`);
}

function briefLine(o: Outcome, completed: number, style: TextStyle): string {
  const id = o.record ? ` · run ${o.record.id}` : '';
  const failed = failures(o.run).length;
  return `${style.bold(o.label)}: ${completed}/${o.run.repeats} ok${failed ? style.red(` · ${failed} failed`) : ''} · seed ${o.run.seed}${id}`;
}

/** Options of `ditto rerun`. */
export interface RerunCommandOptions {
  repeat: string;
  db?: string;
  json?: boolean;
}

/**
 * `ditto rerun <run-id> --repeat <i>`: replays one recorded repeat in this process and checks its
 * weight hash and metrics against the record, bit for bit. Exit code 1 on any difference.
 */
export async function rerunCommand(
  id: string,
  opts: RerunCommandOptions,
  io: CommandIO = processIO,
): Promise<number> {
  const index = integerOption('repeat', opts.repeat);
  if (index === undefined) throw new Error('--repeat <index> is required');
  const records = openRecords(recordsPath(opts.db), { readonly: true });
  let record: RunRecord;
  try {
    record = records.findRun(id);
  } finally {
    records.close();
  }
  if (index >= record.repeats) {
    throw new Error(`run ${record.id} has repeats 0 … ${record.repeats - 1}; there is no repeat ${index}`);
  }
  const recorded = record.results.find((r) => r.index === index);
  if (recorded === undefined) {
    throw new Error(`repeat ${index} of run ${record.id} has no recorded result (resume the run first)`);
  }
  const path = [record.module.path, resolve(record.module.relativePath)].find((p) => existsSync(p));
  if (path === undefined) {
    throw new Error(`the experiment module of run ${record.id} is gone: ${record.module.path}`);
  }
  if (record.environment.dittoVersion !== VERSION && !opts.json) {
    io.err(
      io.style.red(
        `warning: run ${record.id} was recorded by ditto ${record.environment.dittoVersion}; this is ${VERSION}\n`,
      ),
    );
  }
  const handle = experimentExport(await importModule(path), record.module.export, path);
  const replayed = await handle.runRepeat(BigInt(record.seed), index, record.options.design);
  const hashRecorded = recorded.status === 'ok' ? recorded.weightsHash : null;
  const hashReplayed = replayed.status === 'ok' ? replayed.weightsHash : null;
  const metricsMatch =
    recorded.status === 'ok' && replayed.status === 'ok' && sameMetrics(recorded.metrics, replayed.metrics);
  const weightsHashMatches = hashRecorded === null ? null : hashRecorded === hashReplayed;
  const identical =
    recorded.status === replayed.status &&
    (recorded.status === 'failed' || (metricsMatch && weightsHashMatches !== false));
  if (opts.json) {
    const { finishedAt: _, ...recordedResult } = recorded;
    io.out(
      `${JSON.stringify({ runId: record.id, index, seed: replayed.seed, identical, weightsHashMatches, metricsMatch, recorded: recordedResult, replayed }, null, 2)}\n`,
    );
    return identical ? 0 : 1;
  }
  const s = io.style;
  const describe = (r: typeof replayed) =>
    r.status === 'ok'
      ? `${Object.entries(r.metrics)
          .map(([k, v]) => `${k} ${v}`)
          .join('  ')}${r.weightsHash ? `  weights ${r.weightsHash.slice(0, 16)}…` : ''}`
      : `failed: ${r.error.message}`;
  const lines = [
    s.bold(`repeat ${index} of run ${record.id} (${record.name}), seed ${replayed.seed}`),
    `  recorded  ${describe(recorded)}`,
    `  replayed  ${describe(replayed)}`,
  ];
  if (identical) {
    const what =
      recorded.status === 'failed'
        ? 'it fails again, as recorded'
        : hashRecorded === null
          ? 'every metric matches bit for bit (no weight hash was recorded)'
          : 'weight hash and every metric match bit for bit';
    lines.push(s.green(`  identical: ${what}`));
  } else {
    lines.push(s.red('  DIFFERENT: the replay does not reproduce the record'));
    if (replayed.status === 'failed') lines.push(...replayed.error.stack.split('\n').map((l) => `    ${l}`));
  }
  io.out(`${lines.join('\n')}\n`);
  return identical ? 0 : 1;
}

/** Same metric names and the same float64 bits for each. */
function sameMetrics(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && Object.is(a[k], b[k]))
  );
}

/** `ditto runs`: the recorded runs, most recent first. */
export function runsCommand(opts: { db?: string; json?: boolean }, io: CommandIO = processIO): number {
  const records = openRecords(recordsPath(opts.db), { readonly: true });
  try {
    const runs = records.listRuns();
    if (opts.json) {
      io.out(`${JSON.stringify(runs, null, 2)}\n`);
      return 0;
    }
    if (runs.length === 0) {
      io.out(`no runs recorded in ${records.path}\n`);
      return 0;
    }
    const s = io.style;
    io.out(
      `${s.dim(`${'run'.padEnd(20)} ${'experiment'.padEnd(24)} ${'status'.padEnd(10)} ${'ok'.padStart(9)}  started (UTC)`)}\n`,
    );
    for (const r of runs) {
      const name = r.name.length > 24 ? `${r.name.slice(0, 23)}…` : r.name;
      const status = r.status === 'complete' ? s.green : r.status === 'failed' ? s.red : (t: string) => t;
      // A run a live session holds is running, not merely incomplete.
      const shown = r.runningIn === null ? r.status : 'running';
      io.out(
        `${r.id.padEnd(20)} ${name.padEnd(24)} ${status(shown.padEnd(10))} ${`${r.completed}/${r.repeats}`.padStart(9)}  ` +
          `${r.startedAt.slice(0, 16).replace('T', ' ')}${r.runningIn === null ? '' : s.dim(`  (${r.runningIn})`)}\n`,
      );
    }
    return 0;
  } finally {
    records.close();
  }
}

/** `ditto show <id>`: one recorded run's statistics (and optionally an HTML report). */
export async function showCommand(
  id: string,
  opts: { db?: string; json?: boolean; report?: string; tolerance?: string; resamples?: string },
  io: CommandIO = processIO,
): Promise<number> {
  const records = openRecords(recordsPath(opts.db), { readonly: true });
  let record: RunRecord;
  try {
    record = records.findRun(id);
  } finally {
    records.close();
  }
  // A run grown by --until ci:… is summarised with its rule's tolerance, as when it stopped.
  const rule = untilOf(record)?.rule;
  const stats = summaryOptions(
    opts,
    rule === undefined || rule === 'decided' ? undefined : parseUntilRule(rule, 'run'),
  );
  const run = runFromRecord(record);
  const summary = summarize(run, stats);
  const facts = factsOf(record);
  if (opts.json) {
    io.out(`${JSON.stringify({ record, summary }, null, 2)}\n`);
  } else {
    const lines = formatRun(run, summary, facts, io.style);
    const env = record.environment;
    lines.push(
      '',
      ...wrap(
        `module ${record.module.relativePath} (export ${record.module.export}) · ditto ${env.dittoVersion} · ` +
          `${env.runtime} ${env.runtimeVersion} · ${env.platform}/${env.arch} · ${env.cpuModel} × ${env.cpuCount} · ` +
          `started ${record.startedAt}`,
        '  ',
      ).map((l) => io.style.dim(l)),
    );
    io.out(`${lines.join('\n')}\n`);
  }
  if (opts.report !== undefined) {
    await writeReport(opts.report, [{ label: record.name, run, record, facts }], [summary], null, io);
  }
  return record.status === 'complete' ? 0 : 1;
}

/** Options of `ditto power`. */
export interface PowerCommandOptions {
  effect: string;
  metric?: string;
  power?: string;
  alpha?: string;
  json?: boolean;
  db?: string;
}

/**
 * `ditto power <run-id> --effect 10%`: from the pilot run's metric (its SD, and its mean for a
 * relative effect), the repeats per arm a two-sided comparison needs, with the assumption stated.
 */
export function powerCommand(id: string, opts: PowerCommandOptions, io: CommandIO = processIO): number {
  const text = String(opts.effect ?? '').trim();
  const relative = text.endsWith('%');
  const size = Number(relative ? text.slice(0, -1) : text);
  if (!(size > 0) || !Number.isFinite(size)) {
    throw new Error(
      `--effect must be a positive number or percentage of the mean, e.g. 10% or 0.002 (got '${opts.effect}')`,
    );
  }
  const level = (name: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const x = Number(value);
    if (!(x > 0 && x < 1)) throw new Error(`--${name} must lie in (0, 1) (got '${value}')`);
    return x;
  };
  const alpha = level('alpha', opts.alpha);
  const target = level('power', opts.power);
  const records = openRecords(recordsPath(opts.db), { readonly: true });
  let record: RunRecord;
  try {
    record = records.findRun(id);
  } finally {
    records.close();
  }
  const run = runFromRecord(record);
  const names = metricNames(run);
  const metric = opts.metric ?? names[0];
  if (metric === undefined)
    throw new Error(`run ${record.id} has no successful repeat to size a comparison from`);
  if (!names.includes(metric)) {
    throw new Error(`run ${record.id} has no metric '${metric}' (its metrics: ${names.join(', ')})`);
  }
  const pilot = describe(metricValues(run, metric));
  if (pilot.n < 2)
    throw new Error(
      `run ${record.id} has ${pilot.n} value of ${metric}; a pilot needs at least 2 to estimate the spread`,
    );
  if (relative && pilot.mean === 0)
    throw new Error(
      `--effect ${text}: the pilot mean of ${metric} is 0, so a relative effect is 0; give it in the metric's units`,
    );
  const difference = relative ? (size / 100) * Math.abs(pilot.mean) : size;
  const analysis = power({ sd: pilot.std, difference, alpha, power: target });
  const effectText = relative
    ? `${formatNumber(size)}% of the pilot mean ${formatNumber(pilot.mean)} = ${formatNumber(difference)}`
    : formatNumber(difference);
  if (opts.json) {
    io.out(
      `${JSON.stringify({ runId: record.id, metric, pilot: { n: pilot.n, mean: pilot.mean, sd: pilot.std }, difference, ...analysis }, null, 2)}\n`,
    );
    return 0;
  }
  const lines = [
    io.style.bold(`${analysis.repeatsPerArm} repeats per experiment`),
    ...wrap(
      `to detect a difference in mean ${metric} of ${effectText} with ${formatNumber(analysis.power * 100)}% power at ` +
        `two-sided α = ${formatNumber(analysis.alpha)}, from pilot run ${record.id} (${record.name}): n ${pilot.n}, ` +
        `SD ${formatNumber(pilot.std)} (standardised effect d = ${formatNumber(analysis.standardizedEffect)}).`,
      '  ',
    ),
    ...wrap(
      `Assumes a ${analysis.assumption}, and the pilot's SD for both experiments (an SD from ${pilot.n} repeats is itself uncertain).`,
      '  ',
    ).map((l) => io.style.dim(l)),
  ];
  io.out(`${lines.join('\n')}\n`);
  return 0;
}

/** `ditto export <id> --format csv|json [--output file]`. */
export function exportCommand(
  id: string,
  opts: { db?: string; format?: string; output?: string },
  io: CommandIO = processIO,
): number {
  const format = opts.format ?? 'json';
  if (format !== 'csv' && format !== 'json')
    throw new Error(`--format must be csv or json (got '${format}')`);
  const records = openRecords(recordsPath(opts.db), { readonly: true });
  let record: RunRecord;
  try {
    record = records.exportRun(records.findRun(id).id);
  } finally {
    records.close();
  }
  const text = format === 'csv' ? recordToCsv(record) : recordToJson(record);
  if (opts.output === undefined) io.out(text);
  else {
    writeFileSync(opts.output, text);
    io.err(`run ${record.id} written to ${opts.output} (${format})\n`);
  }
  return 0;
}

/**
 * Wraps a command for commander: sets the exit code it returns, and prints an error as one line
 * `ditto <command>: <message>` (the stack too when DITTO_DEBUG is set) instead of a stack trace.
 */
export function commandAction<A extends unknown[]>(
  name: string,
  fn: (...args: A) => Promise<number> | number,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      process.stderr.write(
        `ditto ${name}: ${process.env.DITTO_DEBUG ? (e.stack ?? e.message) : e.message}\n`,
      );
      process.exitCode = 1;
    }
  };
}
