/**
 * Runs that grow until they are precise enough, and comparisons that grow until they are decided:
 * `ditto run --until ci:5%` and `ditto compare --until decided`. A run is created with a first
 * batch of repeats, then extended one batch (the pool's size) at a time — its repeat count raised
 * in the record, the new repeats run as a resumed session — until the rule is met or
 * `--max-repeats` is reached. The rule and why the run stopped are stored in the run's options
 * (`options.until`), so `ditto show` says it and `--resume` continues an interrupted run.
 *
 * The "precise enough" test is the summary's own "enough repeats" ({@link convergence}: the
 * Student-t interval of the mean, with its minimum of distinct values), so the stop and the
 * printed statistics cannot disagree. The comparison uses {@link sequentialComparison}, which
 * keeps its false-positive rate under this optional stopping.
 *
 * @module
 */

import { resolve } from 'node:path';
import type { Seed } from 'ditto/internal';
import {
  convergence,
  type ExperimentRun,
  formatNumber,
  MIN_DISTINCT_VALUES,
  metricNames,
  metricValues,
  missingIndices,
  type RunRecord,
  runFromRecord,
  type SequentialComparison,
  sequentialComparison,
} from 'ditto/internal';
import type { ExportedExperiment } from './load-module.js';
import { defaultWorkers, RepeatPool } from './pool.js';
import type { RepeatProgress } from './progress.js';
import type { RunRecords } from './records.js';
import type { RepeatRunner } from './repeat-runner.js';
import { type FileRunResult, runLoadedExperiment } from './run-file.js';

/** `--max-repeats` when not given. */
export const DEFAULT_MAX_REPEATS = 200;

/** A parsed `--until ci:…` rule: the interval's half-width target. */
export interface PrecisionRule {
  kind: 'ci';
  /** The rule as written, e.g. 'ci:5%'. */
  text: string;
  /** Half-width target: a fraction of |mean| when `relative`, else in the metric's units. */
  tolerance: number;
  relative: boolean;
}

/** `--until decided`. */
export interface DecidedRule {
  kind: 'decided';
  text: 'decided';
}

export type UntilRule = PrecisionRule | DecidedRule;

/** Why a growing run stopped, as stored in `options.until.stopped`. */
export interface UntilStop {
  /** 'target': the rule was met; 'max-repeats': the maximum was reached first. */
  reason: 'target' | 'max-repeats';
  /** Repeats when it stopped. */
  repeats: number;
  /** The sentence `ditto show` prints. */
  text: string;
}

/** What a growing run stores in its options. */
export interface UntilRecord {
  rule: string;
  /** The metric the rule watches (null until the first batch names the default). */
  metric: string | null;
  maxRepeats: number;
  /** For `--until decided`: the run it is compared with. */
  against?: string;
  stopped?: UntilStop;
}

/** A record's options, with the `until` entry growing runs add. */
export type OptionsWithUntil = RunRecord['options'] & { until?: UntilRecord };

/** The `until` entry of a record, if it grew by a rule. */
export function untilOf(record: RunRecord): UntilRecord | undefined {
  return (record.options as OptionsWithUntil).until;
}

/**
 * Parses `--until`: `ci:5%` (the half-width of the 95% interval of the mean within 5% of |mean|),
 * `ci:0.01` (within 0.01 in the metric's units) or `decided` (only for `ditto compare`).
 *
 * @throws Error naming the option and what is wrong: garbage, a target that is not a positive
 *   finite number (`ci:0%`, `ci:-1`), `decided` where a run is not compared.
 * @example
 * ```ts
 * parseUntilRule('ci:5%', 'run'); // { kind: 'ci', text: 'ci:5%', tolerance: 0.05, relative: true }
 * ```
 */
export function parseUntilRule(text: string, command: 'run' | 'compare'): UntilRule {
  const trimmed = String(text).trim();
  if (trimmed === 'decided') {
    if (command === 'run') {
      throw new Error(
        '--until decided is for ditto compare <a> <b>; ditto run takes a precision target, e.g. --until ci:5% or --until ci:0.01',
      );
    }
    return { kind: 'decided', text: 'decided' };
  }
  const match = /^ci:(.+)$/.exec(trimmed);
  if (match === null) {
    throw new Error(
      `--until must be ci:<percent>% (relative half-width of the 95% CI of the mean), ci:<half-width>` +
        `${command === 'compare' ? ' or decided' : ''}, e.g. ci:5% or ci:0.01 (got '${text}')`,
    );
  }
  const target = match[1].trim();
  const relative = target.endsWith('%');
  const value = Number(relative ? target.slice(0, -1) : target);
  if (!(value > 0) || !Number.isFinite(value) || (relative ? target.length < 2 : target.length === 0)) {
    throw new Error(
      `--until ${trimmed}: the target half-width must be a positive finite number${relative ? ' of percent' : ''}; ` +
        'an interval of zero width is never reached',
    );
  }
  return { kind: 'ci', text: trimmed, tolerance: relative ? value / 100 : value, relative };
}

