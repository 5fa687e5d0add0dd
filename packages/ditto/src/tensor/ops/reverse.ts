/** reverse: flips a tensor along one axis (a backward RNN's outputs back into time order). */
import { callKernel } from '../../engine/kernels.js';
import { defineKernel } from '../../kernels/registry.js';
import { record } from '../autograd.js';
import { allocate, type FloatArray } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { axisBlocks } from './axis-blocks.js';

/** out[o, length − 1 − k, :] = x[o, k, :] for blocks [outer, length, inner]. */
const reverseBlocks = defineKernel(
  'reverseBlocks',
  (x: FloatArray, out: FloatArray, outer: number, length: number, inner: number) => {
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < length; k++) {
        const from = (o * length + k) * inner;
        out.set(x.subarray(from, from + inner), (o * length + (length - 1 - k)) * inner);
      }
    }
  },
);

function reverseRaw(x: Tensor, axis: number): Tensor {
  const { outer, length, inner } = axisBlocks('reverse', x.shape, axis);
  const out = allocate(x.dtype, x.size);
  callKernel(reverseBlocks, [x.data, out], 1, [outer, length, inner]);
  return new Tensor(out, x.shape);
}

/**
 * The values of x in reverse order along `axis` (as `numpy.flip`); the gradient is reversed back.
 *
 * @example
 * ```ts
 * reverse(tensor([[1, 2, 3]]), 1).toArray(); // [[3, 2, 1]]
 * ```
 */
export function reverse(x: Tensor, axis: number): Tensor {
  return record(reverseRaw(x, axis), 'reverse', [x], (g) => [reverseRaw(g, axis)]);
}
