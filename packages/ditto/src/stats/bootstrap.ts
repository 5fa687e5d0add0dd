import { normalCdf, normalQuantile } from './distributions.js';
import type { RandomSource } from './random-source.js';
import { mean, quantileSorted, variance } from './sample-math.js';
import { checkConfidence, checkInteger, checkSample, type Sample } from './validate.js';

/** How the interval is read off the bootstrap distribution. */
export type BootstrapMethod = 'percentile' | 'BCa';

/**
 * A statistic of one or more samples. Its arguments are scratch copies: it may reorder them in
 * place, but must not keep them (they are refilled for the next resample).
 */
export type Statistic = (...samples: Float64Array[]) => number;

/** Options shared by the bootstrap functions. */
export interface BootstrapOptions {
  /** Source of the resampling indices (see {@link RandomSource}); required, never global. */
  random: RandomSource;
  /** Confidence level in (0, 1); default 0.95. */
  confidence?: number;
  /** Number of bootstrap resamples, an integer ≥ 1; default 9999 as in SciPy. */
  nResamples?: number;
  /** 'BCa' (default, as in SciPy) or 'percentile'. */
  method?: BootstrapMethod;
}

/** A bootstrap confidence interval. */
export interface BootstrapInterval {
  /** The statistic on the original data. */
  estimate: number;
  low: number;
  high: number;
  /** Standard deviation (ddof = 1) of the bootstrap distribution; NaN when nResamples = 1. */
  standardError: number;
  confidence: number;
  method: BootstrapMethod;
  nResamples: number;
}

/**
 * Bootstrap confidence interval for a statistic of one sample (default: the mean), as
 * `scipy.stats.bootstrap((values,), statistic, confidence_level, n_resamples, method)`.
 *
 * Resampling draws, for each resample in turn, n indices with `random.nextInt(n)`; the same
 * source state therefore gives the same interval. SciPy draws from NumPy's generator instead, so
 * the two agree only up to Monte-Carlo error.
 *
 * Degenerate data (every resampled statistic equal, e.g. all values equal) gives the zero-width
 * interval [v, v] with either method, where SciPy's BCa gives NaN.
 *
 * @throws RangeError on an empty sample, a non-finite value, `nResamples` < 1 or a non-integer,
 *   `confidence` outside (0, 1), or a `random.nextInt` result outside [0, bound).
 * @example
 * ```ts
 * const ci = bootstrap([0.12, 0.10, 0.15, 0.11, 0.13], { random, method: 'BCa' });
 * console.log(ci.low, ci.high);
 * ```
 */
export function bootstrap(
  values: Sample,
  options: BootstrapOptions & { statistic?: (sample: Float64Array) => number },
): BootstrapInterval {
  const statistic: Statistic = options?.statistic ?? ((sample) => mean(sample));
  return bootstrapImpl('bootstrap', [values], statistic, options, ['values']);
}

/**
 * Bootstrap confidence interval for a statistic of several independent samples, each resampled
 * separately (`scipy.stats.bootstrap(samples, statistic, …)` with `paired=False`). The BCa
 * acceleration then comes from jackknifing each sample in turn, as SciPy does.
 *
 * Resampling draws, for each resample in turn and within it for each sample j in order, n_j
 * indices with `random.nextInt(n_j)`.
 *
 * @throws as {@link bootstrap}, naming `samples[j]` for a bad sample.
 * @example
 * ```ts
 * const diff = (a: Float64Array, b: Float64Array) => mean(a) - mean(b);
 * const ci = bootstrapSamples([runsA, runsB], diff, { random });
 * ```
 */
export function bootstrapSamples(
  samples: readonly Sample[],
  statistic: Statistic,
  options: BootstrapOptions,
): BootstrapInterval {
  if (!Array.isArray(samples) || samples.length === 0) {
    throw new RangeError('bootstrapSamples: `samples` must be a non-empty array of samples');
  }
  if (typeof statistic !== 'function') {
    throw new TypeError('bootstrapSamples: `statistic` must be a function');
  }
  return bootstrapImpl(
    'bootstrapSamples',
    samples,
    statistic,
    options,
    samples.map((_, j) => `samples[${j}]`),
  );
}

/** Same as {@link bootstrapSamples}, with the caller's name in error messages. */
export function bootstrapImpl(
  fn: string,
  samples: readonly Sample[],
  statistic: Statistic,
  options: BootstrapOptions,
  names: readonly string[],
): BootstrapInterval {
  const {
    random,
    confidence = 0.95,
    nResamples = 9999,
    method = 'BCa',
  } = options ?? ({} as BootstrapOptions);
  if (random === null || typeof random !== 'object' || typeof random.nextInt !== 'function') {
    throw new TypeError(`${fn}: \`random\` must be a RandomSource with a nextInt(bound) method`);
  }
  checkConfidence(fn, confidence);
  checkInteger(fn, 'nResamples', nResamples, 1);
  if (method !== 'percentile' && method !== 'BCa') {
    throw new RangeError(`${fn}: \`method\` must be 'percentile' or 'BCa' (got ${String(method)})`);
  }
  samples.forEach((s, j) => {
    checkSample(fn, names[j], s);
  });

  const data = samples.map((s) => Float64Array.from(s));
  const estimate = statistic(...data.map((d) => d.slice()));
  const buffers = data.map((d) => new Float64Array(d.length));
  const distribution = new Float64Array(nResamples);
  for (let b = 0; b < nResamples; b++) {
    for (let j = 0; j < data.length; j++) {
      const source = data[j];
      const target = buffers[j];
      const n = source.length;
      for (let i = 0; i < n; i++) {
        const k = random.nextInt(n);
        if (!(k >= 0 && k < n && Math.floor(k) === k)) {
          throw new RangeError(
            `${fn}: random.nextInt(${n}) returned ${String(k)}, not an integer in [0, ${n})`,
          );
        }
        target[i] = source[k];
      }
    }
    distribution[b] = statistic(...buffers);
  }

  const alpha = (1 - confidence) / 2;
  const interval =
    method === 'BCa'
      ? bcaInterval(distribution, estimate, bcaAcceleration(data, statistic), confidence)
      : percentileInterval(distribution, alpha);
  return {
    estimate,
    low: interval.low,
    high: interval.high,
    standardError: Math.sqrt(variance(distribution, 1)),
    confidence,
    method,
    nResamples,
  };
}

