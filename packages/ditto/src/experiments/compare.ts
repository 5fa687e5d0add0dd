/**
 * Comparing runs metric by metric: Welch's t-test, Mann–Whitney U, Hedges' g, Cliff's δ, the
 * probability of improvement with a keyed bootstrap interval and a plain-words verdict for every
 * pair, and Kruskal–Wallis across all runs when there are more than two.
 *
 * @module
 */

import {
  type CliffsDeltaResult,
  cliffsDelta,
  hedgesG,
  type KruskalWallisResult,
  kruskalWallis,
  type MannWhitneyResult,
  mannWhitneyU,
  type ProbabilityOfImprovement,
  probabilityOfImprovement,
  type Verdict,
  verdict,
  type WelchTTestResult,
  welchTTest,
} from '../stats/index.js';
import type { Direction } from './experiment.js';
import { keyedRandomSource, statisticsKey } from './keyed-random.js';
import { directionOf, type ExperimentRun, metricNames, metricValues } from './results.js';

/** A run to compare, optionally with the label to show instead of its name. */
export type ComparedRun = ExperimentRun & { label?: string };

/** Options of {@link compareRuns}. */
export interface ComparisonOptions {
  /** Metrics to compare; default every metric all runs report. */
  metrics?: string[];
  /** Significance level of the verdicts; default 0.05. */
  alpha?: number;
  /** Level of the probability-of-improvement interval; default 0.95. */
  confidence?: number;
  /** Bootstrap resamples for that interval; default 9999. */
  nResamples?: number;
}

/** One run's values of a metric. */
export interface ComparisonGroup {
  label: string;
  seed: string;
  values: number[];
}

/** Two runs compared on one metric; "a better than b" follows the metric's direction. */
export interface PairComparison {
  a: string;
  b: string;
  /** Welch's t-test of equal means; null when a run has fewer than 2 values. */
  welch: WelchTTestResult | null;
  mannWhitney: MannWhitneyResult;
  /** Hedges' g of a vs b; null when a run has fewer than 2 values. */
  hedgesG: number | null;
  /** Cliff's δ(a, b): positive when a's values tend to be larger. */
  cliffsDelta: CliffsDeltaResult;
  /** P(a run of a beats a run of b), ties counting half, with a bootstrap percentile interval. */
  improvement: ProbabilityOfImprovement;
  verdict: Verdict;
}

/** All runs compared on one metric. */
export interface MetricComparison {
  metric: string;
  better: Direction;
  groups: ComparisonGroup[];
  /** Kruskal–Wallis across all groups when there are more than two, else null. */
  kruskalWallis: KruskalWallisResult | null;
  /** Every pair (i < j) in the order the runs were given. */
  pairs: PairComparison[];
}

/** Result of {@link compareRuns}. */
export interface Comparison {
  labels: string[];
  metrics: MetricComparison[];
}

/**
 * Compares two or more runs on every metric they share. The probability-of-improvement bootstrap
 * for runs a, b and metric m draws from `statisticsKey('improvement', [seed a, seed b], m)`, so a
 * comparison is as reproducible as the runs themselves.
 *
 * @throws Error with fewer than two runs, a requested metric some run lacks, runs that disagree on
 *   a metric's direction, or a run without successful repeats.
 * @example
 * ```ts
 * const comparison = compareRuns([baselineRun, widerRun]);
 * console.log(comparison.metrics[0].pairs[0].verdict.text);
 * // "tutorial 1→20→1's median mse is lower (…); p = 0.003 (Mann–Whitney U), Cliff's δ(…) = −0.41 (medium): …"
 * ```
 */
export function compareRuns(runs: readonly ComparedRun[], options: ComparisonOptions = {}): Comparison {
  if (!Array.isArray(runs) || runs.length < 2) {
    throw new RangeError(`compareRuns: need at least two runs to compare (got ${runs?.length ?? 0})`);
  }
  const { alpha = 0.05, confidence = 0.95, nResamples = 9999 } = options;
  const labels = uniqueLabels(runs.map((r) => r.label ?? r.name));
  const shared = metricNames(runs[0]).filter((m) => runs.every((r) => metricNames(r).includes(m)));
  const metrics = options.metrics ?? shared;
  for (const metric of metrics) {
    runs.forEach((r, i) => {
      if (!metricNames(r).includes(metric)) {
        throw new RangeError(
          `compareRuns: ${labels[i]} has no successful repeat reporting metric '${metric}'` +
            ` (its metrics: ${metricNames(r).join(', ') || 'none'})`,
        );
      }
    });
  }
  if (metrics.length === 0) {
    throw new RangeError(`compareRuns: the runs share no metric (${labels.join(', ')})`);
  }
  return {
    labels,
    metrics: metrics.map((metric) => {
      const better = sharedDirection(runs, labels, metric);
      const groups = runs.map((r, i) => ({
        label: labels[i],
        seed: r.seed,
        values: metricValues(r, metric),
      }));
      const pairs: PairComparison[] = [];
      for (let i = 0; i < groups.length; i++) {
        for (let j = i + 1; j < groups.length; j++) {
          pairs.push(comparePair(groups[i], groups[j], metric, better, { alpha, confidence, nResamples }));
        }
      }
      return {
        metric,
        better,
        groups,
        kruskalWallis: groups.length > 2 ? kruskalWallis(...groups.map((g) => g.values)) : null,
        pairs,
      };
    }),
  };
}

function comparePair(
  a: ComparisonGroup,
  b: ComparisonGroup,
  metric: string,
  better: Direction,
  { alpha, confidence, nResamples }: Required<Omit<ComparisonOptions, 'metrics'>>,
): PairComparison {
  const both = a.values.length >= 2 && b.values.length >= 2;
  const random = keyedRandomSource(statisticsKey('improvement', [a.seed, b.seed], metric));
  // probabilityOfImprovement(x, y) is P(X < Y): a "beats" b when lower is better, so swap for higher.
  const improvement =
    better === 'lower'
      ? probabilityOfImprovement(a.values, b.values, { random, confidence, nResamples })
      : probabilityOfImprovement(b.values, a.values, { random, confidence, nResamples });
  return {
    a: a.label,
    b: b.label,
    welch: both ? welchTTest(a.values, b.values) : null,
    mannWhitney: mannWhitneyU(a.values, b.values),
    hedgesG: both ? hedgesG(a.values, b.values) : null,
    cliffsDelta: cliffsDelta(a.values, b.values),
    improvement,
    verdict: verdict(
      { name: a.label, values: a.values },
      { name: b.label, values: b.values },
      { better, metric, alpha },
    ),
  };
}

function sharedDirection(runs: readonly ComparedRun[], labels: string[], metric: string): Direction {
  const first = directionOf(runs[0].better, metric);
  runs.forEach((r, i) => {
    if (directionOf(r.better, metric) !== first) {
      throw new RangeError(
        `compareRuns: ${labels[0]} says ${first} ${metric} is better, ${labels[i]} says ${directionOf(r.better, metric)}`,
      );
    }
  });
  return first;
}

/** Labels made unique by appending " #2", " #3", … to repeats. */
function uniqueLabels(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name} #${count}`;
  });
}
