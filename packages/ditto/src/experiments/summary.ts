/**
 * Per-metric statistics of a run: the description (mean, spread, quartiles, t-interval), bootstrap
 * percentile and BCa intervals for the mean keyed by the experiment seed, and the convergence of
 * the running mean (how many repeats are enough).
 *
 * @module
 */

import {
  type BootstrapInterval,
  bootstrap,
  type Convergence,
  convergence,
  type Description,
  describe,
} from '../stats/index.js';
import type { Direction } from './experiment.js';
import { keyedRandomSource, statisticsKey } from './keyed-random.js';
import {
  directionOf,
  type ExperimentRun,
  failures,
  metricNames,
  metricValues,
  successes,
} from './results.js';

/** Options of {@link summarize}. */
export interface SummaryOptions {
  /** Level of every interval; default 0.95. */
  confidence?: number;
  /** Bootstrap resamples; default 9999 (SciPy's default). */
  nResamples?: number;
  /**
   * Tolerance for "enough repeats": the interval's half-width must stay within it. A fraction of
   * |mean| when `relative` (default), else absolute; default 0.1 (±10% of the mean).
   */
  tolerance?: number;
  /** Whether `tolerance` is relative to |mean|; default true. */
  relative?: boolean;
}

/** Statistics of one metric over the successful repeats. */
export interface MetricSummary {
  metric: string;
  better: Direction;
  /** The values in repeat order. */
  values: number[];
  description: Description;
  /** Bootstrap intervals for the mean from one keyed resampling: percentile and BCa. */
  bootstrap: { percentile: BootstrapInterval; bca: BootstrapInterval };
  /** Running mean and interval half-width against n, in repeat order. */
  convergence: Convergence;
}

/** Statistics of a run. */
export interface ExperimentSummary {
  name: string;
  seed: string;
  repeats: number;
  /** Repeats with a successful result. */
  completed: number;
  /** Repeats that failed. */
  failed: number;
  metrics: MetricSummary[];
}

/**
 * Summarises every metric of a run. The bootstrap for metric m draws from the key
 * `statisticsKey('bootstrap', [seed], m)`, so the same run always gives the same intervals; both
 * intervals are read from the same resamples.
 *
 * @throws RangeError for a bad confidence, resample count or tolerance.
 * @example
 * ```ts
 * const run = await runExperiment(tutorialExperiment, { seed: 7 });
 * const [mse] = summarize(run).metrics;
 * console.log(mse.description.mean, mse.bootstrap.bca.low, mse.bootstrap.bca.high);
 * ```
 */
export function summarize(run: ExperimentRun, options: SummaryOptions = {}): ExperimentSummary {
  const { confidence = 0.95, nResamples = 9999, tolerance = 0.1, relative = true } = options;
  const metrics = metricNames(run).map((metric): MetricSummary => {
    const values = metricValues(run, metric);
    const interval = (method: 'percentile' | 'BCa') =>
      bootstrap(values, {
        random: keyedRandomSource(statisticsKey('bootstrap', [run.seed], metric)),
        confidence,
        nResamples,
        method,
      });
    return {
      metric,
      better: directionOf(run.better, metric),
      values,
      description: describe(values, { confidence }),
      bootstrap: { percentile: interval('percentile'), bca: interval('BCa') },
      convergence: convergence(values, { tolerance, relative, confidence }),
    };
  });
  return {
    name: run.name,
    seed: run.seed,
    repeats: run.repeats,
    completed: successes(run).length,
    failed: failures(run).length,
    metrics,
  };
}
