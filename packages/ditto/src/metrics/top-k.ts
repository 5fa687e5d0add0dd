/**
 * Keras's top-k accuracies: 1 per sample when the target class is among the k highest
 * predictions, else 0 — with TensorFlow's `in_top_k` tie rule: the class counts as in the top k
 * when fewer than k classes score strictly higher (so ties at the boundary are all in).
 */
import { checkTensors } from '../losses/align.js';
import type { FloatArray } from '../tensor/dtype.js';
import { formatShape, ShapeError } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkOptions, checkPositiveInteger, optionNames } from '../validate/index.js';
import { argmax, checkSameShape, meanPerSample } from './samplewise.js';

/** Options of the top-k accuracies. */
export interface TopKOptions {
  /** How many of the highest predictions count (default 5, as Keras). */
  k?: number;
}

const OPTIONS = optionNames<TopKOptions>({ k: true });

function checkK(op: string, options: TopKOptions): number {
  checkOptions(op, options, OPTIONS);
  const k = options.k ?? 5;
  checkPositiveInteger(op, 'k', k);
  return k;
}

function classesOf(op: string, yPred: Tensor): number {
  if (yPred.rank !== 2) {
    throw new ShapeError(`${op}: yPred must have shape [batch, classes], got ${formatShape(yPred.shape)}`);
  }
  return yPred.shape[1];
}

/** 1 when fewer than k of the row's values are strictly above the target's (a NaN target: 0). */
function inTopK(pred: FloatArray, offset: number, classes: number, target: number, k: number): number {
  if (!(target >= 0 && target < classes && Number.isInteger(target))) return 0;
  const value = pred[offset + target];
  if (!Number.isFinite(value)) return 0;
  let above = 0;
  for (let j = 0; j < classes; j++) if (pred[offset + j] > value) above++;
  return above < k ? 1 : 0;
}

/**
 * Keras's `top_k_categorical_accuracy`: one-hot targets [batch, classes] (the class is their
 * argmax) against predictions of that shape.
 *
 * @example
 * ```ts
 * topKCategoricalAccuracy(tensor([[0, 0, 1], [0, 1, 0]]), tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]), { k: 1 }).toArray(); // [0, 1]
 * ```
 */
export function topKCategoricalAccuracy(yTrue: Tensor, yPred: Tensor, options: TopKOptions = {}): Tensor {
  const op = 'topKCategoricalAccuracy';
  const k = checkK(op, options);
  checkTensors(op, yTrue, yPred);
  const classes = classesOf(op, yPred);
  checkSameShape(op, yTrue.shape, yPred.shape);
  const batch = yPred.shape[0];
  const hits = Array.from({ length: batch }, (_, i) =>
    inTopK(yPred.data, i * classes, classes, argmax(yTrue.data, i * classes, classes), k),
  );
  return meanPerSample(hits, batch, yPred.dtype);
}

/**
 * Keras's `sparse_top_k_categorical_accuracy`: integer labels [batch] or [batch, 1] against
 * predictions [batch, classes]; a label that is not a class index never counts.
 *
 * @example
 * ```ts
 * sparseTopKCategoricalAccuracy(tensor([2, 1]), tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]), { k: 2 }).toArray(); // [1, 1]
 * ```
 */
export function sparseTopKCategoricalAccuracy(
  yTrue: Tensor,
  yPred: Tensor,
  options: TopKOptions = {},
): Tensor {
  const op = 'sparseTopKCategoricalAccuracy';
  const k = checkK(op, options);
  checkTensors(op, yTrue, yPred);
  const classes = classesOf(op, yPred);
  const labelShape = yTrue.rank === 2 && yTrue.shape[1] === 1 ? [yTrue.shape[0]] : yTrue.shape;
  checkSameShape(op, labelShape, [yPred.shape[0]], 'labels (without the trailing 1)');
  const batch = yPred.shape[0];
  const hits = Array.from({ length: batch }, (_, i) =>
    inTopK(yPred.data, i * classes, classes, yTrue.data[i], k),
  );
  return meanPerSample(hits, batch, yPred.dtype);
}
