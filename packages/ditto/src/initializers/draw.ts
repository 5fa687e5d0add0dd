/**
 * Scaled random values in a dtype. The random module draws standard values (uniform in [0, 1),
 * normal or truncated normal with mean 0 and standard deviation 1) as float32; the scaling to the
 * requested range is done here with every operation rounded to the dtype, in this order:
 *
 * - uniform in [minval, maxval): lo = r(minval), hi = r(maxval), span = r(hi − lo),
 *   value = max(lo, r(r(u · span) + lo));
 * - normal: m = r(mean), s = r(stddev), value = r(r(z · s) + m);
 *
 * where r rounds to float32 (`Math.fround`) or, for float64, does nothing. For float32 these are
 * exactly the formulas of `random.uniform` / `random.normal` / `random.truncatedNormal` with the
 * same bounds (and of JAX, on which Keras's JAX backend computes `sample * stddev + mean`), so a
 * float32 weight is bit-identical to calling the random module with its parameters.
 *
 * @module
 */

import { type Key, normal, truncatedNormal, uniform } from '../random/index.js';
import { allocate, type DType, type FloatArray } from '../tensor/dtype.js';
import { describe } from './check.js';

type Round = (x: number) => number;

const identity: Round = (x) => x;

/** The rounding of one arithmetic result to the dtype. */
function rounding(dtype: DType): Round {
  return dtype === 'float32' ? Math.fround : identity;
}

/**
 * `n` values uniform in [minval, maxval) in the dtype (formula in the module comment).
 *
 * @throws Error if the bounds, rounded to the dtype, are not ordered lo < hi with a finite span.
 */
export function uniformValues(
  fn: string,
  source: Key,
  n: number,
  minval: number,
  maxval: number,
  dtype: DType,
): FloatArray {
  const r = rounding(dtype);
  const lo = r(minval);
  const hi = r(maxval);
  const span = r(hi - lo);
  if (!(lo < hi) || !Number.isFinite(span)) {
    throw new Error(
      `${fn}: need minval < maxval with a finite difference in ${dtype}, got [${describe(minval)}, ${describe(maxval)})`,
    );
  }
  const u = uniform(source, n);
  const out = allocate(dtype, n);
  for (let i = 0; i < n; i++) out[i] = Math.max(lo, r(r(u[i] * span) + lo));
  return out;
}

/**
 * `n` normal values (truncated to two standard deviations when `truncated`) with the given mean
 * and standard deviation in the dtype (formula in the module comment).
 *
 * @throws Error if mean or stddev, rounded to the dtype, is not finite.
 */
export function normalValues(
  fn: string,
  source: Key,
  n: number,
  mean: number,
  stddev: number,
  dtype: DType,
  truncated: boolean,
): FloatArray {
  const r = rounding(dtype);
  const m = r(mean);
  const s = r(stddev);
  if (!Number.isFinite(m) || !Number.isFinite(s)) {
    throw new Error(
      `${fn}: mean ${describe(mean)} and stddev ${describe(stddev)} must be finite in ${dtype}`,
    );
  }
  const z = truncated ? truncatedNormal(source, n) : normal(source, n);
  const out = allocate(dtype, n);
  for (let i = 0; i < n; i++) out[i] = r(r(z[i] * s) + m);
  return out;
}

/** Rounds every element of a float64 array into a new array of the dtype, times r(gain). */
export function scaledCopy(values: Float64Array, gain: number, dtype: DType): FloatArray {
  const r = rounding(dtype);
  const g = r(gain);
  const out = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) out[i] = r(g * r(values[i]));
  return out;
}
