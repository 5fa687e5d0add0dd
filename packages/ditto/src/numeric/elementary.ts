/**
 * ditto's deterministic elementary functions: exp, expm1, log, log1p, tanh, sigmoid, softplus, erf
 * and erfinv, computed in float64 from IEEE-754 + − × ÷, `Math.sqrt`, comparisons, `Math.abs/floor`
 * and bit manipulation only.
 *
 * Why: the engines' `Math.exp/log/tanh/...` differ in their last bits between JavaScript engines and
 * CPUs. JavaScript has no fused multiply-add, so a fixed sequence of double operations rounds the same
 * way everywhere; the WebAssembly backend repeats exactly these sequences in f64. Each function is a
 * straight sequence of operations with a few branches on the argument's range, polynomial
 * coefficients fitted by `scripts/gen-elementary-refs.py coeffs`, and no iteration whose count depends
 * on the data. docs/elementary-functions.md states every algorithm and its measured accuracy.
 *
 * Accuracy: a few double ulps (relative error ≲ 1e-15), so `Math.fround(f(x))` is the correctly
 * rounded float32 result for nearly every float32 x and always within 1 float32 ulp of it.
 */
import { HI, LO } from './bits.js';

export { pow2i } from './bits.js';

// Scratch views for splitting doubles; module-level so that no call allocates.
const scratch = new ArrayBuffer(8);
const f64 = new Float64Array(scratch);
const u32 = new Uint32Array(scratch);

/** Evaluates c[0] + c[1] v + … + c[n] v^n by Horner's rule, highest coefficient first. */
function poly(c: readonly number[], v: number): number {
  let acc = c[c.length - 1];
  for (let i = c.length - 2; i >= 0; i--) acc = acc * v + c[i];
  return acc;
}

// ---------------------------------------------------------------------------------------------
// Constants. The polynomial coefficients below are printed by
// `python3 scripts/gen-elementary-refs.py coeffs` (mpmath, 50 digits, Chebyshev fits); each block
// says what it approximates, the fit error and the error of its evaluation in double precision.

// BEGIN GENERATED CONSTANTS (python3 scripts/gen-elementary-refs.py coeffs --write)
// Q: r in [-ln2/2, ln2/2]; degree 9. Fit error 1.86e-16 relative to max |g|,
// |p - f| / |g| <= 4.96e-16 evaluated in double on 3000 random points (g = f).
const Q0 = 0.5000000000000001;
const Q1 = 0.16666666666666669;
const Q2 = 0.04166666666662413;
const Q3 = 0.008333333333330062;
const Q4 = 0.0013888888917213717;
const Q5 = 0.00019841269863053618;
const Q6 = 2.4801521295954376e-5;
const Q7 = 2.7557268459997064e-6;
const Q8 = 2.7620088445409746e-7;
const Q9 = 2.510038549551032e-8;

// T: z = s^2, s = f/(2+f) in [-0.1716, 0.1716]; degree 6. Fit error 4.64e-16 relative to max |g|,
// |p - f| / |g| <= 6.88e-16 evaluated in double on 3000 random points (g = f).
const T0 = 0.666666666666667;
const T1 = 0.3999999999989819;
const T2 = 0.28571428626570206;
const T3 = 0.2222221103781659;
const T4 = 0.18182896183483085;
const T5 = 0.15331487235865734;
const T6 = 0.14619343453512615;

// ERF_P: t = x^2, |x| < 1.5; degree 14. Fit error 3.33e-18 relative to max |g|,
// |p - f| / |g| <= 1.77e-16 evaluated in double on 3000 random points (g = 1 + f).
const ERF_P = [
  0.12837916709551256, -0.37612638903183676, 0.11283791670952624, -0.02686617064480267, 0.005223977623179348,
  -0.0008548326929470691, 0.00012055330429899759, -1.4925602741550847e-5, 1.6461484722454145e-6,
  -1.6359841594724727e-7, 1.4765666857055745e-8, -1.2083048517022723e-9, 8.685870114391334e-11,
  -4.9101179846805086e-12, 1.5889546007818838e-13,
];

// ERF_H1: v = |x| - 2, |x| in [1.5, 2.5); degree 14. Fit error 4.09e-17 relative to max |g|,
// |p - f| / |g| <= 1.64e-16 evaluated in double on 3000 random points (g = f).
const ERF_H1 = [
  0.25539567631050575, -0.10679646185348994, 0.04180275260352663, -0.015460637764239173, 0.005440738537459517,
  -0.0018316642779754838, 0.0005924699958821647, -0.00018477832463095726, 5.5728304783301664e-5,
  -1.629413391296476e-5, 4.62827740445235e-6, -1.2773616807125507e-6, 3.4432366346395997e-7,
  -9.643712186456406e-8, 2.4742339076650453e-8,
];

