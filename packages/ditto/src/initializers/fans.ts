/**
 * Fan-in and fan-out of a weight shape, as Keras computes them.
 *
 * @module
 */

import { checkShape } from './check.js';

/**
 * The number of input and output units of a weight, `[fanIn, fanOut]`, exactly as Keras's
 * `compute_fans`:
 * - scalar `[]`: `[1, 1]`;
 * - 1-D `[n]`: `[n, n]`;
 * - 2-D `[a, b]` (a Dense kernel): `[a, b]`;
 * - ≥ 3-D (a convolution kernel `[...spatial, inputDepth, depth]`): with r the product of the
 *   spatial dimensions (the receptive field size), `[r · inputDepth, r · depth]`.
 *
 * @throws Error if `shape` is not an array of non-negative integers.
 * @example
 * ```ts
 * computeFans([784, 128]);    // [784, 128]
 * computeFans([3, 3, 16, 32]); // [144, 288]
 * ```
 */
export function computeFans(shape: readonly number[]): [fanIn: number, fanOut: number] {
  checkShape('initializers.computeFans', shape);
  const rank = shape.length;
  if (rank === 0) return [1, 1];
  if (rank === 1) return [shape[0], shape[0]];
  if (rank === 2) return [shape[0], shape[1]];
  let receptiveField = 1;
  for (let i = 0; i < rank - 2; i++) receptiveField *= shape[i];
  return [shape[rank - 2] * receptiveField, shape[rank - 1] * receptiveField];
}
