/**
 * A comparison that may be looked at after every batch of repeats and stopped as soon as it is
 * decided, with the false-positive rate still at most α: an anytime-valid t-test and the
 * confidence sequence it gives for the difference of means.
 *
 * Method (docs/statistics.md, "Decided comparisons"): the i-th repeats of the two arms are paired,
 * D_i = a_i − b_i, independent with mean μ = mean(a) − mean(b). With n pairs, D̄ their mean, s
 * their sample standard deviation, ν = n − 1 and t = √n (D̄ − μ₀)/s, the Bayes factor for a normal
 * prior N(0, τ²) on the standardised effect (μ − μ₀)/σ and the scale-invariant prior 1/σ on σ is
 *
 *   E_n(μ₀) = (1 + nτ²)^(−1/2) · [(1 + t²/ν) / (1 + t²/(ν(1 + nτ²)))]^((ν+1)/2)
 *
 * (Gönen, Johnson, Lu & Westfall 2005, eq. 2 with n_δ = n; Rouder et al. 2009). Under μ = μ₀
 * with normal D it is a nonnegative martingale with mean 1 in the filtration of the scale-invariant
 * statistics (Lai 1976; Pérez-Ortiz, Lardy, de Heide & Grünwald 2024, "E-statistics, group
 * invariance and anytime-valid testing", Ann. Statist. 52), so by Ville's inequality
 * P(E_n ≥ 1/α for some n) ≤ α however the stopping depends on the data. "Decided" is E_n(0) ≥
 * 1/α. The set of μ₀ with E_n(μ₀) < 1/α is a (1 − α) confidence sequence, in closed form:
 * D̄ ± √(ν·x) · s/√n with x = (r − 1)/(1 − r/g), g = 1 + nτ², r = (g^(1/2)/α)^(2/(ν+1)) (the
 * whole line while r ≥ g).
 *
 * @module
 */

import { exp, log, log1p } from '../numeric/elementary.js';
import { checkConfidence, checkSample, type Sample } from './validate.js';

/** Default τ: the prior standard deviation of the standardised difference, a "medium" effect. */
export const DEFAULT_PRIOR_EFFECT = 0.5;

/** Options of {@link sequentialComparison}. */
export interface SequentialOptions {
  /** The false-positive rate guaranteed under optional stopping, in (0, 1); default 0.05. */
  alpha?: number;
  /**
   * τ, the prior standard deviation of the standardised difference (μ/σ of the paired
   * differences); default 0.5. Any τ > 0 keeps the guarantee; it sets which effect sizes are
   * detected soonest.
   */
  priorEffect?: number;
}

/** The state of a sequential comparison after n pairs of repeats. */
export interface SequentialComparison {
  /** Pairs used: the first min(a.length, b.length) repeats of each arm, in order. */
  n: number;
  /** D̄, the mean of a_i − b_i (equal to mean(a) − mean(b) over the paired repeats). */
  meanDifference: number;
  /** Sample standard deviation of the differences (NaN below 2 pairs). */
  sdDifference: number;
  /** E_n(0): evidence against "no difference"; decided when ≥ 1/alpha. 1 below 2 pairs. */
  eValue: number;
  /** The always-valid (1 − alpha) confidence sequence for the difference of means at n. */
  low: number;
  high: number;
  /** E_n(0) ≥ 1/alpha (equivalently, 0 lies outside [low, high]). */
  decided: boolean;
  /** When decided, which arm's mean is larger; else null. */
  larger: 'a' | 'b' | null;
  alpha: number;
  priorEffect: number;
}

/**
 * The anytime-valid comparison of the means of two arms after the repeats so far: pair the i-th
 * repeats, compute the e-value E_n(0) and the confidence sequence for mean(a) − mean(b). Stopping
 * the first time `decided` is true (or at any other data-dependent time) keeps the probability of
 * declaring a difference between identical configurations at most `alpha`. Exact for normally
 * distributed metrics; see the module comment for the formula and docs/statistics.md.
 *
 * @throws RangeError on an empty sample, a non-finite value, an alpha outside (0, 1) or a
 *   priorEffect that is not a positive finite number.
 * @example
 * ```ts
 * const s = sequentialComparison(lossA, lossB, { alpha: 0.05 });
 * if (s.decided) console.log(`${s.larger === 'a' ? 'A' : 'B'} has the larger mean`, s.low, s.high);
 * ```
 */
export function sequentialComparison(
  a: Sample,
  b: Sample,
  options: SequentialOptions = {},
): SequentialComparison {
  checkSample('sequentialComparison', 'a', a);
  checkSample('sequentialComparison', 'b', b);
  const { alpha = 0.05, priorEffect = DEFAULT_PRIOR_EFFECT } = options;
  checkConfidence('sequentialComparison', alpha, 'alpha');
  if (typeof priorEffect !== 'number' || !(priorEffect > 0 && Number.isFinite(priorEffect))) {
    throw new RangeError(
      `sequentialComparison: \`priorEffect\` must be a positive finite number (got ${String(priorEffect)})`,
    );
  }
  const n = Math.min(a.length, b.length);
  // Welford over the differences, in repeat order.
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    const delta = d - mean;
    mean += delta / (i + 1);
    m2 += delta * (d - mean);
  }
  const base = { n, meanDifference: mean, alpha, priorEffect };
  if (n < 2) {
    return {
      ...base,
      sdDifference: Number.NaN,
      eValue: 1,
      low: -Infinity,
      high: Infinity,
      decided: false,
      larger: null,
    };
  }
  const nu = n - 1;
  const sd = Math.sqrt(m2 / nu);
  const g = 1 + n * priorEffect * priorEffect;
  const logThreshold = -log(alpha);
  const logE = logEValue(mean, sd, n, g);
  const decided = logE >= logThreshold;
  // The confidence sequence: |t| below the t² at which log E reaches log(1/α).
  const logR = (2 / (nu + 1)) * (0.5 * log(g) + logThreshold);
  // ditto's exp and log, as the distributions use: the same bits in every runtime.
  const r = exp(logR);
  const halfWidth =
    r >= g ? Infinity : sd === 0 ? 0 : Math.sqrt((nu * (r - 1)) / (1 - r / g)) * (sd / Math.sqrt(n));
  return {
    ...base,
    sdDifference: sd,
    eValue: exp(logE),
    low: mean - halfWidth,
    high: mean + halfWidth,
    decided,
    larger: decided ? (mean > 0 ? 'a' : 'b') : null,
  };
}

/** log E_n(0); with s = 0 it is the t → ∞ limit (ν/2)·log g when D̄ ≠ 0, and 0 when D̄ = 0. */
function logEValue(mean: number, sd: number, n: number, g: number): number {
  const nu = n - 1;
  if (sd === 0) return mean === 0 ? 0 : (nu / 2) * log(g);
  const t2 = (n * mean * mean) / (sd * sd);
  return -0.5 * log(g) + ((nu + 1) / 2) * (log1p(t2 / nu) - log1p(t2 / (nu * g)));
}
