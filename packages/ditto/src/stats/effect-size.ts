import { type BootstrapInterval, type BootstrapOptions, bootstrapImpl } from './bootstrap.js';
import { rankAverage } from './ranks.js';
import { mean, variance } from './sample-math.js';
import { checkSample, type Sample } from './validate.js';

/**
 * Hedges' g: the standardized mean difference (mean(a) − mean(b)) / s_pooled, with
 * s_pooled² = ((n_a − 1)·var(a) + (n_b − 1)·var(b)) / (n_a + n_b − 2), times the exact small-sample
 * bias correction J(ν) = Γ(ν/2) / (√(ν/2) · Γ((ν − 1)/2)), ν = n_a + n_b − 2 (Hedges 1981; the
 * common 1 − 3/(4ν − 1) is its approximation). SciPy has no equivalent.
 *
 * When both samples are constant, g is 0 for equal means and ±Infinity otherwise.
 *
 * @throws RangeError when a sample has fewer than 2 values or a non-finite value.
 * @example
 * ```ts
 * hedgesG([2, 4, 6], [1, 2, 3]); // ≈ 1.009 (d = 1.265, J(4) = 0.798)
 * ```
 */
export function hedgesG(a: Sample, b: Sample): number {
  checkSample('hedgesG', 'a', a, 2);
  checkSample('hedgesG', 'b', b, 2);
  const na = a.length;
  const nb = b.length;
  const df = na + nb - 2;
  const pooled = Math.sqrt(((na - 1) * variance(a, 1) + (nb - 1) * variance(b, 1)) / df);
  const diff = mean(a) - mean(b);
  if (pooled === 0) return diff === 0 ? 0 : diff > 0 ? Infinity : -Infinity;
  return hedgesCorrection(df) * (diff / pooled);
}

/**
 * J(ν) = R(ν/2) / √(ν/2) with R(x) = Γ(x) / Γ(x − ½), from R(1) = 1/√π and R(3/2) = √π/2 by
 * R(x + 1) = R(x) · x / (x − ½): only × ÷ √, so no engine-dependent Γ or log is needed.
 */
export function hedgesCorrection(df: number): number {
  const sqrtPi = Math.sqrt(Math.PI);
  let x = df % 2 === 0 ? 1 : 1.5;
  let r = df % 2 === 0 ? 1 / sqrtPi : sqrtPi / 2;
  for (; x < df / 2; x++) r *= x / (x - 0.5);
  return r / Math.sqrt(df / 2);
}

/** Magnitude label of Cliff's δ (Romano et al. 2006 thresholds on |δ|). */
export type CliffsMagnitude = 'negligible' | 'small' | 'medium' | 'large';

/** Result of {@link cliffsDelta}. */
export interface CliffsDeltaResult {
  /** δ = P(a > b) − P(a < b) over all pairs, in [−1, 1]. */
  delta: number;
  /** |δ| < 0.147 negligible, < 0.33 small, < 0.474 medium, otherwise large. */
  magnitude: CliffsMagnitude;
}

/**
 * Cliff's δ, the ordinal effect size: the share of pairs (x from a, y from b) with x > y minus the
 * share with x < y. Positive means a tends to be larger. Equals 2·U₁/(n_a·n_b) − 1 with U₁ the
 * Mann–Whitney statistic of a.
 *
 * @throws RangeError on an empty sample or a non-finite value.
 * @example
 * ```ts
 * cliffsDelta([1, 2, 3], [2, 3, 4]); // { delta: -0.556, magnitude: 'large' }  (−5/9)
 * ```
 */
export function cliffsDelta(a: Sample, b: Sample): CliffsDeltaResult {
  checkSample('cliffsDelta', 'a', a);
  checkSample('cliffsDelta', 'b', b);
  const mn = a.length * b.length;
  const delta = (2 * mannWhitneyU1(a, b) - mn) / mn;
  return { delta, magnitude: cliffsMagnitude(delta) };
}

/** The magnitude label for a Cliff's δ. */
export function cliffsMagnitude(delta: number): CliffsMagnitude {
  const d = Math.abs(delta);
  return d < 0.147 ? 'negligible' : d < 0.33 ? 'small' : d < 0.474 ? 'medium' : 'large';
}

/** U of the first sample from average ranks (exact: ranks are integers or halves). */
function mannWhitneyU1(a: Sample, b: Sample): number {
  const { ranks } = rankAverage([...Array.from(a), ...Array.from(b)]);
  let r1 = 0;
  for (let i = 0; i < a.length; i++) r1 += ranks[i];
  return r1 - (a.length * (a.length + 1)) / 2;
}

/** Result of {@link probabilityOfImprovement}. */
export interface ProbabilityOfImprovement extends BootstrapInterval {}

/**
 * Probability of improvement of a over b for a metric where lower is better:
 * P(X < Y) + ½·P(X = Y) for X drawn from a and Y from b, i.e. the share of pairs in which a's run
 * beats b's, ties counting half (rliable's statistic with the inequality reversed; for a metric
 * where higher is better, swap the arguments). 0.5 means no tendency either way.
 *
 * The interval bootstraps a and b independently (as rliable and `scipy.stats.bootstrap((a, b), …)`
 * do); default method 'percentile' as in rliable.
 *
 * @throws RangeError on an empty sample, a non-finite value or a bad bootstrap option.
 * @example
 * ```ts
 * const poi = probabilityOfImprovement(mseB, mseA, { random });
 * poi.estimate; // e.g. 0.78: a run of B beats a run of A 78% of the time
 * ```
 */
export function probabilityOfImprovement(
  a: Sample,
  b: Sample,
  options: BootstrapOptions,
): ProbabilityOfImprovement {
  checkSample('probabilityOfImprovement', 'a', a);
  checkSample('probabilityOfImprovement', 'b', b);
  return bootstrapImpl(
    'probabilityOfImprovement',
    [a, b],
    (x, y) => probabilityLessSorted(x.sort(), y.sort()),
    { ...options, method: options?.method ?? 'percentile' },
    ['a', 'b'],
  );
}

/** P(X < Y) + ½·P(X = Y) for ascending `x` and `y`, by one merge-like pass. */
function probabilityLessSorted(x: Float64Array, y: Float64Array): number {
  const m = x.length;
  const n = y.length;
  let lt = 0; // #y < x[i]
  let le = 0; // #y ≤ x[i]
  let wins = 0; // Σ over i of #(y > x[i]) + ½ #(y = x[i]), doubled to stay integral
  for (let i = 0; i < m; i++) {
    const v = x[i];
    while (lt < n && y[lt] < v) lt++;
    if (le < lt) le = lt;
    while (le < n && y[le] <= v) le++;
    wins += 2 * (n - le) + (le - lt);
  }
  return wins / (2 * m * n);
}
