// Elementary float64 sample arithmetic shared by the statistics. Inputs are assumed validated.
import type { Sample } from './validate.js';

/** Sum in index order with Neumaier compensation, so long runs of similar values lose no digits. */
export function sum(values: Sample): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}

/**
 * Arithmetic mean; NaN for an empty sample. A constant sample returns its value exactly (a rounded
 * sum divided by n need not), so its variance is exactly 0 and its intervals have zero width.
 */
export function mean(values: Sample): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const first = values[0];
  let constant = true;
  for (let i = 1; i < n && constant; i++) constant = values[i] === first;
  return constant ? first : sum(values) / n;
}

/**
 * Sample variance with `ddof` delta degrees of freedom (numpy's `var(ddof=…)`), computed in two
 * passes (mean, then squared deviations) like numpy. NaN when `n − ddof ≤ 0`.
 */
export function variance(values: Sample, ddof = 1): number {
  const n = values.length;
  if (n - ddof <= 0) return Number.NaN;
  const m = mean(values);
  let s = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - m;
    const v = d * d;
    const t = s + v;
    c += s >= v ? s - t + v : v - t + s;
    s = t;
  }
  return (s + c) / (n - ddof);
}

/** A sorted (ascending) float64 copy. */
export function sortedCopy(values: Sample): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * The `p`-quantile of ascending `sorted` with numpy's default method ('linear', R's type 7):
 * position h = (n − 1)·p, interpolated between its neighbours with numpy's two-sided `_lerp`,
 * so results agree with `numpy.quantile` to the last bit.
 */
export function quantileSorted(sorted: Sample, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.min(Math.max(Math.floor(h), 0), n - 1);
  const hi = Math.min(lo + 1, n - 1);
  const t = h - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  const diff = b - a;
  // numpy interpolates from the nearer end, which keeps the result monotone and exact at t = 1.
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Median of ascending `sorted`, as `numpy.median` computes it (mean of the two middle values). */
export function medianSorted(sorted: Sample): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Mean after cutting ⌊proportion·n⌋ values from each end of ascending `sorted`, as
 * `scipy.stats.trim_mean(values, proportion)`.
 */
export function trimMeanSorted(sorted: Sample, proportion: number): number {
  const n = sorted.length;
  const cut = Math.floor(proportion * n);
  return mean(Float64Array.from(sorted).subarray(cut, n - cut));
}
