/**
 * Shared plumbing of the metrics: rounding to a dtype, per-sample averaging as Keras's Mean metric
 * does it (`reduce_to_samplewise_values`), and argmax. Metrics need no gradient, so they work on
 * the typed arrays directly; every operation is rounded to the dtype just as the tensor ops round
 * it, so a metric equals the loss of the same name bit for bit.
 */
import { allocate, type DType, type FloatArray } from '../tensor/dtype.js';
import { formatShape, type Shape, ShapeError } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** The rounding of one operation in a dtype: Math.fround for float32, none for float64. */
export function rounder(dtype: DType): (x: number) => number {
  return dtype === 'float32' ? Math.fround : (x: number) => x;
}

/** The batch size of a metric's input: its first dimension. */
export function batchSize(op: string, shape: Shape): number {
  if (shape.length === 0) throw new ShapeError(`${op}: needs a batch dimension, got a scalar`);
  return shape[0];
}

/**
 * One value per sample from `values` laid out as [batch, …]: the mean of each sample's values,
 * summed one rounded addition at a time from +0 in row-major order and divided once by their count.
 */
export function meanPerSample(values: ArrayLike<number>, batch: number, dtype: DType): Tensor {
  const r = rounder(dtype);
  const out = allocate(dtype, batch);
  const per = batch === 0 ? 0 : values.length / batch;
  for (let s = 0; s < batch; s++) {
    if (per === 1) {
      out[s] = values[s];
      continue;
    }
    let acc = 0;
    for (let j = 0; j < per; j++) acc = r(acc + values[s * per + j]);
    out[s] = r(acc / per);
  }
  return new Tensor(out, [batch]);
}

/**
 * The index of the largest of `count` values starting at `offset`: the first one when several tie,
 * and the first NaN if there is one (as NumPy's and JAX's argmax).
 */
export function argmax(values: FloatArray, offset: number, count: number): number {
  let best = values[offset];
  let index = 0;
  if (Number.isNaN(best)) return 0;
  for (let j = 1; j < count; j++) {
    const v = values[offset + j];
    if (Number.isNaN(v)) return j;
    if (v > best) {
      best = v;
      index = j;
    }
  }
  return index;
}

/** Throws a ShapeError naming both shapes unless they are equal. */
export function checkSameShape(op: string, yTrue: Shape, yPred: Shape, what = 'yTrue'): void {
  if (yTrue.length !== yPred.length || yTrue.some((d, i) => d !== yPred[i])) {
    throw new ShapeError(
      `${op}: ${what} of shape ${formatShape(yTrue)} does not match yPred of shape ${formatShape(yPred)}`,
    );
  }
}
