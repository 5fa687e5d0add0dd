/**
 * Accuracy metrics per sample, as keras/src/metrics/accuracy_metrics.py defines them: a 1 for every
 * match and a 0 for every miss, averaged over each sample's values (Keras's Mean metric does that
 * averaging; here the function returns it directly, shape [batch]).
 */
import { castLike, checkTensors, squeezeOrExpandToSameRank } from '../losses/align.js';
import { noGrad } from '../tensor/autograd.js';
import { formatShape, ShapeError } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { argmax, batchSize, checkSameShape, meanPerSample, rounder } from './samplewise.js';

/** yTrue and yPred with Keras's rank alignment, checked to be of one shape. */
function aligned(op: string, yTrue: Tensor, yPred: Tensor, cast: boolean): [Tensor, Tensor] {
  checkTensors(op, yTrue, yPred);
  const [t, p] = noGrad(() => squeezeOrExpandToSameRank(cast ? castLike(yTrue, yPred) : yTrue, yPred));
  checkSameShape(op, t.shape, p.shape);
  batchSize(op, p.shape);
  return [t, p];
}

/**
 * Keras's `accuracy`: 1 where yTrue equals yPred exactly (yTrue cast to yPred's dtype), else 0,
 * averaged per sample. It compares values, not classes; for classifiers use the `'accuracy'` name
 * (see {@link accuracyForShapes}) or the categorical metrics.
 *
 * @example
 * ```ts
 * accuracy(tensor([[1], [2], [3], [4]]), tensor([[0], [2], [3], [4]])).toArray(); // [0, 1, 1, 1]
 * ```
 */
export function accuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = aligned('accuracy', yTrue, yPred, true);
  const matches = Array.from(p.data, (v, i) => (t.data[i] === v ? 1 : 0));
  return meanPerSample(matches, p.shape[0], p.dtype);
}

/** Options of {@link binaryAccuracy}. */
export interface BinaryAccuracyOptions {
  /** A prediction above it counts as 1, otherwise 0 (default 0.5). */
  threshold?: number;
}

/**
 * Keras's `binary_accuracy`: each prediction becomes 1 if it is above the threshold (default 0.5,
 * in yPred's dtype) and 0 otherwise, and counts as a match when it equals the target exactly;
 * matches are averaged per sample.
 *
 * @example
 * ```ts
 * binaryAccuracy(tensor([[1], [1], [0], [0]]), tensor([[0.98], [1], [0], [0.6]])).toArray(); // [1, 1, 1, 0]
 * ```
 */
export function binaryAccuracy(
  yTrue: Tensor,
  yPred: Tensor,
  { threshold = 0.5 }: BinaryAccuracyOptions = {},
): Tensor {
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
    throw new TypeError(`binaryAccuracy: threshold must be a number, got ${String(threshold)}`);
  }
  const [t, p] = aligned('binaryAccuracy', yTrue, yPred, false);
  const cut = rounder(p.dtype)(threshold);
  const matches = Array.from(p.data, (v, i) => (t.data[i] === (v > cut ? 1 : 0) ? 1 : 0));
  return meanPerSample(matches, p.shape[0], p.dtype);
}

function checkClasses(op: string, yPred: Tensor): number {
  if (yPred.rank < 2) {
    throw new ShapeError(`${op}: yPred must have shape [batch, classes], got ${formatShape(yPred.shape)}`);
  }
  return yPred.shape[yPred.rank - 1];
}

/**
 * Keras's `categorical_accuracy`: 1 where the argmax of the one-hot target equals the argmax of the
 * prediction over the last axis (the first maximum wins a tie), else 0.
 *
 * @example
 * ```ts
 * categoricalAccuracy(tensor([[0, 0, 1], [0, 1, 0]]), tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]])).toArray(); // [0, 1]
 * ```
 */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const op = 'categoricalAccuracy';
  checkTensors(op, yTrue, yPred);
  checkSameShape(op, yTrue.shape, yPred.shape);
  const classes = checkClasses(op, yPred);
  const rows = classes === 0 ? 0 : yPred.size / classes;
  const matches = new Array<number>(rows);
  for (let i = 0; i < rows; i++) {
    const offset = i * classes;
    matches[i] = argmax(yTrue.data, offset, classes) === argmax(yPred.data, offset, classes) ? 1 : 0;
  }
  return meanPerSample(matches, yPred.shape[0], yPred.dtype);
}

/**
 * Keras's `sparse_categorical_accuracy`: integer labels of shape [batch] or [batch, 1] against
 * yPred of shape [batch, classes]; 1 where the label (in yPred's dtype) equals the argmax of the
 * prediction (the first maximum wins a tie), else 0. A label that is not a class index never matches.
 *
 * @example
 * ```ts
 * sparseCategoricalAccuracy(tensor([[2], [1]]), tensor([[0.1, 0.6, 0.3], [0.05, 0.95, 0]])).toArray(); // [0, 1]
 * ```
 */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const op = 'sparseCategoricalAccuracy';
  checkTensors(op, yTrue, yPred);
  const classes = checkClasses(op, yPred);
  let labelShape = yTrue.shape;
  if (yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1) labelShape = yTrue.shape.slice(0, -1);
  checkSameShape(op, labelShape, yPred.shape.slice(0, -1), 'labels (without the trailing 1)');
  const labels = castLike(yTrue, yPred).data;
  const matches = Array.from(labels, (label, i) =>
    label === argmax(yPred.data, i * classes, classes) ? 1 : 0,
  );
  return meanPerSample(matches, yPred.shape[0], yPred.dtype);
}

/**
 * What Keras's compile makes of the metric name 'accuracy' (or 'acc'), decided from the shapes of
 * each call: binary accuracy when yPred has one column (or is [batch]), sparse categorical accuracy
 * when yTrue has lower rank than yPred or one column against several, else categorical accuracy.
 *
 * @example
 * ```ts
 * accuracyForShapes(tensor([[1], [0]]), tensor([[0.7], [0.6]])).toArray(); // binary: [1, 0]
 * accuracyForShapes(tensor([2, 0]), tensor([[0, 0, 1], [0, 1, 0]])).toArray(); // sparse: [1, 0]
 * ```
 */
export function accuracyForShapes(yTrue: Tensor, yPred: Tensor): Tensor {
  checkTensors('accuracy', yTrue, yPred);
  const predLast = yPred.rank <= 1 ? 1 : yPred.shape[yPred.rank - 1];
  const trueLast = yTrue.rank === 0 ? 1 : yTrue.shape[yTrue.rank - 1];
  if (predLast === 1) return binaryAccuracy(yTrue, yPred);
  if (yTrue.rank < yPred.rank || (trueLast === 1 && predLast > 1))
    return sparseCategoricalAccuracy(yTrue, yPred);
  return categoricalAccuracy(yTrue, yPred);
}
