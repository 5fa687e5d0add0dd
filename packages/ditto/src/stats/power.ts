/**
 * Power analysis for comparing two experiments: how many repeats per arm a two-sided test of equal
 * means needs to detect a given difference.
 *
 * @module
 */

import { normalCdf, normalQuantile } from './distributions.js';
import { checkConfidence } from './validate.js';

/** Options of {@link power}. */
export interface PowerOptions {
  /** The standard deviation of the metric in each arm (e.g. a pilot run's). */
  sd: number;
  /** The difference of means to detect, in the metric's units (its sign does not matter). */
  difference: number;
  /** Two-sided significance level, in (0, 1); default 0.05. */
  alpha?: number;
  /** The probability of detecting the difference, in (0, 1); default 0.8. */
  power?: number;
}

/** Result of {@link power}. */
export interface PowerAnalysis {
  /** Repeats per arm: ⌈2(z₁₋α/₂ + z_power)²(σ/Δ)² + z²₁₋α/₂/4⌉, at least 2. */
  repeatsPerArm: number;
  /** The normal-approximation n before Guenther's correction and rounding, 2(z₁₋α/₂ + z_power)²(σ/Δ)². */
  normalApproximation: number;
  /** |Δ|/σ, the standardised difference (Cohen's d). */
  standardizedEffect: number;
  /** The power the normal approximation gives at `repeatsPerArm`: Φ(|Δ|/(σ√(2/n)) − z₁₋α/₂). */
  achievedPower: number;
  alpha: number;
  power: number;
  /** The assumption, in words. */
  assumption: string;
}

/**
 * Repeats per arm for a two-sided two-sample t-test (Welch's, with equal SDs and equal n) to detect
 * a difference of means `difference` with probability `power`, when each arm's metric has standard
 * deviation `sd`: the normal approximation n = 2(z₁₋α/₂ + z_power)²(σ/Δ)² plus Guenther's (1981)
 * correction z²₁₋α/₂/4 for estimating σ (Guenther, "Sample size formulas for normal theory t
 * tests", The American Statistician 35(4)), rounded up. It matches G*Power's exact noncentral-t
 * answers to within one repeat (d = 0.5: 64 per group).
 *
 * @throws RangeError for an sd or difference that is not a positive finite number, or an alpha or
 *   power outside (0, 1).
 * @example
 * ```ts
 * power({ sd: 0.004, difference: 0.0015 }).repeatsPerArm; // 113
 * ```
 */
export function power(options: PowerOptions): PowerAnalysis {
  const { sd, difference, alpha = 0.05, power: target = 0.8 } = options ?? ({} as PowerOptions);
  if (typeof sd !== 'number' || !(sd > 0 && Number.isFinite(sd))) {
    throw new RangeError(
      `power: \`sd\` must be a positive finite number (got ${String(sd)}); a pilot whose values are all equal cannot size a comparison`,
    );
  }
  if (typeof difference !== 'number' || !(difference !== 0 && Number.isFinite(difference))) {
    throw new RangeError(`power: \`difference\` must be a nonzero finite number (got ${String(difference)})`);
  }
  checkConfidence('power', alpha, 'alpha');
  checkConfidence('power', target, 'power');
  const zAlpha = normalQuantile(1 - alpha / 2);
  const zPower = normalQuantile(target);
  const d = Math.abs(difference) / sd;
  const zSum = zAlpha + zPower;
  const normalApproximation = (2 * zSum * zSum) / (d * d);
  const repeatsPerArm = Math.max(2, Math.ceil(normalApproximation + (zAlpha * zAlpha) / 4));
  return {
    repeatsPerArm,
    normalApproximation,
    standardizedEffect: d,
    achievedPower: normalCdf(d / Math.sqrt(2 / repeatsPerArm) - zAlpha),
    alpha,
    power: target,
    assumption:
      'two-sided t-test of equal means, both arms with the same standard deviation and the same number ' +
      "of repeats; normal approximation with Guenther's correction",
  };
}
