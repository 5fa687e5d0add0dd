/**
 * The probability distributions the statistics need: Student's t (CDF and quantile), the standard
 * normal (CDF and quantile) and chi-square's survival function.
 *
 * Written here rather than taken from a package: @stdlib's distributions install over 200 packages
 * (one of which reads the environment at load, so Deno needs a permission), cephes is WebAssembly
 * that browsers compile asynchronously and QuickJS cannot run, and jStat uses the engine's
 * `Math.exp`/`log`, whose last bits differ between engines. These use ditto's own deterministic
 * `exp`/`log` (numeric/elementary.ts), so a p-value has the same bits in every runtime.
 *
 * Algorithms (relative error ≲ 1e-13, the t CDF ≲ 1e-12 up to df = 10⁴ and ~1e-10 at 10⁶, where its
 * continued fraction converges slowly; test/stats-distributions.test.ts checks them against mpmath):
 * - log Γ and log B: Stirling's series with the argument shifted to ≥ 10, and log B(a, b) for large
 *   arguments from the Stirling corrections as R's `lbeta` does (no cancellation of large terms).
 * - the regularized incomplete beta and gamma functions: the classic continued fractions evaluated
 *   by the modified Lentz method, and the power series of P(a, x) below x = a + 1 (Press et al.,
 *   Numerical Recipes, 3rd ed., §6.2 and §6.4).
 * - erfc: 1 − erf below 1, the Laplace continued fraction above (Abramowitz & Stegun 7.1.14), with
 *   e^(−z²) split as Cody does so that its argument is exact.
 * - quantiles: a starting point (Hill 1970, CACM Algorithm 396, for t; the inverse error function
 *   for the normal), then Newton's method on log CDF until the step is below 4 ulps.
 *
 * @module
 */
import { erf, erfinv, exp, expm1, log, log1p } from '../numeric/elementary.js';

const LN_SQRT_2PI = 0.9189385332046728; // log √(2π)
const SQRT_PI = 1.772453850905516;
const SQRT2 = 1.4142135623730951;
const EPS = 2.220446049250313e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;
/** B₂ₖ / (2k(2k − 1)) for k = 1…8: the coefficients of Stirling's series for log Γ. */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/**
 * δ(x) = log Γ(x) − [(x − ½) log x − x + log √(2π)] for x ≥ 10: Stirling's series
 * Σ B₂ₖ / (2k(2k − 1) x^(2k−1)), eight terms (the next is below 1e-18 at x = 10).
 */
function stirlingCorrection(x: number): number {
  const z = 1 / (x * x);
  let series = STIRLING[STIRLING.length - 1];
  for (let k = STIRLING.length - 2; k >= 0; k--) series = series * z + STIRLING[k];
  return series / x;
}

/** log Γ(x) for x > 0: Stirling's series at x + n ≥ 10, shifted back by log(x(x+1)…(x+n−1)). */
function logGamma(x: number): number {
  let shifted = x;
  let product = 1;
  while (shifted < 10) {
    product *= shifted;
    shifted += 1;
  }
  const stirling = (shifted - 0.5) * log(shifted) - shifted + LN_SQRT_2PI + stirlingCorrection(shifted);
  return product === 1 ? stirling : stirling - log(product);
}

/** log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b), without cancellation for large a or b. */
function logBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  const share = p / (p + q);
  if (p >= 10) {
    const correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
    return -0.5 * log(q) + LN_SQRT_2PI + correction + (p - 0.5) * log(share) + q * log1p(-share);
  }
  if (q >= 10) {
    const correction = stirlingCorrection(q) - stirlingCorrection(p + q);
    return logGamma(p) + correction + p - p * log(p + q) + (q - 0.5) * log1p(-share);
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}

/** Replaces an exact zero by a tiny number, as the modified Lentz method requires. */
function nonZero(v: number): number {
  return v === 0 ? TINY : v;
}

function notConverged(what: string, args: string): never {
  throw new RangeError(`${what}: no convergence after ${MAX_ITERATIONS} iterations for ${args}`);
}

/**
 * x, 1 − x and their logarithms, each computed from the quantities at hand: for a large exponent a,
 * a·log x loses a·ε to a rounded x, so callers that know log x better pass it.
 */
interface BetaPoint {
  x: number;
  y: number;
  logX: number;
  logY: number;
}

function swapped(point: BetaPoint): BetaPoint {
  return { x: point.y, y: point.x, logX: point.logY, logY: point.logX };
}

/**
 * The continued fraction of I_x(a, b) (Numerical Recipes' `betacf`) times its prefactor
 * x^a y^b / (a B(a, b)). Converges fast for x < (a + 1)/(a + b + 2).
 */
