/**
 * Crossentropy losses, defined as Keras 3 defines them (keras/src/losses/losses.py and the JAX /
 * NumPy backends' nn.py): probabilities are clipped to [ε, 1 − ε] with ε = 1e-7 so that certain
 * but wrong predictions give a large finite loss; logits use log-softmax or the stable sigmoid form.
 */
import {
  add,
  div,
  log,
  logSoftmax,
  maximum,
  mean,
  minimum,
  mul,
  neg,
  softplus,
  sub,
  sum,
} from '../tensor/ops/index.js';
import { formatShape, ShapeError, sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { alignTargets, castLike, checkTensors, perSample, squeezeOrExpandToSameRank } from './align.js';
import { clip, constant, EPSILON, oneHot } from './loss-ops.js';

/** Options of the crossentropy losses. */
export interface CrossentropyOptions {
  /** Whether yPred holds logits rather than probabilities (default false). */
  fromLogits?: boolean;
}

function checkOptions(op: string, options: CrossentropyOptions): boolean {
  const fromLogits = options.fromLogits ?? false;
  if (typeof fromLogits !== 'boolean')
    throw new TypeError(`${op}: fromLogits must be a boolean, got ${String(fromLogits)}`);
  return fromLogits;
}

/**
 * Elementwise binary crossentropy of labels z and logits x in the stable form
 * max(x, 0) − x·z + log(1 + exp(−|x|)). max(x, 0) takes x at 0 and −|x| is min(−x, x), which
 * takes −x at 0, so the gradient at x = 0 is the true σ(0) − z (relu and abs would give −z).
 */
function sigmoidCrossentropyWithLogits(z: Tensor, x: Tensor): Tensor {
  const zero = constant(0, x);
  const negAbs = minimum(neg(x), x);
  return add(sub(maximum(x, zero), mul(x, z)), softplus(negAbs));
}

/**
 * Binary crossentropy per sample: the elementwise crossentropy averaged over the last axis.
 * Probabilities p are clipped to [ε, 1 − ε] (ε = 1e-7 in yPred's dtype), then
 * −(z·log p + (1 − z)·log(1 − p)); logits x give max(x, 0) − x·z + log(1 + exp(−|x|)).
 *
 * @example
 * ```ts
 * binaryCrossentropy(tensor([[0, 1], [0, 0]]), tensor([[0.6, 0.4], [0.4, 0.6]])).toArray();
 * // ≈ [0.916, 0.714], as in Keras's documentation
 * binaryCrossentropy(labels, logits, { fromLogits: true });
 * ```
 */
export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, options: CrossentropyOptions = {}): Tensor {
  const fromLogits = checkOptions('binaryCrossentropy', options);
  const [z, p] = alignTargets('binaryCrossentropy', yTrue, yPred);
  if (fromLogits) return perSample(mean(sigmoidCrossentropyWithLogits(z, p), -1));
  const one = constant(1, p);
  const clipped = clip(p, EPSILON, 1 - EPSILON);
  const positive = mul(z, log(clipped));
  const negative = mul(sub(one, z), log(sub(one, clipped)));
  return perSample(mean(neg(add(positive, negative)), -1));
}

/**
 * −Σ y·log ŷ over the last axis, for targets and predictions of one shape [batch, …, classes].
 * Probabilities are first normalised by their sum over the last axis and clipped to [ε, 1 − ε];
 * logits go through log-softmax. Returns shape [batch, …].
 */
function crossentropyLastAxis(y: Tensor, yPred: Tensor, fromLogits: boolean): Tensor {
  if (fromLogits) return neg(sum(mul(y, logSoftmax(yPred)), -1));
  const normalised = div(yPred, sum(yPred, -1, { keepDims: true }));
  const logProb = log(clip(normalised, EPSILON, 1 - EPSILON));
  return neg(sum(mul(y, logProb), -1));
}

function checkClasses(op: string, yPred: Tensor): void {
  if (yPred.rank < 2) {
    throw new ShapeError(
      `${op}: yPred must have shape [batch, classes] (or [batch, …, classes]), got ${formatShape(yPred.shape)}`,
    );
  }
}

/**
 * Categorical crossentropy per sample, for one-hot (or soft) targets of yPred's shape
 * [batch, classes]: −Σ y·log ŷ over the last axis, with ŷ normalised by its sum and clipped to
 * [ε, 1 − ε] (ε = 1e-7), or ŷ = softmax(x) computed as log-softmax when `fromLogits`.
 *
 * @example
 * ```ts
 * categoricalCrossentropy(tensor([[0, 1, 0], [0, 0, 1]]), tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])).toArray();
 * // ≈ [0.0513, 2.303], as in Keras's documentation
 * ```
 */
export function categoricalCrossentropy(
  yTrue: Tensor,
  yPred: Tensor,
  options: CrossentropyOptions = {},
): Tensor {
  const op = 'categoricalCrossentropy';
  const fromLogits = checkOptions(op, options);
  checkTensors(op, yTrue, yPred);
  const [y, p] = squeezeOrExpandToSameRank(castLike(yTrue, yPred), yPred);
  if (!sameShape(y.shape, p.shape)) {
    throw new ShapeError(
      `${op}: yTrue of shape ${formatShape(yTrue.shape)} does not match yPred of shape ${formatShape(yPred.shape)}`,
    );
  }
  checkClasses(op, p);
  return perSample(crossentropyLastAxis(y, p, fromLogits));
}

/**
 * Sparse categorical crossentropy per sample: integer class labels (a float tensor of shape
 * [batch] or [batch, 1]) against yPred of shape [batch, classes]. Same as
 * {@link categoricalCrossentropy} with one-hot targets, as Keras computes it. Every label must be
 * an integer in [0, classes); otherwise a RangeError names the label and its position.
 *
 * @example
 * ```ts
 * sparseCategoricalCrossentropy(tensor([1, 2]), tensor([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])).toArray();
 * // ≈ [0.0513, 2.303]
 * ```
 */
export function sparseCategoricalCrossentropy(
  yTrue: Tensor,
  yPred: Tensor,
  options: CrossentropyOptions = {},
): Tensor {
  const op = 'sparseCategoricalCrossentropy';
  const fromLogits = checkOptions(op, options);
  checkTensors(op, yTrue, yPred);
  checkClasses(op, yPred);
  let labelShape = yTrue.shape;
  if (yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1) labelShape = yTrue.shape.slice(0, -1);
  const expected = yPred.shape.slice(0, -1);
  if (!sameShape(labelShape, expected)) {
    throw new ShapeError(
      `${op}: labels of shape ${formatShape(yTrue.shape)} do not fit yPred of shape ${formatShape(yPred.shape)}; ` +
        `expected ${formatShape(expected)} or ${formatShape([...expected, 1])}`,
    );
  }
  const classes = yPred.shape[yPred.rank - 1];
  const y = oneHot(op, yTrue.data, labelShape, classes, yPred.dtype);
  return perSample(crossentropyLastAxis(y, yPred, fromLogits));
}