/** Parses `--max-repeats` (default {@link DEFAULT_MAX_REPEATS}); at least `initial` and 2. */
export function parseMaxRepeats(text: string | undefined, initial: number): number {
  if (text === undefined) return Math.max(DEFAULT_MAX_REPEATS, initial);
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 2) {
    throw new Error(`--max-repeats must be a whole number ≥ 2 (got '${text}')`);
  }
  if (value < initial) {
    throw new Error(`--max-repeats ${value} is below the first batch of ${initial} repeats (-n)`);
  }
  return value;
}

/** The first batch of a growing run: `-n` when given, else the pool's size, at least 5 repeats. */
export function firstBatch(repeats: number | undefined, workers: number): number {
  return repeats ?? Math.max(workers, MIN_DISTINCT_VALUES);
}

/** Whether `run` meets a precision rule on `metric`, as the summary's "enough repeats" says it. */
export function precisionReached(
  run: ExperimentRun,
  rule: PrecisionRule,
  metric: string,
): { reached: boolean; describe: string } {
  const values = metricValues(run, metric);
  const c = convergence(values, { tolerance: rule.tolerance, relative: rule.relative, confidence: 0.95 });
  const last = c.points.at(-1);
  if (last === undefined) return { reached: false, describe: `${metric} has ${values.length} value` };
  const relativeWidth = `${formatNumber((last.halfWidth / Math.abs(last.mean)) * 100)}% of the mean`;
  return {
    reached: c.enoughAt !== null,
    describe:
      `the 95% CI of ${metric}'s mean is ±${formatNumber(last.halfWidth)} (${relativeWidth}) at n = ${last.n}` +
      (last.distinct < c.minDistinct
        ? `, from ${last.distinct} distinct values (at least ${c.minDistinct} needed)`
        : ''),
  };
}

/** What a growing run needs besides the experiment. */
export interface GrowOptions {
  records: RunRecords;
  /** Repeats run on it; default a new pool of `workers` threads. */
  pool?: RepeatRunner;
  workers?: number;
  repeats?: number;
  seed?: Seed;
  timeout?: number;
  resume?: boolean | string;
  maxRepeats?: string;
  metric?: string;
  progress?: () => RepeatProgress;
}

/** Result of {@link runUntilPrecise}. */
export interface GrownRun extends FileRunResult {
  stop: UntilStop;
}

/**
 * `ditto run <file> --until ci:…`: the first batch, then one batch of the pool's size at a time
 * until the rule holds for the metric or the maximum is reached. Resuming (`resume`) continues
 * an interrupted growing run with its recorded rule.
 *
 * @throws Error for a bad rule or maximum (before any repeat runs), a metric the repeats do not
 *   report (after the first batch, the first moment its name can be checked), or a resumed run
 *   recorded with another rule.
 * @example
 * ```ts
 * const [chosen] = await loadExperiments('examples/experiment.ts');
 * const records = openRecords('.ditto/runs.db');
 * const rule = parseUntilRule('ci:5%', 'run') as PrecisionRule;
 * const grown = await runUntilPrecise('examples/experiment.ts', chosen, rule, { records });
 * console.log(grown.stop.text); // "stopped at 23 repeats: the 95% CI of mse's mean is ±… within ci:5%"
 * ```
 */
