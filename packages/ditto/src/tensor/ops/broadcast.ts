import { allocate, type FloatArray } from '../dtype.js';
import { broadcastStrides, type Shape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Copies data of `shape` into a new tensor of the broadcast `target` shape. */
export function broadcastTo(data: FloatArray, shape: Shape, target: Shape): Tensor {
  const out = allocate(data instanceof Float32Array ? 'float32' : 'float64', sizeOf(target));
  const strides = broadcastStrides(shape, target);
  const rank = target.length;
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = data[src];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      src += strides[d];
      if (index[d] < target[d]) break;
      src -= strides[d] * target[d];
      index[d] = 0;
    }
  }
  return new Tensor(out, target);
}