// ERF_H2: v = |x| - 3.25, |x| in [2.5, 4); degree 13. Fit error 4.32e-15 relative to max |g|,
// |p - f| / |g| <= 4.98e-15 evaluated in double on 3000 random points (g = f).
const ERF_H2 = [
  0.16633534842682265, -0.047199402321170536, 0.01293729088288317, -0.003435471300879913,
  0.0008860045813692623, -0.00022238257035434286, 5.4420368004729355e-5, -1.3004631902462797e-5,
  3.0390383814543568e-6, -6.95250370654345e-7, 1.5534713794770728e-7, -3.418039920957254e-8,
  8.085890688639206e-9, -1.7114559998816244e-9,
];

// ERF_H3: v = |x| - 5, |x| in [4, 6); degree 8. Fit error 8.36e-10 relative to max |g|,
// |p - f| / |g| <= 8.88e-10 evaluated in double on 3000 random points (g = f).
const ERF_H3 = [
  0.11070463773306863, -0.02133278889724187, 0.004040688762562392, -0.0007529083568184031,
  0.00013810436854186646, -2.4912564214536956e-5, 4.437361871085046e-6, -8.349948024549331e-7,
  1.444700332488069e-7,
];

// ERFINV_W: v = w - 3.125, w = -log(1-a^2) < 6.25; degree 24. Fit error 2.93e-18 relative to max |g|,
// |p - f| / |g| <= 2.43e-16 evaluated in double on 3000 random points (g = f).
const ERFINV_W = [
  1.6536545626831027, 0.24015818242558834, -0.006033670871426851, -0.0007407025341546431,
  0.00018673420801981186, -1.3882523393957483e-5, -1.3654691758785656e-6, 4.23478816822246e-7,
  -2.907039127564132e-8, -4.1126604371632185e-9, 1.051223377050429e-9, -5.414303283919504e-11,
  -1.2978805369932565e-11, 2.6305268312595183e-12, -8.07192593899004e-14, -4.0020031087558496e-14,
  6.521333511502239e-15, -3.94018812230432e-17, -1.2215637192404172e-16, 1.5510787009902526e-17,
  6.075050702072414e-19, -3.4734793888538036e-19, 1.999259988861535e-20, 3.194015548136271e-21,
  -3.5932028927020693e-22,
];

// ERFINV_S1: v = sqrt(w) - 3.25, w in [6.25, 16); degree 18. Fit error 2.02e-18 relative to max |g|,
// |p - f| / |g| <= 2.05e-16 evaluated in double on 3000 random points (g = f).
const ERFINV_S1 = [
  3.0838457231032423, 1.0055052352452993, 0.004652609839219672, -0.002445893412134508, 0.0008560260705817,
  -0.00022201675750971274, 2.4145128018158083e-5, 1.707476806506856e-5, -1.3807789578575624e-5,
  5.082305093777907e-6, -4.6473254389568204e-7, -6.194114905412408e-7, 3.9752398051539066e-7,
  -9.640738044017803e-8, -1.8082279049616797e-8, 2.5460437357234635e-8, -8.731737212712534e-9,
  -1.008133000619425e-9, 1.2948292495325167e-9,
];

// ERFINV_S2: v = sqrt(w) - 5.05, w in [16, 37.2]; degree 17. Fit error 4.58e-19 relative to max |g|,
// |p - f| / |g| <= 2.35e-16 evaluated in double on 3000 random points (g = f).
const ERFINV_S2 = [
  4.900421051423053, 1.0102850178014628, -0.00016985907811273664, -0.00020030889155804916,
  7.123311465676125e-5, -1.8361562633778464e-5, 4.1749158848117685e-6, -8.84108810068395e-7,
  1.780589500760629e-7, -3.4290005609148545e-8, 6.218233963052938e-9, -9.772990383165915e-10,
  7.72471167072329e-11, 3.576212254472554e-11, -2.735641570479679e-11, 1.4125431547807679e-11,
  -5.985294819523757e-12, 1.2925291851207304e-12,
];

const LN2_HI = 0.6931471803691238; // ln 2 with its 21 lowest mantissa bits cleared: k * LN2_HI is exact
const LN2_LO = 1.9082149292705877e-10; // ln 2 - LN2_HI rounded to double
const INV_LN2 = 1.4426950408889634;
// END GENERATED CONSTANTS

