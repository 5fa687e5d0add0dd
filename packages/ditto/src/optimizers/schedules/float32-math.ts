/**
 * The two functions the schedules need beyond + − × ÷: a power with a real exponent and a cosine,
 * each evaluated in float64 from ditto's elementary functions or a fixed polynomial (never the
 * engine's Math.pow/cos, whose last bits differ between engines) and rounded once to float32.
 */
import { exp, log } from '../../numeric/elementary.js';

const fr = Math.fround;

/**
 * base^exponent for float32 arguments: exp(exponent · log(base)) in float64, rounded to float32;
 * x^0 = 1 (also for x = 0) and 0^e = 0 for e > 0. A negative base is refused (a real exponent has no
 * real power of it).
 *
 * @example
 * ```ts
 * float32Power(0.5, 2); // 0.25
 * ```
 */
export function float32Power(base: number, exponent: number): number {
  if (exponent === 0) return 1;
  if (base === 0) return exponent > 0 ? 0 : Number.POSITIVE_INFINITY;
  if (!(base > 0)) throw new RangeError(`float32Power: the base must be ≥ 0, got ${String(base)}`);
  return fr(exp(exponent * log(base)));
}

// Taylor coefficients (−1)^k/(2k)! and (−1)^k/(2k+1)!, highest first for Horner's rule, through
// z^20 and z^21: on |z| ≤ π/4 the first omitted term is below 1e-23, so the error is that of the
// double evaluation. Built by IEEE divisions, the same in every engine.
function taylor(first: number, terms: number): number[] {
  const c = [1];
  for (let k = 1; k < terms; k++) c.push(-c[k - 1] / ((2 * k - 1 + first) * (2 * k + first)));
  return c.reverse();
}
const COS = taylor(0, 11);
const SIN = taylor(1, 11);

function horner(c: readonly number[], v: number): number {
  let acc = c[0];
  for (let i = 1; i < c.length; i++) acc = acc * v + c[i];
  return acc;
}

/** cos z and sin z by their Taylor polynomials, for |z| ≤ π/4. */
const cosSmall = (z: number) => horner(COS, z * z);
const sinSmall = (z: number) => z * horner(SIN, z * z);

/**
 * cos(x) for 0 ≤ x ≤ 4 (what a cosine schedule needs: x = π·fraction), rounded to float32. Reduced
 * to |z| ≤ π/4 by cos x = −cos(π − x) and cos x = sin(π/2 − x), with π in float64 (its error
 * 1.2e-16 is far below a float32 ulp).
 *
 * @example
 * ```ts
 * float32Cos(0); // 1
 * ```
 */
export function float32Cos(x: number): number {
  if (!(x >= 0 && x <= 4)) throw new RangeError(`float32Cos: x must be in [0, 4], got ${String(x)}`);
  const PI = Math.PI;
  let sign = 1;
  let y = x;
  if (y > PI / 2) {
    y = PI - y;
    sign = -1;
  }
  // y is now in [π/2 − 4, π/2]; cos is even, so |y| works from here.
  const a = Math.abs(y);
  const value = a <= PI / 4 ? cosSmall(a) : sinSmall(PI / 2 - a);
  return fr(sign * value);
}
