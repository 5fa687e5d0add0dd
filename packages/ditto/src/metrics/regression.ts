/**
 * Regression metrics per sample: Keras's mean_squared_error and mean_absolute_error, computed on
 * the arrays with the same rounding as the losses of the same name (so they agree bit for bit).
 */
import { alignTargets } from '../losses/align.js';
import { noGrad } from '../tensor/autograd.js';
import { allocate } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { meanPerSample, rounder } from './samplewise.js';

function meanOfLastAxis(
  op: string,
  yTrue: Tensor,
  yPred: Tensor,
  term: (difference: number, r: (x: number) => number) => number,
): Tensor {
  const [t, p] = noGrad(() => alignTargets(op, yTrue, yPred));
  const r = rounder(p.dtype);
  const width = p.shape[p.rank - 1];
  const rows = width === 0 ? 0 : p.size / width;
  const rowMeans = allocate(p.dtype, rows);
  for (let i = 0; i < rows; i++) {
    let acc = 0;
    for (let j = 0; j < width; j++) {
      const k = i * width + j;
      acc = r(acc + term(r(t.data[k] - p.data[k]), r));
    }
    rowMeans[i] = r(acc / width);
  }
  return meanPerSample(rowMeans, p.shape[0], p.dtype);
}

/**
 * Mean squared error per sample, mean((yTrue − yPred)², axis −1); History key 'mse' when asked
 * for as 'mse'.
 *
 * @example
 * ```ts
 * mse(tensor([[1], [0]]), tensor([[0.5], [0]])).toArray(); // [0.25, 0]
 * ```
 */
export function mse(yTrue: Tensor, yPred: Tensor): Tensor {
  return meanOfLastAxis('mse', yTrue, yPred, (d, r) => r(d * d));
}

/**
 * Mean absolute error per sample, mean(|yTrue − yPred|, axis −1).
 *
 * @example
 * ```ts
 * mae(tensor([[1, 2]]), tensor([[0, 4]])).toArray(); // [1.5]
 * ```
 */
export function mae(yTrue: Tensor, yPred: Tensor): Tensor {
  return meanOfLastAxis('mae', yTrue, yPred, (d) => Math.abs(d));
}
