/**
 * The few building blocks the losses need beyond src/tensor/ops: constants in a tensor's dtype,
 * Keras's clip, an elementwise select (Keras's `where`) and one-hot labels. Each is built from the
 * existing ops or records its own gradient, so every loss stays differentiable.
 */
import { callKernel } from '../engine/kernels.js';
import { defineKernel } from '../kernels/registry.js';
import { record } from '../tensor/autograd.js';
import { allocate, type DType, type FloatArray } from '../tensor/dtype.js';
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
 * holds (is non-zero), else b's. The gradient flows to a where the condition holds and to b
 * elsewhere. The condition is a tensor (a mask computed by ops, such as {@link lessEqualMask}), or
 * fixed values.
 */
export function select(condition: Tensor | ArrayLike<boolean | number>, a: Tensor, b: Tensor): Tensor {
  const mask =
    condition instanceof Tensor
      ? condition.data
      : allocateFrom(
          a.dtype,
          Array.from({ length: condition.length }, (_, i) => (condition[i] ? 1 : 0)),
        );
  if (!sameShape(a.shape, b.shape) || mask.length !== a.size) {
    throw new ShapeError(
      `select: a ${formatShape(a.shape)}, b ${formatShape(b.shape)} and a condition of ${mask.length} values must match`,
    );
  }
  if (a.dtype !== b.dtype) throw new TypeError(`select: dtypes differ (${a.dtype} and ${b.dtype})`);
  const out = allocate(a.dtype, a.size);
  callKernel(selectValues, [mask, a.data, b.data, out], 3, []);
  return record(new Tensor(out, a.shape), 'select', [a, b], (g) => {
    const ga = allocate(g.dtype, g.size);
    const gb = allocate(g.dtype, g.size);
    callKernel(splitGradient, [mask, g.data, ga, gb], 2, []);
    return [new Tensor(ga, a.shape), new Tensor(gb, b.shape)];
  });
}

function allocateFrom(dtype: DType, values: readonly number[]): FloatArray {
  const out = allocate(dtype, values.length);
  out.set(values);
  return out;
}

/** out[i] = a[i] where mask[i] ≠ 0, else b[i]. */
const selectValues = defineKernel(
  'selectValues',
  (mask: FloatArray, a: FloatArray, b: FloatArray, out: FloatArray) => {
    for (let i = 0; i < out.length; i++) out[i] = mask[i] !== 0 ? a[i] : b[i];
  },
);

/** ga[i] = g[i] where mask[i] ≠ 0 (else 0); gb the rest. */
const splitGradient = defineKernel(
  'splitGradient',
  (mask: FloatArray, g: FloatArray, ga: FloatArray, gb: FloatArray) => {
    for (let i = 0; i < g.length; i++) {
      if (mask[i] !== 0) {
        ga[i] = g[i];
        gb[i] = 0;
      } else {
        ga[i] = 0;
        gb[i] = g[i];
      }
    }
  },
);

/** 1 where x ≤ the scalar bound, else 0 (NaN gives 0), as a tensor of x's shape; no gradient. */
export function lessEqualMask(x: Tensor, bound: Tensor): Tensor {
  if (bound.size !== 1)
    throw new ShapeError(`lessEqualMask: the bound must be a scalar, got ${formatShape(bound.shape)}`);
  const out = allocate(x.dtype, x.size);
  callKernel(lessEqualScalar, [x.data, bound.data, out], 2, []);
  return new Tensor(out, x.shape);
}

const lessEqualScalar = defineKernel(
  'lessEqualScalar',
  (x: FloatArray, bound: FloatArray, out: FloatArray) => {
    const b = bound[0];
    for (let i = 0; i < out.length; i++) out[i] = x[i] <= b ? 1 : 0;
  },
);

/**
 * One-hot rows for integer labels: shape [...labelShape, classes], 1 at each label's class and 0
 * elsewhere. Every label must be an integer in [0, classes); the error names the first one that is
 * not and its position. The labels are a buffer of the call (they change with every batch).
 */
export function oneHot(
  op: string,
  labels: FloatArray,
  labelShape: Shape,
  classes: number,
  dtype: DType,
): Tensor {
  const shape = [...labelShape, classes];
  if (sizeOf(shape) !== labels.length * classes)
    throw new ShapeError(`${op}: ${labels.length} labels do not fill ${formatShape(labelShape)}`);
  const out = allocate(dtype, labels.length * classes);
  callKernel(oneHotRows, [labels, out], 1, [op, classes]);
  return new Tensor(out, shape);
}

/** out = one-hot rows of `classes` for the labels, checking each label (the kernel runs at every replay). */
const oneHotRows = defineKernel(
  'oneHotRows',
  (labels: FloatArray, out: FloatArray, op: string, classes: number) => {
    out.fill(0);
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
  },
);
