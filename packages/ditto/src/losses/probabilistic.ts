/**
 * Losses between distributions and counts, as keras/src/losses/losses.py defines them:
 * Kullback–Leibler divergence and Poisson. One value per sample (docs/losses-and-metrics.md).
 */
import { add, div, log, mean, mul, sub, sum } from '../tensor/ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { alignTargets, perSample } from './align.js';
import { clip, constant, EPSILON } from './loss-ops.js';

/**
 * Kullback–Leibler divergence per sample, as Keras's `kl_divergence`: both arguments clipped to
 * [ε, 1] (ε = 1e-7), then Σ yTrue·log(yTrue / yPred) over the last axis.
 *
 * @example
 * ```ts
 * kld(tensor([[0.5, 0.5]]), tensor([[0.25, 0.75]])).toArray(); // ≈ [0.1438]
 * ```
 */
export function kld(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = alignTargets('kld', yTrue, yPred);
  const tc = clip(t, EPSILON, 1);
  const pc = clip(p, EPSILON, 1);
  return perSample(sum(mul(tc, log(div(tc, pc))), -1));
}

/**
 * Poisson loss per sample, as Keras: mean(yPred − yTrue·log(yPred + ε), axis −1), ε = 1e-7.
 *
 * @example
 * ```ts
 * poisson(tensor([[1, 2]]), tensor([[1, 1]])).toArray(); // ≈ [1]
 * ```
 */
export function poisson(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = alignTargets('poisson', yTrue, yPred);
  return perSample(mean(sub(p, mul(t, log(add(p, constant(EPSILON, p))))), -1));
}
