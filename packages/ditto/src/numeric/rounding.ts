/**
 * r(x) of docs/optimizers.md: the rounding to a variable's dtype after every operation of an
 * update — `Math.fround` for float32, none for float64 — so that one loop written with r defines an
 * update for both dtypes.
 */
import type { FloatArray } from '../tensor/dtype.js';

/** A rounding to one dtype. */
export type Rounding = (x: number) => number;

const identity: Rounding = (x) => x;

/**
 * The rounding of the array's dtype.
 *
 * @example
 * ```ts
 * roundingOf(new Float32Array(1))(0.1); // Math.fround(0.1)
 * roundingOf(new Float64Array(1))(0.1); // 0.1
 * ```
 */
export function roundingOf(array: FloatArray): Rounding {
  return array instanceof Float32Array ? Math.fround : identity;
}
