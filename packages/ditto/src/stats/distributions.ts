// The probability distributions the statistics need, taken from stdlib rather than hand-written.
// stdlib implements its special functions (exp, log, incomplete beta and gamma) in plain
// JavaScript arithmetic, so the results do not depend on the engine's Math.exp/log.
import chiSquareCdfImpl from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdfImpl from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileImpl from '@stdlib/stats-base-dists-normal-quantile';
import tCdfImpl from '@stdlib/stats-base-dists-t-cdf';
import tQuantileImpl from '@stdlib/stats-base-dists-t-quantile';

/** P(T ≤ x) for Student's t with `df` degrees of freedom. */
export function tCdf(x: number, df: number): number {
  return tCdfImpl(x, df);
}

/** The `p`-quantile of Student's t with `df` degrees of freedom (SciPy's `t.ppf`). */
export function tQuantile(p: number, df: number): number {
  return tQuantileImpl(p, df);
}

/** Φ(x), the standard normal CDF (SciPy's `special.ndtr`). */
export function normalCdf(x: number): number {
  return normalCdfImpl(x, 0, 1);
}

/** Φ⁻¹(p), the standard normal quantile (SciPy's `special.ndtri`). */
export function normalQuantile(p: number): number {
  return normalQuantileImpl(p, 0, 1);
}

/**
 * P(X² ≥ x) for chi-square with `df` degrees of freedom, as 1 − CDF (stdlib ships no survival
 * function here): exact to about 1e-16 in absolute terms, so p-values below ~1e-15 read as 0.
 */
export function chiSquareSf(x: number, df: number): number {
  return 1 - chiSquareCdfImpl(x, df);
}