function betaContinuedFraction(point: BetaPoint, a: number, b: number): number {
  const { x } = point;
  const sum = a + b;
  let c = 1;
  let d = 1 / nonZero(1 - (sum * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    const even = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 / nonZero(1 + even * d);
    c = nonZero(1 + even / c);
    h *= d * c;
    const odd = (-(a + m) * (sum + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 / nonZero(1 + odd * d);
    c = nonZero(1 + odd / c);
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= EPS) {
      return (exp(a * point.logX + b * point.logY - logBeta(a, b)) / a) * h;
    }
  }
  return notConverged('incomplete beta', `x = ${x}, a = ${a}, b = ${b}`);
}

/** The regularized incomplete beta function I_x(a, b). */
function regularizedBeta(point: BetaPoint, a: number, b: number): number {
  // By the logarithms: x itself may have underflowed where x^a still carries the tail (t = −1e200).
  if (point.logX === Number.NEGATIVE_INFINITY) return 0;
  if (point.logY === Number.NEGATIVE_INFINITY) return 1;
  if (point.x < (a + 1) / (a + b + 2)) return betaContinuedFraction(point, a, b);
  return 1 - betaContinuedFraction(swapped(point), b, a);
}

/**
 * Q(a, x) = Γ(a, x)/Γ(a), the regularized upper incomplete gamma function: 1 − the series of
 * P(a, x) below x = a + 1 (where Q is not small), the continued fraction of Q above.
 */
function upperRegularizedGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = exp(a * log(x) - x - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n <= MAX_ITERATIONS; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) return 1 - sum * front;
    }
    return notConverged('incomplete gamma', `a = ${a}, x = ${x}`);
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = 1 / nonZero(an * d + b);
    c = nonZero(b + an / c);
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= EPS) return front * h;
  }
  return notConverged('incomplete gamma', `a = ${a}, x = ${x}`);
}

/**
 * e^(−a²/2) for a ≥ 0 with a² split as W. J. Cody does: a = h + l with h a multiple of 1/16, so h²
 * is exact and e^(−a²/2) = e^(−h²/2)·e^(−(a − h)(a + h)/2) loses nothing to the rounding of a².
 */
function expMinusHalfSquare(a: number): number {
  const h = Math.floor(a * 16) / 16;
  return exp((-h * h) / 2) * exp((-(a - h) * (a + h)) / 2);
}

/**
 * Φ(−a) = ½ erfc(a/√2) for a ≥ 0: 1 − erf below a/√2 = 1; above, the Laplace continued fraction
 * erfc(z) = e^(−z²)/(√π f(z)) with f by Lentz's method, and e^(−z²) = e^(−a²/2) from a itself.
 */
function normalLowerTail(a: number): number {
  const z = a / SQRT2;
  if (z < 1) return 0.5 * (1 - erf(z));
  if (a > 38.6) return 0; // Φ(−38.6) < 2^-1074
  let f = z;
  let c = z;
  let d = 0;
  for (let n = 1; n <= MAX_ITERATIONS; n++) {
    const coefficient = n / 2;
    d = 1 / nonZero(z + coefficient * d);
    c = nonZero(z + coefficient / c);
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) <= EPS) return expMinusHalfSquare(a) / (2 * SQRT_PI * f);
  }
  return notConverged('normal CDF', `x = ${-a}`);
}

/**
 * Solves cdf(t) = q for t < 0 (a lower tail, q < ½) by Newton's method on log cdf as a function of
 * log(−t), which is nearly linear in the tails: from a poor start it takes a few steps, not hundreds,
 * and t stays negative. Near the root the step equals the plain Newton step in t.
 */
function invertLowerTail(
  q: number,
  start: number,
  cdf: (t: number) => number,
  logPdf: (t: number) => number,
): number {
  const target = log(q);
  let t = start;
  for (let i = 0; i < 200; i++) {
    const p = cdf(t);
    if (p === q) return t;
    if (!(p > 0)) {
      t /= 2; // beyond the representable tail: come back towards the centre
      continue;
    }
    const logP = log(p);
    // Newton's step in t, (log p − log q)·p/density, with p/density formed in logarithms (the
    // density underflows long before p does).
    const step = (logP - target) * exp(logP - logPdf(t));
    // t·e^(−step/t), with the exponent bounded so that one wild step cannot overflow.
    t *= exp(Math.max(-30, Math.min(30, -step / t)));
    if (Math.abs(step) <= 4 * EPS * Math.abs(t)) return t;
  }
  return t;
}

/**
 * P(T ≤ x) for Student's t with `df` degrees of freedom (SciPy's `t.cdf`): ½ I_{df/(df+x²)}(df/2, ½)
 * in the lower tail. NaN for NaN or `df` ≤ 0; the normal CDF for `df` = ∞.
 *
 * @example
 * ```ts
 * tCdf(-2.0452296421327034, 29); // 0.025
 * ```
 */
export function tCdf(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df) || !(df > 0)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalCdf(x);
  if (x === Number.NEGATIVE_INFINITY) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  const tail = 0.5 * regularizedBeta(tBetaPoint(x, df), df / 2, 0.5);
  return x < 0 ? tail : 1 - tail;
}

/**
 * u = df/(df + x²), 1 − u and their logarithms, each from the smaller of the ratios x²/df and
 * df/x² (formed without overflow), so that neither suffers cancellation or a rounded argument.
 */