export async function runUntilPrecise(
  file: string,
  chosen: ExportedExperiment,
  rule: PrecisionRule,
  options: GrowOptions,
): Promise<GrownRun> {
  const workers = options.workers ?? chosen.experiment.workers ?? defaultWorkers();
  const initial = firstBatch(options.repeats, workers);
  const maxRepeats = parseMaxRepeats(options.maxRepeats, initial);
  const pool = options.pool ?? new RepeatPool(workers);
  try {
    const session = (resume: string | undefined, repeats: number | undefined) =>
      runLoadedExperiment(file, chosen, {
        pool,
        records: options.records,
        resume,
        repeats,
        seed: resume === undefined ? options.seed : undefined,
        timeout: options.timeout,
        progress: options.progress?.(),
      });
    // --resume without an id: the latest unfinished run of this export, else a new run.
    const resumeId =
      options.resume === true
        ? options.records.unfinishedRuns(resolve(file), chosen.exportName)[0]
        : options.resume || undefined;
    let until: UntilRecord | undefined;
    let result: FileRunResult;
    if (resumeId === undefined) {
      result = await session(undefined, initial);
    } else {
      // Checked before anything runs: the rule it grows by, and whether it already stopped.
      const record = options.records.findRun(resumeId);
      until = untilOf(record);
      if (until !== undefined && until.rule !== rule.text) {
        throw new Error(
          `run ${record.id} grows until ${until.rule}, not ${rule.text}; resume it with --until ${until.rule}, or start a new run`,
        );
      }
      if (until?.metric && options.metric !== undefined && options.metric !== until.metric) {
        throw new Error(
          `run ${record.id} watches ${until.metric}, not ${options.metric}; drop --until-metric to resume it, or start a new run`,
        );
      }
      if (until?.stopped !== undefined) {
        throw new Error(`run ${record.id} has already stopped (${until.stopped.text}); start a new run`);
      }
      // A run whose every repeat is done (stopped between a batch and its decision) runs nothing.
      const done = missingIndices(record.repeats, record.results).length === 0;
      result = done
        ? {
            run: runFromRecord(record),
            record,
            resumed: true,
            ran: 0,
            milliseconds: 0,
            workers: pool.workers,
          }
        : await session(record.id, undefined);
    }
    const id = result.record?.id as string;
    until ??= { rule: rule.text, metric: options.metric ?? null, maxRepeats };
    let milliseconds = result.milliseconds;
    let ran = result.ran;
    for (;;) {
      const metric: string | undefined = until.metric ?? metricNames(result.run)[0];
      if (metric === undefined) {
        throw new Error(
          `run ${id}: no repeat succeeded in the first ${result.run.repeats}, so no metric to watch`,
        );
      }
      if (!metricNames(result.run).includes(metric)) {
        throw new Error(
          `--until-metric ${metric}: the repeats report no such metric (they report ${metricNames(result.run).join(', ')})`,
        );
      }
      until = { ...until, metric };
      const { reached, describe } = precisionReached(result.run, rule, metric);
      const repeats = result.run.repeats;
      if (reached || repeats >= until.maxRepeats) {
        const stop: UntilStop = reached
          ? {
              reason: 'target',
              repeats,
              text: `stopped at ${repeats} repeats: ${describe}, within ${rule.text}`,
            }
          : {
              reason: 'max-repeats',
              repeats,
              text: `stopped at --max-repeats ${until.maxRepeats}: ${describe}, not within ${rule.text}`,
            };
        options.records.updateConfiguration(
          id,
          repeats,
          withUntil(result.record as RunRecord, { ...until, stopped: stop }),
        );
        const record = options.records.getRun(id);
        return { ...result, record, ran, milliseconds, stop };
      }
      const next = Math.min(until.maxRepeats, repeats + pool.workers);
      options.records.updateConfiguration(id, next, withUntil(result.record as RunRecord, until));
      result = await session(id, undefined);
      milliseconds += result.milliseconds;
      ran += result.ran;
    }
  } finally {
    if (pool !== options.pool) await pool.destroy();
  }
}

/** The record's options with `until` set (and the first batch's `repeats` dropped: the rule governs). */
function withUntil(record: RunRecord, until: UntilRecord): OptionsWithUntil {
  const { repeats: _, ...rest } = record.options as OptionsWithUntil;
  return { ...rest, until };
}

/** Result of {@link compareUntilDecided}. */
export interface DecidedComparison {
  runs: [GrownRun, GrownRun];
  decision: SequentialComparison;
  metric: string;
}

/**
 * `ditto compare <a> <b> --until decided`: both experiments run a first batch, then one batch
 * each at a time, until {@link sequentialComparison} of `metric` (default the first metric) is
 * decided at `alpha` or both reach the maximum. Each run's record stores the rule, the other run
 * and why it stopped.
 *
 * @throws Error for a bad maximum, or a metric the repeats do not both report.
 * @example
 * ```ts
 * const [a] = await loadExperiments('a.ts');
 * const [b] = await loadExperiments('b.ts');
 * const { decision } = await compareUntilDecided(
 *   [{ file: 'a.ts', chosen: a }, { file: 'b.ts', chosen: b }],
 *   { records: openRecords('.ditto/runs.db'), alpha: 0.05 },
 * );
 * console.log(decision.decided, decision.low, decision.high);
 * ```
 */
