/**
 * Bringing targets and predictions to one shape, and reducing an elementwise loss to one value per
 * sample, as Keras 3's loss wrapper does (keras/src/losses/loss.py).
 */
import { mean, reshape } from '../tensor/ops/index.js';
import { formatShape, ShapeError, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** Throws a TypeError unless both arguments are tensors. */
export function checkTensors(op: string, yTrue: unknown, yPred: unknown): void {
  for (const [name, value] of [
    ['yTrue', yTrue],
    ['yPred', yPred],
  ] as const) {
    if (!(value instanceof Tensor)) {
      throw new TypeError(`${op}: ${name} must be a Tensor, got ${value === null ? 'null' : typeof value}`);
    }
  }
}

/**
 * yTrue in yPred's dtype, as Keras's `convert_to_tensor(y_true, dtype=y_pred.dtype)`. A converted
 * copy carries no gradient history (targets are data, not parameters).
 */
export function castLike(yTrue: Tensor, yPred: Tensor): Tensor {
  if (yTrue.dtype === yPred.dtype) return yTrue;
  const data = yPred.dtype === 'float32' ? Float32Array.from(yTrue.data) : Float64Array.from(yTrue.data);
  return new Tensor(data, yTrue.shape);
}

function dropLastAxis(x: Tensor): Tensor {
  return reshape(x, x.shape.slice(0, -1));
}

function addLastAxis(x: Tensor): Tensor {
  return reshape(x, [...x.shape, 1]);
}

/**
 * Keras's `squeeze_or_expand_to_same_rank`: when the ranks differ by exactly one and the longer
 * shape ends in 1, a rank-1 partner gains a trailing axis of 1, otherwise the longer one loses its
 * trailing 1. So targets [batch] meet predictions [batch, 1].
 */
export function squeezeOrExpandToSameRank(a: Tensor, b: Tensor): [Tensor, Tensor] {
  if (a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1) {
    return b.rank === 1 ? [a, addLastAxis(b)] : [dropLastAxis(a), b];
  }
  if (b.rank === a.rank + 1 && b.shape[b.rank - 1] === 1) {
    return a.rank === 1 ? [addLastAxis(a), b] : [a, dropLastAxis(b)];
  }
  return [a, b];
}

/**
 * yTrue and yPred as two tensors of one shape [batch, …, d] for an elementwise loss: yTrue cast to
 * yPred's dtype, ranks aligned as Keras aligns them, and a rank-1 pair read as a batch of scalars
 * ([batch] → [batch, 1]), so every loss returns one value per sample.
 */
export function alignTargets(op: string, yTrue: Tensor, yPred: Tensor): [Tensor, Tensor] {
  checkTensors(op, yTrue, yPred);
  const [t, p] = squeezeOrExpandToSameRank(castLike(yTrue, yPred), yPred);
  if (!sameShape(t.shape, p.shape)) {
    throw new ShapeError(
      `${op}: yTrue of shape ${formatShape(yTrue.shape)} does not match yPred of shape ${formatShape(yPred.shape)}`,
    );
  }
  if (p.rank === 0) throw new ShapeError(`${op}: needs a batch dimension, got scalars`);
  if (p.rank === 1) return [addLastAxis(t), addLastAxis(p)];
  return [t, p];
}

/**
 * One value per sample from values of shape [batch, …]: the mean over every axis after the first
 * (nothing to do for [batch]). Keras returns [batch, …] and divides the sum by the element count
 * ('sum_over_batch_size'); averaging per sample first gives the same mean over the batch.
 */
export function perSample(values: Tensor): Tensor {
  if (values.rank === 0) throw new ShapeError('loss: per-sample values need a batch dimension');
  if (values.rank === 1) return values;
  return mean(
    values,
    values.shape.slice(1).map((_, i) => i + 1),
  );
}
