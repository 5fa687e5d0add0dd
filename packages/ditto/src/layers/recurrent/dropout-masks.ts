/**
 * The dropout masks of one recurrent call, as Keras 3 draws them: one mask for the inputs and one
 * for the recurrent state, each of one row per sequence and the same at every timestep.
 *
 * Keys: mask draws use `foldIn(foldIn(layerKey, MASK_STREAM), call)` for the layer's `call`-th
 * training call with dropout, then `foldIn(·, 0)` for the input mask and `foldIn(·, 1)` for the
 * recurrent one. MASK_STREAM (2³² − 1) keeps them apart from the weights' keys `foldIn(layerKey, i)`.
 */
import { bernoulli, foldIn, type Key } from '../../random/index.js';
import { allocate, type DType } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';

export const MASK_STREAM = 0xffffffff;

/** A [rows, width] inverted-dropout mask: 0 with probability `rate`, else 1/(1 − rate). */
export function dropoutMask(maskKey: Key, rows: number, width: number, rate: number, dtype: DType): Tensor {
  const keep = bernoulli(maskKey, rows * width, 1 - rate);
  const scale = 1 / (1 - rate);
  const mask = allocate(dtype, rows * width);
  for (let i = 0; i < mask.length; i++) mask[i] = keep[i] ? scale : 0;
  return new Tensor(mask, [rows, width]);
}

/** The key of a layer's `call`-th masked call. */
export function callMaskKey(layerKey: Key, call: number): Key {
  return foldIn(foldIn(layerKey, MASK_STREAM), call);
}