export async function compareUntilDecided(
  arms: [{ file: string; chosen: ExportedExperiment }, { file: string; chosen: ExportedExperiment }],
  options: GrowOptions & { alpha?: number },
): Promise<DecidedComparison> {
  const workers =
    options.workers ?? Math.max(...arms.map((a) => a.chosen.experiment.workers ?? defaultWorkers()));
  const initial = firstBatch(options.repeats, workers);
  const maxRepeats = parseMaxRepeats(options.maxRepeats, initial);
  const pool = options.pool ?? new RepeatPool(workers);
  const alpha = options.alpha ?? 0.05;
  try {
    const session = (arm: number, resume: string | undefined, repeats: number | undefined) =>
      runLoadedExperiment(arms[arm].file, arms[arm].chosen, {
        pool,
        records: options.records,
        resume,
        repeats,
        seed: resume === undefined ? options.seed : undefined,
        timeout: options.timeout,
        progress: options.progress?.(),
      });
    const results: [FileRunResult, FileRunResult] = [
      await session(0, undefined, initial),
      await session(1, undefined, initial),
    ];
    const ids = results.map((r) => r.record?.id as string);
    const ran = [results[0].ran, results[1].ran];
    const ms = [results[0].milliseconds, results[1].milliseconds];
    const shared = metricNames(results[0].run).filter((m) => metricNames(results[1].run).includes(m));
    const metric = options.metric ?? shared[0];
    if (metric === undefined || !shared.includes(metric)) {
      throw new Error(
        options.metric === undefined
          ? 'the two experiments report no common metric to decide on'
          : `--until-metric ${metric}: not reported by both experiments (shared: ${shared.join(', ') || 'none'})`,
      );
    }
    for (;;) {
      const decision = sequentialComparison(
        metricValues(results[0].run, metric),
        metricValues(results[1].run, metric),
        {
          alpha,
        },
      );
      const repeats = Math.max(results[0].run.repeats, results[1].run.repeats);
      if (decision.decided || repeats >= maxRepeats) {
        const text = decidedSentence(
          decision,
          metric,
          [results[0].run.name, results[1].run.name],
          maxRepeats,
        );
        const grown = results.map((result, arm): GrownRun => {
          const stop: UntilStop = {
            reason: decision.decided ? 'target' : 'max-repeats',
            repeats: result.run.repeats,
            text,
          };
          const until: UntilRecord = {
            rule: 'decided',
            metric,
            maxRepeats,
            against: ids[1 - arm],
            stopped: stop,
          };
          options.records.updateConfiguration(
            ids[arm],
            result.run.repeats,
            withUntil(result.record as RunRecord, until),
          );
          return {
            ...result,
            record: options.records.getRun(ids[arm]),
            ran: ran[arm],
            milliseconds: ms[arm],
            stop,
          };
        }) as [GrownRun, GrownRun];
        return { runs: grown, decision, metric };
      }
      const next = Math.min(maxRepeats, repeats + pool.workers);
      for (const arm of [0, 1]) {
        const until: UntilRecord = { rule: 'decided', metric, maxRepeats, against: ids[1 - arm] };
        options.records.updateConfiguration(
          ids[arm],
          next,
          withUntil(results[arm].record as RunRecord, until),
        );
        results[arm] = await session(arm, ids[arm], undefined);
        ran[arm] += results[arm].ran;
        ms[arm] += results[arm].milliseconds;
      }
    }
  } finally {
    if (pool !== options.pool) await pool.destroy();
  }
}

/** The decision in words, e.g. "decided at 24 repeats each: B's mean mse is lower by …". */
export function decidedSentence(
  d: SequentialComparison,
  metric: string,
  names: [string, string],
  maxRepeats: number,
): string {
  const pct = formatNumber((1 - d.alpha) * 100);
  const interval = `${pct}% confidence sequence for mean(${names[0]}) − mean(${names[1]}): ${formatNumber(d.low)} … ${formatNumber(d.high)}`;
  const evidence = `e-value ${formatNumber(d.eValue)} ${d.decided ? '≥' : '<'} 1/α = ${formatNumber(1 / d.alpha)}`;
  if (!d.decided) {
    return `not decided at --max-repeats ${maxRepeats} (${d.n} pairs): ${interval} contains 0; ${evidence}`;
  }
  const [larger, smaller] = d.larger === 'a' ? names : [names[1], names[0]];
  return `decided at ${d.n} repeats each: ${larger}'s mean ${metric} is larger than ${smaller}'s; ${interval}; ${evidence} (anytime-valid: the false-positive rate stays ≤ α under this stopping)`;
}
