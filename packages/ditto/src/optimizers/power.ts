/**
 * Integer powers with an exactly defined result, for the bias corrections (β^t) and Nadam's
 * momentum schedule (0.96^t). The engine's `Math.pow` and `**` may differ in the last bit between
 * engines, so they are not used; here the sequence of IEEE double multiplications is fixed.
 */
import type { DType } from '../tensor/dtype.js';

/**
 * `base` raised to a non-negative integer `exponent` by right-to-left binary exponentiation in
 * float64: start from r = 1 and s = base; for each bit of the exponent from the lowest, if the bit
 * is set r = r·s, then (if higher bits remain) s = s·s. Every product is one rounded double
 * multiplication, so the result is the same in every engine and backend (a WebAssembly backend uses
 * the same `f64.mul` sequence). `integerPower(x, 0)` is 1, also for x = 0.
 *
 * @example
 * ```ts
 * integerPower(0.5, 3); // 0.125
 * integerPower(0.9, 5) === 0.9 * ((0.9 * 0.9) * (0.9 * 0.9)); // true: the documented sequence
 * ```
 */
export function integerPower(base: number, exponent: number): number {
  if (!Number.isSafeInteger(exponent) || exponent < 0) {
    throw new RangeError(`integerPower: exponent must be a non-negative safe integer, got ${exponent}`);
  }
  let result = 1;
  let square = base;
  let e = exponent;
  while (e > 0) {
    const bit = e % 2;
    if (bit === 1) result *= square;
    e = (e - bit) / 2;
    if (e > 0) square *= square;
  }
  return result;
}

/**
 * `base`^`exponent` for a variable of the given dtype: for float32 the base is first rounded to
 * float32 (as Keras casts β to the variable's dtype), the power is taken in float64 by
 * {@link integerPower} and the result rounded once to float32; for float64 it is `integerPower`
 * itself.
 *
 * @example
 * ```ts
 * powerFor('float32', 0.9, 2); // Math.fround(Math.fround(0.9) * Math.fround(0.9))
 * ```
 */
export function powerFor(dtype: DType, base: number, exponent: number): number {
  if (dtype === 'float32') return Math.fround(integerPower(Math.fround(base), exponent));
  return integerPower(base, exponent);
}