function percentileInterval(distribution: Float64Array, alpha: number): { low: number; high: number } {
  const sorted = distribution.slice().sort();
  return { low: quantileSorted(sorted, alpha), high: quantileSorted(sorted, 1 - alpha) };
}

/**
 * The BCa interval read off a given bootstrap distribution, as SciPy's `_bca_interval` followed by
 * linear-interpolation quantiles. Exposed so the formula can be checked exactly, without
 * resampling noise.
 *
 * - Bias correction z0 = Φ⁻¹(f), where f counts the resampled statistics below `estimate`, ties
 *   counting one half (SciPy's `percentileofscore(kind='mean')`).
 * - Levels α₁,₂ = Φ(z0 + (z0 + z)/(1 − a(z0 + z))) for z = Φ⁻¹(α), Φ⁻¹(1 − α), α = (1 − confidence)/2.
 *
 * Where SciPy yields NaN this returns the formula's limits instead: a constant distribution gives
 * [v, v]; f = 0 (every resampled value above the estimate) gives levels 0, 0 and f = 1 gives 1, 1.
 *
 * @param distribution - the resampled statistics (not modified).
 * @param estimate - the statistic on the original data.
 * @param acceleration - a from {@link bcaAcceleration}.
 * @example
 * ```ts
 * bcaInterval(Float64Array.from([1, 2, 3, 4, 5]), 3, 0, 0.5); // ≈ { low: 2, high: 4, … }
 * ```
 */
export function bcaInterval(
  distribution: Float64Array,
  estimate: number,
  acceleration: number,
  confidence: number,
): { low: number; high: number; levels: { low: number; high: number } } {
  const sorted = distribution.slice().sort();
  const B = sorted.length;
  if (B === 0 || Number.isNaN(estimate)) {
    return { low: Number.NaN, high: Number.NaN, levels: { low: Number.NaN, high: Number.NaN } };
  }
  if (sorted[0] === sorted[B - 1]) {
    return { low: sorted[0], high: sorted[0], levels: { low: 0.5, high: 0.5 } };
  }
  let below = 0;
  let atOrBelow = 0;
  for (let b = 0; b < B; b++) {
    if (sorted[b] < estimate) below++;
    if (sorted[b] <= estimate) atOrBelow++;
  }
  const fraction = (below + atOrBelow) / (2 * B);
  let levelLow: number;
  let levelHigh: number;
  if (fraction === 0 || fraction === 1) {
    levelLow = levelHigh = fraction;
  } else {
    const z0 = normalQuantile(fraction);
    const zAlpha = normalQuantile((1 - confidence) / 2);
    const num1 = z0 + zAlpha;
    const num2 = z0 - zAlpha;
    levelLow = normalCdf(z0 + num1 / (1 - acceleration * num1));
    levelHigh = normalCdf(z0 + num2 / (1 - acceleration * num2));
  }
  return {
    low: quantileSorted(sorted, levelLow),
    high: quantileSorted(sorted, levelHigh),
    levels: { low: levelLow, high: levelHigh },
  };
}

/**
 * The BCa acceleration a from the jackknife, as SciPy computes it for one or more samples: for
 * each sample j, leave out each of its n_j values in turn (other samples whole), giving θ_ji with
 * mean θ̄_j and U_ji = (n_j − 1)(θ̄_j − θ_ji); then
 * a = Σ_j Σ_i U_ji³ / n_j³ ⁄ (6 · (Σ_j Σ_i U_ji² / n_j²)^{3/2}).
 *
 * A sample with a single value cannot be jackknifed and contributes nothing; if every jackknife
 * value is equal the acceleration is 0 (SciPy: NaN).
 *
 * @example
 * ```ts
 * bcaAcceleration([Float64Array.from([1, 2, 3])], (x) => mean(x)); // 0 (symmetric)
 * ```
 */
export function bcaAcceleration(samples: readonly Float64Array[], statistic: Statistic): number {
  let num = 0;
  let den = 0;
  for (let j = 0; j < samples.length; j++) {
    const sample = samples[j];
    const n = sample.length;
    if (n < 2) continue;
    const thetas = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const leaveOneOut = new Float64Array(n - 1);
      leaveOneOut.set(sample.subarray(0, i), 0);
      leaveOneOut.set(sample.subarray(i + 1), i);
      thetas[i] = statistic(...samples.map((s, k) => (k === j ? leaveOneOut : s.slice())));
    }
    const dot = mean(thetas);
    let num3 = 0;
    let num2 = 0;
    for (let i = 0; i < n; i++) {
      const u = (n - 1) * (dot - thetas[i]);
      num3 += u * u * u;
      num2 += u * u;
    }
    num += num3 / (n * n * n);
    den += num2 / (n * n);
  }
  if (den === 0) return 0;
  return num / (6 * den * Math.sqrt(den));
}
