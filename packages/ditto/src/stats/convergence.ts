import { tQuantile } from './distributions.js';
import { checkConfidence, checkSample, type Sample } from './validate.js';

/** The state of the estimate after the first n runs. */
export interface ConvergencePoint {
  /** Number of runs so far (≥ 2). */
  n: number;
  /** Mean of the first n values. */
  mean: number;
  /** Half-width of the Student-t interval for the mean: t((1 + confidence)/2, n − 1) · s/√n. */
  halfWidth: number;
  /** How many distinct values the first n contain. */
  distinct: number;
}

/**
 * "Enough repeats" is never declared from fewer distinct values than this: an interval from a few
 * repeated values (a metric on a small test set, a run that barely varies) is not an estimate of
 * the spread, however narrow it is.
 */
export const MIN_DISTINCT_VALUES = 5;

/** Result of {@link convergence}. */
export interface Convergence {
  /** One point per n = 2 … values.length (empty for a single value). */
  points: ConvergencePoint[];
  /**
   * The smallest n from which the half-width stays ≤ the tolerance for every later run observed,
   * or null if the last run is still above it. A point counts only with a half-width above 0 and
   * at least `minDistinct` distinct values among its first n (see {@link MIN_DISTINCT_VALUES}).
   * It says when the estimate settled in this data, not a promise about further runs.
   */
  enoughAt: number | null;
  tolerance: number;
  relative: boolean;
  confidence: number;
  minDistinct: number;
}

/**
 * How many repeats are enough: for values in run order, the running mean and the half-width of the
 * t-interval for the mean at each n ≥ 2, and the first n after which the half-width stays within
 * `tolerance` (absolute, or a fraction of |running mean| when `relative`). An interval of zero
 * width, or one from fewer than `minDistinct` distinct values (default {@link MIN_DISTINCT_VALUES}),
 * never counts as within the tolerance: constant or nearly constant values say nothing about the
 * spread of further repeats.
 *
 * Running mean and variance are updated with Welford's algorithm (stable, one pass).
 *
 * @throws RangeError on an empty sample, a non-finite value, a tolerance that is not a positive
 *   finite number, a confidence outside (0, 1) or a `minDistinct` below 2.
 * @example
 * ```ts
 * const c = convergence(mseByRun, { tolerance: 0.05, relative: true });
 * c.enoughAt; // e.g. 17: from 17 runs on, the 95% interval is within ±5% of the mean
 * ```
 */
export function convergence(
  values: Sample,
  {
    tolerance,
    confidence = 0.95,
    relative = false,
    minDistinct = MIN_DISTINCT_VALUES,
  }: { tolerance: number; confidence?: number; relative?: boolean; minDistinct?: number },
): Convergence {
  checkSample('convergence', 'values', values);
  if (typeof tolerance !== 'number' || !(tolerance > 0 && Number.isFinite(tolerance))) {
    throw new RangeError(
      `convergence: \`tolerance\` must be a positive finite number (got ${String(tolerance)})`,
    );
  }
  checkConfidence('convergence', confidence);
  if (!Number.isSafeInteger(minDistinct) || minDistinct < 2) {
    throw new RangeError(
      `convergence: \`minDistinct\` must be a whole number ≥ 2 (got ${String(minDistinct)})`,
    );
  }
  const seen = new Set<number>([values[0]]);
  const points: ConvergencePoint[] = [];
  let m = values[0];
  let m2 = 0;
  let enoughAt: number | null = null;
  for (let i = 1; i < values.length; i++) {
    const n = i + 1;
    const x = values[i];
    const delta = x - m;
    m += delta / n;
    m2 += delta * (x - m);
    const sem = Math.sqrt(m2 / (n - 1) / n);
    const halfWidth = tQuantile((1 + confidence) / 2, n - 1) * sem;
    seen.add(x);
    points.push({ n, mean: m, halfWidth, distinct: seen.size });
    const limit = relative ? tolerance * Math.abs(m) : tolerance;
    if (halfWidth > 0 && seen.size >= minDistinct && halfWidth <= limit) enoughAt ??= n;
    else enoughAt = null;
  }
  return { points, enoughAt, tolerance, relative, confidence, minDistinct };
}
