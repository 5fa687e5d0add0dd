import { tQuantile } from './distributions.js';
import { mean, medianSorted, quantileSorted, sortedCopy, trimMeanSorted, variance } from './sample-math.js';
import { checkConfidence, checkSample, type Sample } from './validate.js';

/** Summary of one metric over the repeats of an experiment; see {@link describe}. */
export interface Description {
  /** Number of values. */
  n: number;
  /** Arithmetic mean. */
  mean: number;
  /** Sample standard deviation (ddof = 1); NaN when n = 1. */
  std: number;
  /** Standard error of the mean, std / √n (`scipy.stats.sem`); NaN when n = 1. */
  sem: number;
  /** Median (`numpy.median`). */
  median: number;
  /** 25th percentile, numpy's default linear interpolation. */
  q1: number;
  /** 75th percentile, numpy's default linear interpolation. */
  q3: number;
  /** Interquartile range q3 − q1. */
  iqr: number;
  /**
   * Interquartile mean as rliable computes it: the 25%-trimmed mean
   * (`scipy.stats.trim_mean(values, 0.25)`), which drops ⌊n/4⌋ values at each end. For n < 4
   * nothing is dropped and it equals the mean.
   */
  iqm: number;
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
  /** The confidence level of `ci`. */
  confidence: number;
  /**
   * Student-t confidence interval for the mean, mean ± t((1 + confidence)/2, n − 1) · sem
   * (`scipy.stats.t.interval(confidence, n − 1, loc=mean, scale=sem)`). Both ends are NaN when
   * n = 1 (no spread can be estimated); zero width when all values are equal.
   */
  ci: { low: number; high: number };
}

/**
 * Describes the distribution of a metric over repeated runs (location, spread, quartiles and a
 * t-interval for the mean), matching numpy/SciPy's definitions.
 *
 * @param values - one value per run; at least one, all finite.
 * @param options.confidence - level of the interval for the mean, in (0, 1); default 0.95.
 * @throws RangeError on an empty sample, a non-finite value or a confidence outside (0, 1).
 * @example
 * ```ts
 * const d = describe([0.12, 0.10, 0.15, 0.11]);
 * d.mean;   // 0.12
 * d.ci;     // { low: 0.08563…, high: 0.15437… }
 * ```
 */
export function describe(values: Sample, { confidence = 0.95 }: { confidence?: number } = {}): Description {
  checkSample('describe', 'values', values);
  checkConfidence('describe', confidence);
  const n = values.length;
  const sorted = sortedCopy(values);
  const m = mean(values);
  const std = Math.sqrt(variance(values, 1));
  const sem = std / Math.sqrt(n);
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  let low = Number.NaN;
  let high = Number.NaN;
  if (n >= 2) {
    // Same split of the tails as scipy.stats.t.interval.
    low = m + sem * tQuantile((1 - confidence) / 2, n - 1);
    high = m + sem * tQuantile((1 + confidence) / 2, n - 1);
  }
  return {
    n,
    mean: m,
    std,
    sem,
    median: medianSorted(sorted),
    q1,
    q3,
    iqr: q3 - q1,
    iqm: trimMeanSorted(sorted, 0.25),
    min: sorted[0],
    max: sorted[n - 1],
    confidence,
    ci: { low, high },
  };
}

/**
 * The `p`-quantile of `values` with numpy's default method (linear interpolation between order
 * statistics, `numpy.quantile(values, p)`).
 *
 * @example
 * ```ts
 * quantile([1, 2, 3, 4], 0.25); // 1.75
 * ```
 */
export function quantile(values: Sample, p: number): number {
  checkSample('quantile', 'values', values);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new RangeError(`quantile: \`p\` must be a number in [0, 1] (got ${String(p)})`);
  }
  return quantileSorted(sortedCopy(values), p);
}
