/** Turns what users pass to fit/predict/evaluate (nested arrays, typed arrays, tensors) into batches. */
import type { DType } from '../tensor/dtype.js';
import { formatShape, ShapeError } from '../tensor/shape.js';
import { type NestedArray, Tensor, tensor } from '../tensor/tensor.js';

/** Data accepted by fit, predict and evaluate: samples along the first axis. */
export type InputData = Tensor | NestedArray | readonly number[] | Float32Array | Float64Array | ShapedArray;

/**
 * Flat row-major values with their shape, samples along the first axis — a typed array of any
 * element type (Int32Array indices for an Embedding, say) or plain numbers.
 *
 * @example
 * ```ts
 * model.predict({ data: Int32Array.from([1, 2, 0, 3, 4, 0]), shape: [2, 3] });
 * ```
 */
export interface ShapedArray {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
}

function isShapedArray(data: unknown): data is ShapedArray {
  if (typeof data !== 'object' || data === null || data instanceof Tensor || Array.isArray(data))
    return false;
  const candidate = data as Partial<ShapedArray>;
  return candidate.data !== undefined && Array.isArray(candidate.shape);
}

function fromShapedArray(data: ShapedArray, dtype: DType): Tensor {
  const values =
    dtype === 'float32' ? new Float32Array(data.data.length) : new Float64Array(data.data.length);
  for (let i = 0; i < values.length; i++) values[i] = data.data[i];
  return new Tensor(values, data.shape);
}

function describePosition(shape: readonly number[], flatIndex: number): string {
  const index: number[] = [];
  let rest = flatIndex;
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return index.length === 1
    ? `sample ${index[0]}`
    : `sample ${index[0]}, position [${index.slice(1).join(', ')}]`;
}

/**
 * Converts data to a tensor with samples along axis 0; a 1-D input becomes one feature per sample
 * ([n] → [n, 1]), like the tutorial's single column. Rejects NaN and ±Infinity, naming where.
 */
export function toSamples(data: InputData, name: string, dtype: DType): Tensor {
  let t: Tensor;
  try {
    if (data instanceof Tensor) t = data;
    else if (isShapedArray(data)) t = fromShapedArray(data, dtype);
    else t = tensor(data as NestedArray, undefined, dtype);
  } catch (error) {
    throw new TypeError(`${name}: cannot read the data as a tensor: ${(error as Error).message}`);
  }
  if (t.rank === 0) throw new ShapeError(`${name}: expected samples along the first axis, got a scalar`);
  if (t.shape[0] === 0) throw new ShapeError(`${name}: no samples (shape ${formatShape(t.shape)})`);
  for (let i = 0; i < t.size; i++) {
    if (!Number.isFinite(t.data[i])) {
      throw new RangeError(`${name}: ${t.data[i]} at ${describePosition(t.shape, i)} is not a finite number`);
    }
  }
  if (t.dtype !== dtype) t = tensor(t.data, t.shape, dtype);
  return t.rank === 1 ? new Tensor(t.data, [t.shape[0], 1]) : t;
}

/** Rows of a sample tensor picked by indices (no gradient history). */
export function takeRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  const width = t.size / t.shape[0];
  const out =
    t.dtype === 'float32'
      ? new Float32Array(indices.length * width)
      : new Float64Array(indices.length * width);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    out.set(t.data.subarray(r * width, (r + 1) * width), i * width);
  }
  return new Tensor(out, [indices.length, ...t.shape.slice(1)]);
}

/** Rows [start, end) of a sample tensor (shares no data). */
export function rowRange(t: Tensor, start: number, end: number): Tensor {
  const width = t.size / t.shape[0];
  return new Tensor(t.data.slice(start * width, end * width), [end - start, ...t.shape.slice(1)]);
}
