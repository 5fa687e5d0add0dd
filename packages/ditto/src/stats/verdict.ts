import { type CliffsMagnitude, cliffsDelta } from './effect-size.js';
import { mannWhitneyU } from './mann-whitney.js';
import { mean, medianSorted, sortedCopy } from './sample-math.js';
import { checkConfidence, type Sample } from './validate.js';
import { type WelchTTestResult, welchTTest } from './welch-t-test.js';

/** An experiment's name and its metric values, one per run. */
export interface NamedSample {
  name: string;
  values: Sample;
}

/** Options of {@link verdict}. */
export interface VerdictOptions {
  /** Which direction of the metric is better. */
  better: 'lower' | 'higher';
  /** The metric's name in the sentence; default 'metric'. */
  metric?: string;
  /** Significance level, in (0, 1); default 0.05. */
  alpha?: number;
}

/** Result of {@link verdict}: the sentence and the numbers behind it. */
export interface Verdict {
  /** One plain-words sentence. */
  text: string;
  /** p < alpha. */
  significant: boolean;
  /** The better experiment's name when the difference is significant, else null. */
  winner: string | null;
  /** Two-sided Mann–Whitney U p-value. */
  pValue: number;
  /** Mann–Whitney U of `a`. */
  u: number;
  /** Cliff's δ(a, b): positive when a's values tend to be larger (the sentence prints this δ). */
  delta: number;
  magnitude: CliffsMagnitude;
  medians: { a: number; b: number };
  alpha: number;
  /** Welch's t-test on the same samples; null when one has fewer than 2 values. */
  welch: WelchTTestResult | null;
  /**
   * When Welch's test disagrees with the verdict (significance at `alpha`, or the direction of the
   * difference), the sentence that says so and why the verdict follows Mann–Whitney; else null.
   */
  disagreement: string | null;
}

/**
 * A plain-words comparison of two experiments on one metric, from the Mann–Whitney U test (which
 * assumes no shape for the distributions) and Cliff's δ (how often one beats the other).
 *
 * When p < alpha it names the experiment whose values tend to be better, e.g.
 * "B's median MSE is lower (0.012 vs 0.015 for A); p = 0.003 (Mann–Whitney U), Cliff's δ(A, B) =
 * 0.41 (medium): B is better." Cliff's δ is always δ(a, b) in the order the samples were given —
 * positive when a's values tend to be larger — as every printer of a comparison shows it. The
 * direction comes from δ (equivalently U); if the medians disagree with it the sentence says the
 * values "tend to be" lower instead of quoting the medians as evidence.
 * Otherwise: "No significant difference in MSE between A and B: p = 0.41 (Mann–Whitney U) ≥
 * α = 0.05; …".
 *
 * When Welch's t-test (on the means) disagrees — significant where Mann–Whitney is not, or the
 * reverse, or the means differ the other way — a second sentence says so, with its p and the
 * means, and why the verdict follows Mann–Whitney.
 *
 * @throws RangeError on an empty sample, a non-finite value, a bad `better` or `alpha`.
 * @example
 * ```ts
 * verdict({ name: 'A', values: mseA }, { name: 'B', values: mseB }, { better: 'lower', metric: 'MSE' }).text;
 * ```
 */
export function verdict(a: NamedSample, b: NamedSample, options: VerdictOptions): Verdict {
  const { better, metric = 'metric', alpha = 0.05 } = options ?? ({} as VerdictOptions);
  if (better !== 'lower' && better !== 'higher') {
    throw new RangeError(`verdict: \`better\` must be 'lower' or 'higher' (got ${String(better)})`);
  }
  checkConfidence('verdict', alpha, 'alpha');
  const test = mannWhitneyU(a?.values, b?.values);
  const { delta, magnitude } = cliffsDelta(a.values, b.values);
  const medians = { a: medianSorted(sortedCopy(a.values)), b: medianSorted(sortedCopy(b.values)) };
  const significant = test.pValue < alpha;
  const welch = a.values.length >= 2 && b.values.length >= 2 ? welchTTest(a.values, b.values) : null;
  const disagreement = welch === null ? null : welchDisagreement(welch, a, b, delta, significant, alpha);
  const result = {
    significant,
    pValue: test.pValue,
    u: test.statistic,
    delta,
    magnitude,
    medians,
    alpha,
    welch,
    disagreement,
  };
  const p = `p = ${formatP(test.pValue)} (Mann–Whitney U)`;
  const cliff = `Cliff's δ(${a.name}, ${b.name}) = ${formatDelta(delta)} (${magnitude})`;
  const note = disagreement === null ? '' : ` ${disagreement}`;
  if (!significant) {
    const text =
      `No significant difference in ${metric} between ${a.name} and ${b.name}: ${p} ≥ α = ${formatNumber(alpha)}; ` +
      `medians ${formatNumber(medians.a)} (${a.name}) vs ${formatNumber(medians.b)} (${b.name}), ${cliff}.${note}`;
    return { text, winner: null, ...result };
  }
  // δ(a, b) > 0: a's values tend to be larger. δ ≠ 0 here, since δ = 0 means U = mn/2 and p = 1.
  const aLarger = delta > 0;
  const aWins = better === 'higher' ? aLarger : !aLarger;
  const [winner, other] = aWins ? [a, b] : [b, a];
  const [winnerMedian, otherMedian] = aWins ? [medians.a, medians.b] : [medians.b, medians.a];
  const direction = better;
  const mediansAgree = better === 'lower' ? winnerMedian < otherMedian : winnerMedian > otherMedian;
  const claim = mediansAgree
    ? `${possessive(winner.name)} median ${metric} is ${direction} (${formatNumber(winnerMedian)} vs ${formatNumber(otherMedian)} for ${other.name})`
    : `${possessive(winner.name)} ${metric} tends to be ${direction} (medians ${formatNumber(winnerMedian)} vs ${formatNumber(otherMedian)} for ${other.name})`;
  const text = `${claim}; ${p}, ${cliff}: ${winner.name} is better.${note}`;
  return { text, winner: winner.name, ...result };
}

