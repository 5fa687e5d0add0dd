/**
 * The hinge family, as keras/src/losses/losses.py defines it: hinge and squared hinge for labels
 * in {−1, 1} (or {0, 1}, converted), categorical hinge for one-hot targets. Each returns one value
 * per sample (docs/losses-and-metrics.md).
 */
import { callKernel } from '../engine/kernels.js';
import { defineKernel } from '../kernels/registry.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { add, max, maximum, mean, mul, square, sub, sum } from '../tensor/ops/index.js';
import { Tensor } from '../tensor/tensor.js';
import { alignTargets, perSample } from './align.js';
import { constant } from './loss-ops.js';

/**
 * Keras's `convert_binary_labels_to_hinge`: when every label is 0 or 1 they become 2·y − 1,
 * otherwise they stay as given. Decided inside a kernel, so a replayed step decides again for its
 * own batch (targets carry no gradient).
 */
function hingeLabels(yTrue: Tensor): Tensor {
  const out = allocate(yTrue.dtype, yTrue.size);
  callKernel(binaryToHingeLabels, [yTrue.data, out], 1, []);
  return new Tensor(out, yTrue.shape);
}

/** out = 2·y − 1 when every y is 0 or 1, else a copy of y. */
const binaryToHingeLabels = defineKernel('binaryToHingeLabels', (y: FloatArray, out: FloatArray) => {
  let binary = true;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      binary = false;
      break;
    }
  }
  // 2·y − 1 is exact for y in {0, 1}: no rounding to state.
  for (let i = 0; i < y.length; i++) out[i] = binary ? 2 * y[i] - 1 : y[i];
});

/** max(1 − yTrue·yPred, 0) with the labels converted as Keras converts them. */
function margins(op: string, yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = alignTargets(op, yTrue, yPred);
  return maximum(sub(constant(1, p), mul(hingeLabels(t), p)), constant(0, p));
}

/**
 * Hinge loss per sample, as Keras: mean(max(1 − yTrue·yPred, 0), axis −1). Labels should be −1 or
 * 1; labels that are all 0 or 1 are converted to −1 and 1 first.
 *
 * @example
 * ```ts
 * hinge(tensor([[0, 1]]), tensor([[0.6, 0.4]])).toArray(); // [(1.6 + 0.6) / 2] = [1.1]
 * ```
 */
export function hinge(yTrue: Tensor, yPred: Tensor): Tensor {
  return perSample(mean(margins('hinge', yTrue, yPred), -1));
}

/**
 * Squared hinge loss per sample, as Keras: mean(max(1 − yTrue·yPred, 0)², axis −1), labels
 * converted as in {@link hinge}.
 *
 * @example
 * ```ts
 * squaredHinge(tensor([[0, 1]]), tensor([[0.6, 0.4]])).toArray(); // [(2.56 + 0.36) / 2] = [1.46]
 * ```
 */
export function squaredHinge(yTrue: Tensor, yPred: Tensor): Tensor {
  return perSample(mean(square(margins('squaredHinge', yTrue, yPred)), -1));
}

/**
 * Categorical hinge loss per sample, as Keras: with pos = Σ yTrue·yPred and
 * neg = max((1 − yTrue)·yPred) over the last axis, max(neg − pos + 1, 0). Targets are one-hot
 * (not converted).
 *
 * @example
 * ```ts
 * categoricalHinge(tensor([[0, 1]]), tensor([[0.6, 0.4]])).toArray(); // [max(0.6 − 0.4 + 1, 0)] = [1.2]
 * ```
 */
export function categoricalHinge(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = alignTargets('categoricalHinge', yTrue, yPred);
  const pos = sum(mul(t, p), -1);
  const neg = max(mul(sub(constant(1, p), t), p), -1);
  return perSample(maximum(add(sub(neg, pos), constant(1, p)), constant(0, p)));
}
