/**
 * Regression losses, defined as keras/src/losses/losses.py defines them: an elementwise error,
 * averaged over the last axis, so the result holds one value per sample (docs/losses-and-metrics.md).
 */
import { abs, div, maximum, mean, mul, square, sub } from '../tensor/ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { alignTargets, perSample } from './align.js';
import { constant, EPSILON, lessEqualMask, select } from './loss-ops.js';

/** The mean over the last axis, then over any axes between it and the batch axis. */
function meanLastAxis(values: Tensor): Tensor {
  return perSample(mean(values, -1));
}

/**
 * Mean squared error per sample: mean(square(yTrue − yPred), axis −1).
 *
 * @example
 * ```ts
 * meanSquaredError(tensor([[1], [0]]), tensor([[0.9], [0.1]])).toArray(); // ≈ [0.01, 0.01]
 * ```
 */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = alignTargets('meanSquaredError', yTrue, yPred);
  return meanLastAxis(square(sub(t, p)));
}

/**
 * Mean absolute error per sample: mean(|yTrue − yPred|, axis −1).
 *
 * @example
 * ```ts
 * meanAbsoluteError(tensor([[1, 2]]), tensor([[0, 4]])).toArray(); // [1.5]
 * ```
 */
export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = alignTargets('meanAbsoluteError', yTrue, yPred);
  return meanLastAxis(abs(sub(t, p)));
}

/**
 * Mean absolute percentage error per sample, as Keras: 100 · mean(|(y − ŷ) / max(|y|, ε)|, axis −1)
 * with ε = 1e-7 (in yPred's dtype), so a zero target gives a huge but finite error.
 *
 * @example
 * ```ts
 * meanAbsolutePercentageError(tensor([[2, 1]]), tensor([[1, 1]])).toArray(); // [25]
 * ```
 */
export function meanAbsolutePercentageError(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = alignTargets('meanAbsolutePercentageError', yTrue, yPred);
  const ratio = abs(div(sub(t, p), maximum(abs(t), constant(EPSILON, p))));
  return perSample(mul(constant(100, p), mean(ratio, -1)));
}

/** Options of {@link huber}. */
export interface HuberOptions {
  /** Where the loss turns from quadratic to linear (default 1, as Keras). */
  delta?: number;
}

/**
 * Huber loss per sample, as Keras: with e = yPred − yTrue, 0.5·e² where |e| ≤ δ and
 * δ·|e| − 0.5·δ² elsewhere, averaged over the last axis.
 *
 * @example
 * ```ts
 * huber(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]])).toArray(); // ≈ [0.18, 0.13]
 * ```
 */
export function huber(yTrue: Tensor, yPred: Tensor, { delta = 1 }: HuberOptions = {}): Tensor {
  if (typeof delta !== 'number' || !(delta >= 0) || !Number.isFinite(delta)) {
    throw new RangeError(`huber: delta must be a finite number ≥ 0, got ${String(delta)}`);
  }
  const [t, p] = alignTargets('huber', yTrue, yPred);
  const error = sub(p, t);
  const absError = abs(error);
  const d = constant(delta, p);
  const half = constant(0.5, p);
  const quadratic = mul(half, square(error));
  const linear = sub(mul(d, absError), mul(half, square(d)));
  const inside = lessEqualMask(absError, d);
  return meanLastAxis(select(inside, quadratic, linear));
}
