import { normalCdf } from './distributions.js';
import { rankAverage } from './ranks.js';
import { checkSample, type Sample } from './validate.js';

/** How the Mann–Whitney p-value is computed. */
export type MannWhitneyMethod = 'auto' | 'exact' | 'asymptotic';

/** Result of {@link mannWhitneyU}. */
export interface MannWhitneyResult {
  /** U of the first sample: #(a > b) + ½·#(a = b) over all pairs. */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  /** The method actually used ('auto' resolved). */
  method: 'exact' | 'asymptotic';
}

/**
 * Mann–Whitney U test, two-sided:
 * `scipy.stats.mannwhitneyu(a, b, alternative='two-sided', method=…)`.
 *
 * `method: 'auto'` (default) follows SciPy's rule (identical in SciPy 1.10.1 and 1.17.1,
 * `_mwu_choose_method`): the exact null distribution when at least one sample has ≤ 8 values and
 * there are no ties, the normal approximation otherwise. The exact p-value is 2·P(U ≥ max(U₁, U₂))
 * from the exact count of arrangements (integer arithmetic, so exact up to the final division);
 * the asymptotic one uses the tie-corrected variance and a continuity correction of ½. Both are
 * clipped to 1.
 *
 * @throws RangeError on an empty sample or a non-finite value.
 * @example
 * ```ts
 * mannWhitneyU([1, 2, 3], [4, 5, 6]); // { statistic: 0, pValue: 0.1, method: 'exact' }
 * ```
 */
export function mannWhitneyU(
  a: Sample,
  b: Sample,
  { method = 'auto', continuity = true }: { method?: MannWhitneyMethod; continuity?: boolean } = {},
): MannWhitneyResult {
  checkSample('mannWhitneyU', 'a', a);
  checkSample('mannWhitneyU', 'b', b);
  if (method !== 'auto' && method !== 'exact' && method !== 'asymptotic') {
    throw new RangeError(
      `mannWhitneyU: \`method\` must be 'auto', 'exact' or 'asymptotic' (got ${String(method)})`,
    );
  }
  const n1 = a.length;
  const n2 = b.length;
  const { ranks, tieTerm, hasTies } = rankAverage([...Array.from(a), ...Array.from(b)]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i];
  // Ranks are integers or halves, so these sums are exact.
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const u = Math.max(u1, u2);
  const chosen = method === 'auto' ? ((n1 > 8 && n2 > 8) || hasTies ? 'asymptotic' : 'exact') : method;
  let p: number;
  if (chosen === 'exact') {
    p = 2 * exactCdf(n1, n2, n1 * n2 - Math.floor(u));
  } else {
    const n = n1 + n2;
    const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    const numerator = u - (n1 * n2) / 2 - (continuity ? 0.5 : 0);
    // s = 0 only when all values are equal: −0.5/0 = −∞ gives p = 2, clipped to 1 as in SciPy.
    p = 2 * normalCdf(-(numerator / s));
  }
  return { statistic: u1, pValue: Math.min(Math.max(p, 0), 1), method: chosen };
}

/**
 * P(U ≤ k) under the null hypothesis for sample sizes n1, n2 (no ties). The number of
 * arrangements with U = u is the coefficient of q^u in the Gaussian binomial [n1+n2 choose m]_q,
 * m = min(n1, n2), built as Π_{i=1..m} (1 − q^{n+i}) / (1 − q^i) in BigInt (exact), truncated at
 * degree k.
 */
function exactCdf(n1: number, n2: number, k: number): number {
  const m = Math.min(n1, n2);
  const n = Math.max(n1, n2);
  if (k < 0) return 0;
  const counts: bigint[] = new Array(k + 1).fill(0n);
  counts[0] = 1n;
  for (let i = 1; i <= m; i++) {
    for (let d = k; d >= n + i; d--) counts[d] -= counts[d - n - i];
    for (let d = i; d <= k; d++) counts[d] += counts[d - i];
  }
  let below = 0n;
  for (let d = 0; d <= k; d++) below += counts[d];
  let total = 1n;
  for (let i = 1; i <= m; i++) total = (total * BigInt(n + i)) / BigInt(i);
  return ratio(below, total);
}

/** num / den for BigInts, correct to float64 precision even when both exceed 2^1024. */
function ratio(num: bigint, den: bigint): number {
  const shift = BigInt(Math.max(0, den.toString(2).length - 1000));
  return Number(num >> shift) / Number(den >> shift);
}
