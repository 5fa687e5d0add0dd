import { softmaxBackwardPrimitive, softmaxPrimitive } from '../../engine/kernels.js';
import { record } from '../autograd.js';
import { allocate } from '../dtype.js';
import { ShapeError } from '../shape.js';
import { Tensor } from '../tensor.js';

function softmaxOp(x: Tensor, log: boolean): Tensor {
  const op = log ? 'logSoftmax' : 'softmax';
  if (x.rank < 1) throw new ShapeError(`${op}: needs at least one dimension, got a scalar`);
  const cols = x.shape[x.rank - 1];
  const rows = cols === 0 ? 0 : x.size / cols;
  const out = allocate(x.dtype, x.size);
  softmaxPrimitive(x.data, out, rows, cols, log);
  const y = new Tensor(out, x.shape);
  return record(y, op, [x], (g) => {
    const dx = allocate(x.dtype, x.size);
    softmaxBackwardPrimitive(out, g.data, dx, rows, cols, log);
    return [new Tensor(dx, x.shape)];
  });
}

/** Softmax over the last axis. */
export function softmax(x: Tensor): Tensor {
  return softmaxOp(x, false);
}

/** Log-softmax over the last axis (more accurate than log(softmax(x))). */
export function logSoftmax(x: Tensor): Tensor {
  return softmaxOp(x, true);
}
