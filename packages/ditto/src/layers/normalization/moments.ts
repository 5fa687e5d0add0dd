/**
 * The mean and (biased) variance over some axes, kept as size-1 dimensions so they broadcast back:
 * mean = sum / count, variance = mean((x − mean)²) — the two-pass form, in the reduction order of
 * ops.mean (docs/determinism.md). Built from ops, so it is differentiable and traceable.
 */
import * as ops from '../../tensor/ops/index.js';
import { scalar, type Tensor } from '../../tensor/tensor.js';

export interface Moments {
  readonly mean: Tensor;
  readonly variance: Tensor;
  /** x − mean, which the normalisation reuses. */
  readonly centered: Tensor;
}

/** Mean and variance of x over `axes` (keepDims). */
export function moments(x: Tensor, axes: readonly number[]): Moments {
  const mean = ops.mean(x, axes, { keepDims: true });
  const centered = ops.sub(x, mean);
  const variance = ops.mean(ops.square(centered), axes, { keepDims: true });
  return { mean, variance, centered };
}

/** (x − mean) · (γ / √(variance + ε)) + β, with γ and β optional: the normalisation both layers share. */
export function normalize(
  centered: Tensor,
  variance: Tensor,
  epsilon: number,
  gamma: Tensor | undefined,
  beta: Tensor | undefined,
): Tensor {
  const deviation = ops.sqrt(ops.add(variance, scalar(epsilon, variance.dtype)));
  const scale = ops.div(gamma ?? scalar(1, variance.dtype), deviation);
  const y = ops.mul(centered, scale);
  return beta ? ops.add(y, beta) : y;
}
