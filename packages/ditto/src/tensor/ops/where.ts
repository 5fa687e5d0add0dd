/** where: picks from a where a condition holds and from b elsewhere (masked recurrent steps). */
import { record } from '../autograd.js';
import { allocate } from '../dtype.js';
import {
  broadcastShapes,
  broadcastStrides,
  formatShape,
  type Shape,
  sameShape,
  sizeOf,
  stridesOf,
} from '../shape.js';
import { Tensor } from '../tensor.js';
import { sumTo } from './reduce.js';

/** Reads `data` (of `shape`) at every position of `target`, broadcasting. */
function expand(data: ArrayLike<number>, shape: Shape, target: Shape): ArrayLike<number> {
  if (sameShape(shape, target)) return data;
  const strides = broadcastStrides(shape, target);
  const targetStrides = stridesOf(target);
  const out = new Float64Array(sizeOf(target));
  for (let i = 0; i < out.length; i++) {
    let src = 0;
    let rest = i;
    for (let d = 0; d < target.length; d++) {
      const index = Math.floor(rest / targetStrides[d]);
      rest -= index * targetStrides[d];
      src += index * strides[d];
    }
    out[i] = data[src];
  }
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
  const pick = expand(condition.data, condition.shape, shape);
  const av = expand(a.data, a.shape, shape);
  const bv = expand(b.data, b.shape, shape);
  const out = allocate(a.dtype, pick.length);
  for (let i = 0; i < out.length; i++) out[i] = pick[i] !== 0 ? av[i] : bv[i];
  return record(new Tensor(out, shape), 'where', [a, b], (g) => {
    const ga = allocate(g.dtype, g.size);
    const gb = allocate(g.dtype, g.size);
    for (let i = 0; i < g.size; i++) {
      if (pick[i] !== 0) ga[i] = g.data[i];
      else gb[i] = g.data[i];
    }
    return [sumTo(new Tensor(ga, shape), a.shape), sumTo(new Tensor(gb, shape), b.shape)];
  });
}
