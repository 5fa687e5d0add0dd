/**
 * What fit/evaluate/predict/…OnBatch receive, turned into one tensor per model input and output:
 * one array or tensor for a single input, a list `[x1, x2]` in the order of the model's inputs, or
 * named entries `{ input_a: x1 }`; sample weights and class weights as Keras 3 derives them.
 */

import type { DType } from '../tensor/dtype.js';
import { ShapeError } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { describe, didYouMean } from '../validate/index.js';
import { type InputData, toSamples } from './inputs.js';

/** Data for a model: one input's data, a list in the order of the inputs, or entries by name. */
export type ModelData = InputData | readonly InputData[] | Readonly<Record<string, InputData>>;

/** A per-class weight: `{ 0: 1, 1: 5 }` weighs the samples of class 1 five times. */
export type ClassWeight = Readonly<Record<number, number>>;

function isPlainRecord(data: unknown): data is Readonly<Record<string, InputData>> {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || data instanceof Tensor)
    return false;
  if (ArrayBuffer.isView(data)) return false;
  const proto = Object.getPrototypeOf(data);
  if (proto !== Object.prototype && proto !== null) return false;
  // A ShapedArray ({ data, shape }) is one input's data, not named entries.
  return !('data' in data && 'shape' in data && Array.isArray((data as { shape: unknown }).shape));
}

/** The model's tensors (inputs or targets) of `data`, one per name, checked to have one sample count. */
export function toTensors(
  data: unknown,
  what: string,
  names: readonly string[],
  dtypes: readonly DType[],
): Tensor[] {
  let parts: unknown[];
  let labels: string[];
  if (isPlainRecord(data)) {
    const keys = Object.keys(data);
    for (const key of keys) {
      if (!names.includes(key)) {
        throw new Error(
          `${what}: unknown name '${key}'${didYouMean(key, names)}; the model's names are ${names.map((n) => `'${n}'`).join(', ')}`,
        );
      }
    }
    const missing = names.filter((n) => !(n in data));
    if (missing.length > 0)
      throw new Error(`${what}: no data for ${missing.map((n) => `'${n}'`).join(', ')}`);
    parts = names.map((n) => data[n]);
    labels = names.map((n) => `${what}.${n}`);
  } else if (names.length > 1) {
    if (!Array.isArray(data) || data.length !== names.length) {
      throw new TypeError(
        `${what}: the model has ${names.length} (${names.join(', ')}): give a list of ${names.length} arrays or an object by name, got ${describe(data)}`,
      );
    }
    parts = data;
    labels = names.map((_, i) => `${what}[${i}]`);
  } else {
    parts = [data];
    labels = [what];
  }
  const tensors = parts.map((p, i) => toSamples(p as InputData, labels[i], dtypes[i]));
  const n = tensors[0].shape[0];
  tensors.forEach((t, i) => {
    if (t.shape[0] !== n) {
      throw new ShapeError(`${what}: ${labels[0]} has ${n} samples but ${labels[i]} has ${t.shape[0]}`);
    }
  });
  return tensors;
}

/** Per-sample weights as a [n] tensor of the model's dtype (from [n] or [n, 1] data). */
export function toSampleWeights(data: InputData, what: string, n: number, dtype: DType): Tensor {
  const t = toSamples(data, what, dtype);
  if (t.size !== t.shape[0] || t.shape[0] !== n) {
    throw new ShapeError(`${what}: expected one weight per sample (${n}), got shape [${t.shape.join(', ')}]`);
  }
  for (let i = 0; i < t.size; i++) {
    if (t.data[i] < 0) throw new RangeError(`${what}: weight ${t.data[i]} of sample ${i} is negative`);
  }
  return new Tensor(t.data, [n]);
}

/**
 * Keras 3's `class_weight_to_sample_weights`: each sample's class — the index of the largest
 * value for one-hot targets (last axis > 1), else the rounded target — weighs it by
 * `classWeight[class]`, 1 for a class not listed.
 */
export function classWeightsToSampleWeights(y: Tensor, classWeight: ClassWeight, what: string): Tensor {
  for (const [key, value] of Object.entries(classWeight)) {
    if (!Number.isInteger(Number(key)))
      throw new TypeError(`${what}: class '${key}' is not an integer class index`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(
        `${what}: the weight of class ${key} must be a finite number ≥ 0, got ${describe(value)}`,
      );
    }
  }
  const n = y.shape[0];
  const width = y.size / n;
  const oneHot = y.rank > 1 && y.shape[y.rank - 1] !== 1;
  const classes = y.shape[y.rank - 1];
  const out = y.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let cls: number;
    if (oneHot) {
      if (width !== classes) throw new ShapeError(`${what}: one-hot targets must be [samples, classes]`);
      cls = 0;
      for (let c = 1; c < classes; c++) if (y.data[i * classes + c] > y.data[i * classes + cls]) cls = c;
    } else {
      if (width !== 1) throw new ShapeError(`${what}: class indices must be one per sample`);
      cls = roundHalfEven(y.data[i]);
    }
    out[i] = classWeight[cls] ?? 1;
  }
  return new Tensor(out, [n]);
}

/** NumPy's np.round (half to even). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