const HALF_LN2 = 0.34657359027997264; // ln(2) / 2: |x| below it needs no range reduction
const EXP_OVERFLOW = 709.79; // exp(x) is Infinity above (exp(709.782712893384) is the largest finite)
const EXP_UNDERFLOW = -745.2; // exp(x) rounds to 0 below (exp(-745.1332191019412) is the smallest)
const TWO_54 = 18014398509481984; // scales subnormal inputs of log into the normal range
const TWO_M64 = 5.421010862427522e-20; // 2^-64: second step of scaling into the subnormal range
const MIN_NORMAL = 2.2250738585072014e-308;

// ---------------------------------------------------------------------------------------------
// Building blocks.

/**
 * expm1(r) = r + r²·q(r) for |r| ≤ ln(2)/2 (slightly more); relative error < 1 ulp.
 * q is evaluated in this exact Estrin order (part of the specification, shorter dependency chains
 * than Horner's rule): q = (Q0 + r Q1) + r²(Q2 + r Q3) + r⁴[(Q4 + r Q5) + r²(Q6 + r Q7) + r⁴(Q8 + r Q9)].
 */
function expm1Kernel(r: number): number {
  const r2 = r * r;
  const r4 = r2 * r2;
  const q = Q0 + r * Q1 + r2 * (Q2 + r * Q3) + r4 * (Q4 + r * Q5 + r2 * (Q6 + r * Q7) + r4 * (Q8 + r * Q9));
  return r + r2 * q;
}

// A float32 view for 2^k with |k| ≤ 126: one 32-bit store and load (a double would need two
// stores and a wider load, which CPUs cannot forward from the store buffer), converted exactly.
const pow2Buffer = new ArrayBuffer(4);
const pow2F32 = new Float32Array(pow2Buffer);
const pow2I32 = new Int32Array(pow2Buffer);

/** 2^k for an integer −126 ≤ k ≤ 127, built from float32 exponent bits. */
function pow2Small(k: number): number {
  pow2I32[0] = (k + 127) << 23;
  return pow2F32[0];
}

/** 2^k for an integer −1022 ≤ k ≤ 1023, built from double exponent bits. */
function pow2(k: number): number {
  u32[HI] = (k + 1023) << 20;
  u32[LO] = 0;
  return f64[0];
}

/**
 * y · 2^k for y in [0.7, 1.5] and −1075 ≤ k ≤ 1024, rounding once: at the top 2^k is split in two
 * exact factors; at the bottom y is first scaled exactly into the normal range and only the last
 * multiplication rounds into the subnormal range (or to 0 / Infinity).
 */
function scaleByPow2(y: number, k: number): number {
  if (k >= -126 && k <= 127) return y * pow2Small(k);
  if (k > 1023) return y * 2 * pow2(k - 1);
  if (k < -1022) return y * pow2(k + 64) * TWO_M64;
  return y * pow2(k);
}

// ---------------------------------------------------------------------------------------------
// Public functions.

/**
 * e^x, deterministic across engines. Relative error ≲ 1 ulp of double.
 *
 * Range reduction x = k ln 2 + r (|r| ≤ ln2/2, k = ⌊x/ln2 + ½⌋, ln 2 split in two parts so that
 * k·LN2_HI is exact), e^r = 1 + expm1Kernel(r), then an exact scaling by 2^k.
 * Special cases: NaN → NaN, +∞ → +∞, −∞ → 0, overflow (x > 709.78…) → +∞, underflow → subnormal → 0.
 *
 * @example
 * ```ts
 * exp(1); // 2.718281828459045
 * Math.fround(exp(Math.fround(0.5))); // float32 kernels round the double result once
 * ```
 */
export function exp(x: number): number {
  if (x > EXP_OVERFLOW) return Number.POSITIVE_INFINITY;
  if (x < EXP_UNDERFLOW) return 0;
  if (Number.isNaN(x)) return x;
  const k = Math.floor(x * INV_LN2 + 0.5);
  const r = x - k * LN2_HI - k * LN2_LO;
  return scaleByPow2(1 + expm1Kernel(r), k);
}

/**
 * e^x − 1, accurate also for small |x| (no cancellation). Error ≲ 2.5 ulps of double.
 *
 * |x| < ln2/2: the kernel polynomial directly. Otherwise x = k ln 2 + r as in {@link exp} (keeping
 * the rounding error c of r) and e^x − 1 = (2^k − 1) + 2^k·u with u = expm1(r), exact 2^k − 1 for
 * the relevant k. Special cases: ±0 → ±0, NaN → NaN, +∞ → +∞, −∞ → −1, x < −40 → −1.
 *
 * @example
 * ```ts
 * expm1(1e-10); // 1.00000000005e-10
 * ```
 */
