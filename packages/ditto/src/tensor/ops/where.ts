/** where: picks from a where a condition holds and from b elsewhere (masked recurrent steps). */
import { broadcastCopy, callKernel } from '../../engine/kernels.js';
import { defineKernel } from '../../kernels/registry.js';
import { record } from '../autograd.js';
import { allocate, type FloatArray } from '../dtype.js';
import { broadcastShapes, broadcastStrides, formatShape, type Shape, sameShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { sumTo } from './reduce.js';

/** out[i] = condition[i] !== 0 ? a[i] : b[i], all of one length (values copied, never computed). */
const whereSelect = defineKernel(
  'whereSelect',
  (condition: FloatArray, a: FloatArray, b: FloatArray, out: FloatArray) => {
    for (let i = 0; i < out.length; i++) out[i] = condition[i] !== 0 ? a[i] : b[i];
  },
);

/** ga[i] = g[i] where condition[i] !== 0 (else +0), gb[i] the rest: where's backward. */
const whereGradient = defineKernel(
  'whereGradient',
  (condition: FloatArray, g: FloatArray, ga: FloatArray, gb: FloatArray) => {
    for (let i = 0; i < g.length; i++) {
      if (condition[i] !== 0) {
        ga[i] = g[i];
        gb[i] = 0;
      } else {
        ga[i] = 0;
        gb[i] = g[i];
      }
    }
  },
);

/** x's values at every position of `target` (a copy when x must be broadcast, else x's own data). */
function expand(x: Tensor, target: Shape): FloatArray {
  if (sameShape(x.shape, target)) return x.data;
  const out = allocate(x.dtype, sizeOf(target));
  callKernel(broadcastCopy, [x.data, out], 1, [broadcastStrides(x.shape, target), [...target]]);
  return out;
}

/**
 * `condition ? a : b` elementwise with NumPy broadcasting; `condition` holds 0 (false) or anything
 * else (true) and takes no gradient. Values are copied, not computed as m·a + (1−m)·b, so
 * infinities and −0 pass through unchanged. The gradient goes to a where the condition holds and
 * to b elsewhere.
 *
 * @example
 * ```ts
 * where(tensor([1, 0]), tensor([1, 2]), tensor([3, 4])).toArray(); // [1, 4]
 * ```
 */
export function where(condition: Tensor, a: Tensor, b: Tensor): Tensor {
  if (a.dtype !== b.dtype) {
    throw new TypeError(
      `where: dtypes differ: ${a.dtype} ${formatShape(a.shape)} and ${b.dtype} ${formatShape(b.shape)}`,
    );
  }
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, a.shape), b.shape);
  const pick = expand(condition, shape);
  const out = allocate(a.dtype, sizeOf(shape));
  callKernel(whereSelect, [pick, expand(a, shape), expand(b, shape), out], 3, []);
  return record(new Tensor(out, shape), 'where', [a, b], (g) => {
    const ga = allocate(g.dtype, g.size);
    const gb = allocate(g.dtype, g.size);
    callKernel(whereGradient, [pick, g.data, ga, gb], 2, []);
    return [sumTo(new Tensor(ga, shape), a.shape), sumTo(new Tensor(gb, shape), b.shape)];
  });
}
