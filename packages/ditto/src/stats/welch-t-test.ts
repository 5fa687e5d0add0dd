import { tCdf } from './distributions.js';
import { mean, variance } from './sample-math.js';
import { checkSample, type Sample } from './validate.js';

/** Result of {@link welchTTest}. */
export interface WelchTTestResult {
  /** t = (mean(a) − mean(b)) / √(var(a)/n_a + var(b)/n_b). */
  statistic: number;
  /** Welch–Satterthwaite degrees of freedom (1 when both variances are 0, as SciPy sets it). */
  df: number;
  /** Two-sided p-value, 2·P(T ≤ −|t|). */
  pValue: number;
}

/**
 * Welch's unequal-variance t-test of equal means, two-sided:
 * `scipy.stats.ttest_ind(a, b, equal_var=False)`.
 *
 * When both samples are constant the statistic is ±Infinity with p = 0 if the means differ, and
 * NaN with p = NaN if they are equal — as in SciPy.
 *
 * @throws RangeError when a sample has fewer than 2 values (no variance) or a non-finite value.
 * @example
 * ```ts
 * const { statistic, df, pValue } = welchTTest([1.1, 0.9, 1.0], [2.3, 1.8, 2.9, 2.2]);
 * ```
 */
export function welchTTest(a: Sample, b: Sample): WelchTTestResult {
  checkSample('welchTTest', 'a', a, 2);
  checkSample('welchTTest', 'b', b, 2);
  const na = a.length;
  const nb = b.length;
  const vna = variance(a, 1) / na;
  const vnb = variance(b, 1) / nb;
  const se2 = vna + vnb;
  const statistic = (mean(a) - mean(b)) / Math.sqrt(se2);
  let df = (se2 * se2) / ((vna * vna) / (na - 1) + (vnb * vnb) / (nb - 1));
  // 0/0 only when both variances vanish; any df then gives the same p, and SciPy picks 1.
  if (Number.isNaN(df)) df = 1;
  const pValue = Number.isNaN(statistic) ? Number.NaN : 2 * tCdf(-Math.abs(statistic), df);
  return { statistic, df, pValue };
}