/**
 * The sentence for a Welch's t-test that disagrees with the Mann–Whitney verdict, or null. The
 * verdict follows Mann–Whitney because it compares ranks and assumes no distribution, while
 * Welch's test compares means, which a few extreme repeats move — and, with few repeats, relies on
 * the means being nearly normal.
 */
function welchDisagreement(
  welch: WelchTTestResult,
  a: NamedSample,
  b: NamedSample,
  delta: number,
  significant: boolean,
  alpha: number,
): string | null {
  if (Number.isNaN(welch.pValue)) return null;
  const welchSignificant = welch.pValue < alpha;
  const means = `means ${formatNumber(mean(a.values))} (${a.name}) vs ${formatNumber(mean(b.values))} (${b.name})`;
  const why =
    'the verdict follows Mann–Whitney, which compares ranks and assumes no distribution, while the means ' +
    'can be moved by a few extreme repeats';
  const welchP = `p = ${formatP(welch.pValue)}`;
  if (significant && !welchSignificant) {
    return `Welch's t-test on the means disagrees: ${welchP} ≥ α (${means}); ${why}.`;
  }
  if (!significant && welchSignificant) {
    return `Welch's t-test on the means disagrees: ${welchP} < α (${means}); ${why}, and more repeats would settle it.`;
  }
  // Both significant: the means may still point the other way from the ranks.
  if (significant && welchSignificant && Math.sign(welch.statistic) !== Math.sign(delta)) {
    return `Welch's t-test agrees there is a difference but its means point the other way: ${welchP} (${means}); ${why}.`;
  }
  return null;
}

/** Four significant digits without trailing zeros; a real minus sign. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  const text = abs >= 1e-3 && abs < 1e6 ? trimZeros(x.toPrecision(4)) : trimExponent(x.toExponential(3));
  return text.replace(/^-/, '−');
}

/**
 * The interquartile range as every printer shows it: "IQR 0.12 (Q1–Q3 0.31–0.43)".
 *
 * @example
 * ```ts
 * formatIqr(0.31, 0.43); // 'IQR 0.12 (Q1–Q3 0.31–0.43)'
 * ```
 */
export function formatIqr(q1: number, q3: number): string {
  return `IQR ${formatNumber(q3 - q1)} (Q1–Q3 ${formatNumber(q1)}–${formatNumber(q3)})`;
}

/** p-values: two significant digits, scientific below 0.001. */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return 'NaN';
  if (p === 0) return '0';
  return p >= 1e-3 ? trimZeros(p.toPrecision(2)) : trimExponent(p.toExponential(1));
}

/**
 * Cliff's δ as every printer shows it: two decimals, a real minus sign, and no "−0.00" for a tiny
 * negative δ (the sign would suggest a direction there is not).
 */
export function formatDelta(delta: number): string {
  const text = delta.toFixed(2);
  return text === '-0.00' ? '0.00' : text.replace(/^-/, '−');
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

function trimExponent(text: string): string {
  const [mantissa, exponent] = text.split('e');
  return `${trimZeros(mantissa)}e${exponent.replace('+', '')}`;
}

/** English possessive: "B's", but "1000 epochs'" for names ending in s. */
function possessive(name: string): string {
  return name.endsWith('s') ? `${name}'` : `${name}'s`;
}