export function expm1(x: number): number {
  if (x > EXP_OVERFLOW) return Number.POSITIVE_INFINITY;
  if (x < -40) return -1; // e^x < 2^-57: below half an ulp of −1
  if (Number.isNaN(x) || x === 0) return x; // keeps the sign of zero
  if (Math.abs(x) < HALF_LN2) return expm1Kernel(x);
  const k = Math.floor(x * INV_LN2 + 0.5);
  const hi = x - k * LN2_HI; // exact
  const lo = k * LN2_LO;
  const r = hi - lo;
  const c = hi - r - lo; // rounding error of r, so that x = k ln2 + r + c to ~2^-100
  const u = expm1Kernel(r);
  const uc = u + c * (1 + u); // expm1(r + c) to first order in c
  if (k > 56) return scaleByPow2(1 + uc, k); // the −1 is below half an ulp of 2^k (1 + u)
  const t = pow2Small(k); // −58 ≤ k ≤ 56 here
  return t - 1 + t * uc;
}

/**
 * Natural logarithm. Relative error < 1 ulp of double.
 *
 * x = 2^k·m with m in [√2/2, √2), k read from the exponent bits (subnormals first scaled by 2^54)
 * and m = x·2^−k, f = m − 1,
 * s = f/(2+f), log(m) = 2 atanh(s) = f − f²/2 + s(f²/2 + z T(z)) with z = s², and the result
 * k·LN2_HI + (that + k·LN2_LO) summed smallest terms first.
 * Special cases: NaN or x < 0 → NaN, ±0 → −∞, +∞ → +∞, log(1) = +0.
 *
 * @example
 * ```ts
 * log(Math.E); // 1
 * ```
 */
export function log(x: number): number {
  if (!(x > 0)) return x === 0 ? Number.NEGATIVE_INFINITY : Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  let k = 0;
  if (x < MIN_NORMAL) {
    x *= TWO_54;
    k = -54;
  }
  f64[0] = x;
  const hi = u32[HI];
  // Exponent e of x, plus one when the mantissa exceeds √2 (0x3ff6a09e…): m = x·2^-e ∈ [√2/2, √2).
  const e = (hi >>> 20) - 1023 + ((hi & 0x000fffff) > 0x6a09e ? 1 : 0);
  k += e;
  // x·2^-e is exact. The power comes from a float32 view when it fits (a 32-bit store and load,
  // which CPUs forward quickly; rewriting half of a double and reloading it all stalls), else from
  // two exact halves (2^-e alone may not be a normal double).
  const m = e >= -126 && e <= 126 ? x * pow2Small(-e) : x * pow2(-(e >> 1)) * pow2((e >> 1) - e);
  const f = m - 1; // exact, in [−0.2929, 0.4143]
  const s = f / (2 + f);
  const z = s * s;
  const hfsq = 0.5 * f * f;
  const z2 = z * z;
  // Estrin order, part of the specification: T = (T0 + z T1) + z²(T2 + z T3) + z⁴[(T4 + z T5) + z² T6]
  const T = T0 + z * T1 + z2 * (T2 + z * T3) + z2 * z2 * (T4 + z * T5 + z2 * T6);
  const R = z * T;
  return k * LN2_HI - (hfsq - (s * (hfsq + R) + k * LN2_LO) - f);
}

/**
 * log(1 + x), accurate also for small |x|. Relative error ≲ 2 ulps of double.
 *
 * u = 1 + x rounded; the rounding error c = (u − 1) − x is exact in double, and
 * log(1 + x) = log(u − c) = log(u) − c/u up to a term below 2^-106.
 * Special cases: ±0 → ±0 (any x with 1 + x = 1 returns x), −1 → −∞, x < −1 or NaN → NaN, +∞ → +∞.
 *
 * @example
 * ```ts
 * log1p(1e-10); // 9.9999999995e-11
 * ```
 */
export function log1p(x: number): number {
  if (!(x > -1)) return x === -1 ? Number.NEGATIVE_INFINITY : Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  const u = 1 + x;
  if (u === 1) return x;
  const c = u - 1 - x;
  return log(u) - c / u;
}