function tBetaPoint(x: number, df: number): BetaPoint {
  const a = Math.abs(x);
  if (a === 0) return { x: 1, y: 0, logX: 0, logY: Number.NEGATIVE_INFINITY };
  const logRatio = 2 * log(a) - log(df); // log(x²/df)
  if (a * a > df) {
    const r = df / a / a;
    const l = log1p(r);
    return { x: r / (1 + r), y: 1 / (1 + r), logX: -logRatio - l, logY: -l };
  }
  const r = (a / df) * a;
  const l = log1p(r);
  return { x: 1 / (1 + r), y: r / (1 + r), logX: -l, logY: logRatio - l };
}

/** The logarithm of Student's t density (1 + x²/df)^(−(df+1)/2) / (√df B(df/2, ½)). */
function tLogPdf(x: number, df: number): number {
  // log(1 + x²/df) = −log u, with u as the CDF forms it (no overflow of x²).
  const logOnePlus = -tBetaPoint(x, df).logX;
  return -logBeta(df / 2, 0.5) - ((df + 1) / 2) * logOnePlus - 0.5 * log(df);
}

/** Hill's (1970) approximation to the lower-tail t quantile for q ≤ ½ (CACM Algorithm 396), negative. */
function hillStart(q: number, df: number): number {
  if (df === 2) return -(1 - 2 * q) / Math.sqrt(2 * q * (1 - q)); // exact
  const twoSided = 2 * q;
  const a = 1 / (df - 0.5);
  const b = 48 / (a * a);
  let c = (((20700 * a) / b - 98) * a - 16) * a + 96.36;
  const d = ((94.5 / (b + c) - 3) / b + 1) * Math.sqrt((a * Math.PI) / 2) * df;
  let y = exp((2 / df) * log(d * twoSided));
  if (y > 0.05 + a) {
    const x = normalQuantile(q);
    y = x * x;
    if (df < 5) c += 0.3 * (df - 4.5) * (x + 0.6);
    c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c;
    y = (((((0.4 * y + 6.3) * y + 36) * y + 94.5) / c - y - 3) / b + 1) * x;
    y = expm1(a * y * y);
  } else {
    y =
      ((1 / (((df + 6) / (df * y) - 0.089 * d - 0.822) * (df + 2) * 3) + 0.5 / (df + 4)) * y - 1) *
        ((df + 1) / (df + 2)) +
      1 / y;
  }
  const t = -Math.sqrt(df * y);
  return t < 0 && Number.isFinite(t) ? t : -1;
}

/**
 * The `p`-quantile of Student's t with `df` degrees of freedom (SciPy's `t.ppf`). NaN for `p`
 * outside [0, 1], NaN input or `df` ≤ 0; ∓∞ at 0 and 1.
 *
 * @example
 * ```ts
 * tQuantile(0.975, 29); // 2.045229642132703
 * ```
 */
export function tQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || Number.isNaN(df) || !(df > 0) || p < 0 || p > 1) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  const q = p < 0.5 ? p : 1 - p; // exact for p ≥ ½
  const t = invertLowerTail(
    q,
    hillStart(q, df),
    (x) => tCdf(x, df),
    (x) => tLogPdf(x, df),
  );
  return p < 0.5 ? t : -t;
}

/**
 * Φ(x), the standard normal CDF (SciPy's `special.ndtr`): ½ erfc(−x/√2).
 *
 * @example
 * ```ts
 * normalCdf(-1.959963984540054); // 0.025
 * ```
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return x;
  const tail = normalLowerTail(Math.abs(x));
  return x < 0 ? tail : 1 - tail;
}

/** The logarithm of the standard normal density. */
function normalLogPdf(x: number): number {
  return (-x * x) / 2 - LN_SQRT_2PI;
}

/**
 * Φ⁻¹(p), the standard normal quantile (SciPy's `special.ndtri`). NaN outside [0, 1]; ∓∞ at 0 and 1.
 *
 * @example
 * ```ts
 * normalQuantile(0.975); // 1.959963984540054
 * ```
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  const q = p < 0.5 ? p : 1 - p;
  // √2 erfinv(2q − 1) is good to ~1e-9 relative for q ≥ 1e-8; below, the tail's asymptotic form.
  let start: number;
  if (q >= 1e-8) {
    start = SQRT2 * erfinv(2 * q - 1);
  } else {
    const l = -2 * log(q);
    start = -Math.sqrt(l - log(l) - 2 * LN_SQRT_2PI);
  }
  const x = invertLowerTail(q, start, normalCdf, normalLogPdf);
  return p < 0.5 ? x : -x;
}

/**
 * P(X² ≥ x) for chi-square with `df` degrees of freedom (SciPy's `chi2.sf`): Q(df/2, x/2), computed
 * directly, so small p-values keep their relative accuracy. 1 for x ≤ 0; NaN for NaN or `df` ≤ 0.
 *
 * @example
 * ```ts
 * chiSquareSf(5.991464547107979, 2); // 0.05
 * ```
 */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df) || !(df > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return upperRegularizedGamma(df / 2, x / 2);
}
