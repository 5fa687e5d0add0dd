/**
 * The running mean behind every reported metric, kept as Keras's `keras.metrics.Mean` keeps it: a
 * total and a count in the metric's dtype (float32 by default), updated once per batch, with the
 * result total / count.
 */
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { meanPerSample, rounder } from './samplewise.js';

/**
 * Averages per-sample values across batches exactly as Keras's Mean metric does, with every
 * operation rounded to the dtype (float32 by default):
 *
 * - `update(values)`: values (one per sample; a tensor [batch, …] is first averaged per sample)
 *   are rounded to the dtype and summed one rounded addition at a time from +0 in order; then
 *   `total ← round(total + batchSum)` and `count ← round(count + batchSize)`.
 * - `updateWeighted(value, weight)`: Keras's `update_state(value, sample_weight=weight)` for one
 *   value, as the loss tracker uses it with the batch size as weight:
 *   `total ← round(total + round(value · weight))`, `count ← round(count + weight)`.
 * - `result()`: `round(total / count)`, or 0 while the count is 0 (Keras's `divide_no_nan`).
 *
 * In float32 the count is exact up to 2^24 samples, as in Keras.
 *
 * @example
 * ```ts
 * const acc = new MeanAccumulator();
 * acc.update([1, 0, 1]);
 * acc.update([1]);
 * acc.result(); // 0.75
 * ```
 */
export class MeanAccumulator {
  readonly dtype: DType;
  private sum = 0;
  private n = 0;
  private readonly round: (x: number) => number;

  constructor(dtype: DType = 'float32') {
    if (dtype !== 'float32' && dtype !== 'float64')
      throw new TypeError(`MeanAccumulator: unknown dtype ${String(dtype)}`);
    this.dtype = dtype;
    this.round = rounder(dtype);
  }

  /** The running total. */
  get total(): number {
    return this.sum;
  }

  /** The number of samples (or the sum of weights) seen. */
  get count(): number {
    return this.n;
  }

  /** Adds one batch of per-sample values. */
  update(values: Tensor | ArrayLike<number>): void {
    let perSample: ArrayLike<number> = values instanceof Tensor ? values.data : values;
    if (values instanceof Tensor && values.rank !== 1) {
      // Keras counts a scalar as one sample, and casts the values to the metric's dtype before
      // averaging each sample's values.
      const cast = this.dtype === 'float32' ? Float32Array.from(values.data) : Float64Array.from(values.data);
      perSample = values.rank === 0 ? cast : meanPerSample(cast, values.shape[0], this.dtype).data;
    }
    const r = this.round;
    let batchSum = 0;
    for (let i = 0; i < perSample.length; i++) batchSum = r(batchSum + r(perSample[i]));
    this.sum = r(this.sum + batchSum);
    this.n = r(this.n + perSample.length);
  }

  /** Adds one value with a weight, e.g. a batch's mean loss weighted by the batch size. */
  updateWeighted(value: number, weight: number): void {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new RangeError(
        `MeanAccumulator.updateWeighted: weight must be a finite number ≥ 0, got ${String(weight)}`,
      );
    }
    const r = this.round;
    const w = r(weight);
    this.sum = r(this.sum + r(r(value) * w));
    this.n = r(this.n + w);
  }

  /** total / count, or 0 before any sample. */
  result(): number {
    return this.n === 0 ? 0 : this.round(this.sum / this.n);
  }

  /** Starts over (Keras's `reset_state`). */
  reset(): void {
    this.sum = 0;
    this.n = 0;
  }
}
