import { broadcastCopy, callKernel } from '../../engine/kernels.js';
import { allocate, type FloatArray } from '../dtype.js';
import { broadcastStrides, type Shape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Copies data of `shape` into a new tensor of the broadcast `target` shape. */
export function broadcastTo(data: FloatArray, shape: Shape, target: Shape): Tensor {
  const out = allocate(data instanceof Float32Array ? 'float32' : 'float64', sizeOf(target));
  callKernel(broadcastCopy, [data, out], 1, [broadcastStrides(shape, target), [...target]]);
  return new Tensor(out, target);
}
