/**
 * Cosine similarity and log-cosh, as keras/src/losses/losses.py defines them. One value per sample
 * (docs/losses-and-metrics.md).
 */
import { add, div, maximum, mean, mul, neg, softplus, sqrt, square, sub, sum } from '../tensor/ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { alignTargets, perSample } from './align.js';
import { constant, EPSILON } from './loss-ops.js';

/** Keras's `ops.normalize(x, axis=-1)`: x · rsqrt(max(Σ x², ε)) over the last axis, ε = 1e-7. */
function l2Normalize(x: Tensor): Tensor {
  const squares = sum(square(x), -1, { keepDims: true });
  const inverseNorm = div(constant(1, x), sqrt(maximum(squares, constant(EPSILON, x))));
  return mul(x, inverseNorm);
}

/**
 * Cosine similarity loss per sample, as Keras: −Σ normalize(yTrue)·normalize(yPred) over the last
 * axis, so −1 for vectors pointing the same way, 0 for orthogonal ones, 1 for opposite ones.
 *
 * @example
 * ```ts
 * cosineSimilarity(tensor([[0, 1], [1, 1]]), tensor([[1, 0], [1, 1]])).toArray(); // ≈ [0, −1]
 * ```
 */
export function cosineSimilarity(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = alignTargets('cosineSimilarity', yTrue, yPred);
  return perSample(neg(sum(mul(l2Normalize(t), l2Normalize(p)), -1)));
}

/**
 * Log-cosh loss per sample, as Keras's `log_cosh`: with x = yPred − yTrue,
 * mean(x + softplus(−2x) − log 2, axis −1), which is log(cosh(x)) without overflow.
 *
 * @example
 * ```ts
 * logCosh(tensor([[0, 1]]), tensor([[1, 1]])).toArray(); // ≈ [0.2169]
 * ```
 */
export function logCosh(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = alignTargets('logCosh', yTrue, yPred);
  const x = sub(p, t);
  const terms = sub(add(x, softplus(mul(x, constant(-2, p)))), constant(Math.LN2, p));
  return perSample(mean(terms, -1));
}
