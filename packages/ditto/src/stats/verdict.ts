import { type CliffsMagnitude, cliffsDelta } from './effect-size.js';
import { mannWhitneyU } from './mann-whitney.js';
import { medianSorted, sortedCopy } from './sample-math.js';
import { checkConfidence, type Sample } from './validate.js';

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
  /** Cliff's δ(a, b): positive when a's values tend to be larger. */
  delta: number;
  magnitude: CliffsMagnitude;
  medians: { a: number; b: number };
  alpha: number;
}

/**
 * A plain-words comparison of two experiments on one metric, from the Mann–Whitney U test (which
 * assumes no shape for the distributions) and Cliff's δ (how often one beats the other).
 *
 * When p < alpha it names the experiment whose values tend to be better, e.g.
 * "B's median MSE is lower (0.012 vs 0.015 for A); p = 0.003 (Mann–Whitney U), Cliff's δ(B, A) =
 * −0.41 (medium): B is better." — δ is then given as winner vs other, so its sign matches the
 * direction. The direction comes from δ (equivalently U); if the medians disagree with it the
 * sentence says the values "tend to be" lower instead of quoting the medians as evidence.
 * Otherwise: "No significant difference in MSE between A and B: p = 0.41 (Mann–Whitney U) ≥
 * α = 0.05; …".
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
  const result = { significant, pValue: test.pValue, u: test.statistic, delta, magnitude, medians, alpha };
  const p = `p = ${formatP(test.pValue)} (Mann–Whitney U)`;
  if (!significant) {
    const text =
      `No significant difference in ${metric} between ${a.name} and ${b.name}: ${p} ≥ α = ${formatNumber(alpha)}; ` +
      `medians ${formatNumber(medians.a)} (${a.name}) vs ${formatNumber(medians.b)} (${b.name}), ` +
      `Cliff's δ(${a.name}, ${b.name}) = ${formatDelta(delta)} (${magnitude}).`;
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
  const text =
    `${claim}; ${p}, Cliff's δ(${winner.name}, ${other.name}) = ${formatDelta(aWins ? delta : -delta)} ` +
    `(${magnitude}): ${winner.name} is better.`;
  return { text, winner: winner.name, ...result };
}

/** Four significant digits without trailing zeros; a real minus sign. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  const text = abs >= 1e-3 && abs < 1e6 ? trimZeros(x.toPrecision(4)) : trimExponent(x.toExponential(3));
  return text.replace(/^-/, '−');
}

/** p-values: two significant digits, scientific below 0.001. */
export function formatP(p: number): string {
  if (Number.isNaN(p)) return 'NaN';
  if (p === 0) return '0';
  return p >= 1e-3 ? trimZeros(p.toPrecision(2)) : trimExponent(p.toExponential(1));
}

function formatDelta(delta: number): string {
  const text = delta.toFixed(2);
  // A tiny negative δ rounds to "-0.00"; the sign would suggest a direction there is not.
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
