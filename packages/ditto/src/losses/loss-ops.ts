/**
 * The few building blocks the losses need beyond src/tensor/ops: constants in a tensor's dtype,
 * Keras's clip, an elementwise select (Keras's `where`) and one-hot labels. Each is built from the
 * existing ops or records its own gradient, so every loss stays differentiable.
 */
import { record } from '../tensor/autograd.js';
import { allocate, type DType } from '../tensor/dtype.js';
import { maximum, minimum } from '../tensor/ops/index.js';
import { formatShape, type Shape, ShapeError, sameShape, sizeOf } from '../tensor/shape.js';
import { scalar, Tensor } from '../tensor/tensor.js';

/** Keras's `backend.epsilon()`: the fuzz factor of clipping and safe division. */
export const EPSILON = 1e-7;

/**
 * A scalar of `like`'s dtype. The value is rounded once to that dtype, as Keras converts a Python
 * float with `convert_to_tensor(value, dtype=y_pred.dtype)`.
 */
export function constant(value: number, like: Tensor): Tensor {
  return scalar(value, like.dtype);
}

/**
 * `min(max(x, lo), hi)` elementwise, as `ops.clip`. The gradient passes where lo ≤ x ≤ hi and is
 * zero outside, where the bound (a constant) was taken.
 */
export function clip(x: Tensor, lo: number, hi: number): Tensor {
  return minimum(maximum(x, constant(lo, x)), constant(hi, x));
}

/**
 * `where(condition, a, b)` elementwise for tensors of one shape: a's value where the condition
 * holds, else b's. The gradient flows to a where the condition holds and to b elsewhere.
 */
export function select(condition: ArrayLike<boolean | number>, a: Tensor, b: Tensor): Tensor {
  if (!sameShape(a.shape, b.shape) || condition.length !== a.size) {
    throw new ShapeError(
      `select: a ${formatShape(a.shape)}, b ${formatShape(b.shape)} and a condition of ${condition.length} values must match`,
    );
  }
  if (a.dtype !== b.dtype) throw new TypeError(`select: dtypes differ (${a.dtype} and ${b.dtype})`);
  const mask = Uint8Array.from({ length: a.size }, (_, i) => (condition[i] ? 1 : 0));
  const out = allocate(a.dtype, a.size);
  for (let i = 0; i < out.length; i++) out[i] = mask[i] ? a.data[i] : b.data[i];
  return record(new Tensor(out, a.shape), 'select', [a, b], (g) => {
    const ga = allocate(g.dtype, g.size);
    const gb = allocate(g.dtype, g.size);
    for (let i = 0; i < g.size; i++) {
      if (mask[i]) ga[i] = g.data[i];
      else gb[i] = g.data[i];
    }
    return [new Tensor(ga, a.shape), new Tensor(gb, b.shape)];
  });
}

/**
 * One-hot rows for integer labels: shape [...labelShape, classes], 1 at each label's class and 0
 * elsewhere. Every label must be an integer in [0, classes); the error names the first one that is
 * not and its position.
 */
export function oneHot(
  op: string,
  labels: ArrayLike<number>,
  labelShape: Shape,
  classes: number,
  dtype: DType,
): Tensor {
  const out = allocate(dtype, labels.length * classes);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label)) {
      throw new RangeError(`${op}: label ${label} at position ${i} is not an integer class index`);
    }
    if (label < 0 || label >= classes) {
      throw new RangeError(
        `${op}: label ${label} at position ${i} is outside [0, ${classes}) (yPred has ${classes} classes)`,
      );
    }
    out[i * classes + label] = 1;
  }
  const shape = [...labelShape, classes];
  if (sizeOf(shape) !== out.length)
    throw new ShapeError(`${op}: ${labels.length} labels do not fill ${formatShape(labelShape)}`);
  return new Tensor(out, shape);
}