/**
 * Hyperbolic tangent. Relative error ≲ 3 ulps of double.
 *
 * With a = |x| and t = expm1(∓2a): a < 0.55 → −t/(t + 2) with t = expm1(−2a);
 * 0.55 ≤ a < 22 → 1 − 2/(t + 2) with t = expm1(2a); a ≥ 22 → 1 (1 − tanh a < 2^-62); sign of x
 * restored last. Special cases: ±0 → ±0, NaN → NaN, ±∞ → ±1.
 *
 * @example
 * ```ts
 * tanh(0.5); // 0.46211715726000974
 * ```
 */
export function tanh(x: number): number {
  const a = Math.abs(x);
  if (!(a > 0)) return x; // ±0 and NaN
  let r: number;
  if (a < 0.55) {
    const t = expm1(-2 * a);
    r = -t / (t + 2);
  } else if (a < 22) {
    r = 1 - 2 / (expm1(2 * a) + 2);
  } else {
    r = 1;
  }
  return x < 0 ? -r : r;
}

/**
 * Logistic sigmoid 1/(1 + e^−x), stable for both signs: x ≥ 0 → 1/(1 + e^−x); x < 0 → e^x/(1 + e^x)
 * (no overflow, full relative accuracy in the tail). Relative error ≲ 3 ulps of double.
 * Special cases: NaN → NaN, +∞ → 1, −∞ → 0, ±0 → 0.5.
 *
 * @example
 * ```ts
 * sigmoid(0); // 0.5
 * sigmoid(-800); // 0 (e^-800 underflows)
 * ```
 */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + exp(-x));
  const e = exp(x);
  return e / (1 + e);
}

/**
 * Softplus log(1 + e^x), stable for both signs: x > 0 → x + log1p(e^−x); otherwise log1p(e^x).
 * Relative error ≲ 3 ulps of double. Special cases: NaN → NaN, +∞ → +∞, −∞ → 0, ±0 → ln 2.
 *
 * @example
 * ```ts
 * softplus(0); // 0.6931471805599453
 * softplus(1000); // 1000
 * ```
 */
export function softplus(x: number): number {
  if (x > 0) return x + log1p(exp(-x));
  return log1p(exp(x));
}

/**
 * Error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt. Error ≲ 2 ulps of double.
 *
 * a = |x|. a < 1.5: erf(x) = x + x·P(x²) (degree 14). 1.5 ≤ a < 6: erf(a) = 1 − e^(−a²)·h(a) with
 * h(a) = e^(a²) erfc(a) a polynomial in a − c on [1.5, 2.5), [2.5, 4), [4, 6) (c = 2, 3.25, 5).
 * a ≥ 6: ±1 (erfc(6) < 2^-55). Odd: sign restored last. Special cases: ±0 → ±0, ±∞ → ±1, NaN → NaN.
 *
 * @example
 * ```ts
 * erf(1); // 0.8427007929497149
 * ```
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 1.5) return x + x * poly(ERF_P, x * x); // also keeps −0 and subnormals
  if (!(a < 6)) return Number.isNaN(x) ? x : x > 0 ? 1 : -1;
  let h: number;
  if (a < 2.5) h = poly(ERF_H1, a - 2);
  else if (a < 4) h = poly(ERF_H2, a - 3.25);
  else h = poly(ERF_H3, a - 5);
  const r = 1 - exp(-a * a) * h;
  return x < 0 ? -r : r;
}

/**
 * Inverse error function on (−1, 1): erf(erfinv(y)) = y. Error ≲ 3 ulps of double
 * (plus the conditioning of the input near ±1).
 *
 * w = −log((1 − a)(1 + a)) with a = |y| (both factors exact or nearly so). w < 6.25: erfinv(y) =
 * y·p(w − 3.125) (degree 24). Otherwise s = √w and erfinv(a) = p₁(s − 3.25) for s < 4 (degree 18),
 * p₂(s − 5.05) for s ≥ 4 (degree 17), sign restored last.
 * Special cases: ±0 → ±0, ±1 → ±∞, |y| > 1 or NaN → NaN.
 *
 * @example
 * ```ts
 * erfinv(0.5); // 0.4769362762044699
 * ```
 */
export function erfinv(y: number): number {
  const a = Math.abs(y);
  if (!(a < 1)) {
    if (a === 1) return y > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    return Number.NaN;
  }
  const w = -log((1 - a) * (1 + a));
  if (w < 6.25) return y * poly(ERFINV_W, w - 3.125);
  const s = Math.sqrt(w);
  const r = s < 4 ? poly(ERFINV_S1, s - 3.25) : poly(ERFINV_S2, s - 5.05);
  return y < 0 ? -r : r;
}
