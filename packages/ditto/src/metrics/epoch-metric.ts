/**
 * What fit and evaluate keep per compiled metric over an epoch: the running mean of a per-sample
 * metric ({@link MeanAccumulator}, Keras's MeanMetricWrapper), or a fresh stateful metric (AUC,
 * Precision, Recall) fed every batch.
 */
import { noGrad } from '../tensor/autograd.js';
import type { Tensor } from '../tensor/tensor.js';
import { MeanAccumulator } from './mean-accumulator.js';

/** A metric with Keras's `update_state` / `result` / `reset_state` and one number as result. */
export interface StatefulMetric {
  readonly name: string;
  updateState(yTrue: Tensor, yPred: Tensor): void;
  result(): number | number[];
  resetState(): void;
}

/** One epoch's accumulation of a compiled metric. */
export interface EpochMetric {
  update(yTrue: Tensor, yPred: Tensor): void;
  result(): number;
}

/**
 * The accumulator of one epoch for a resolved metric: `create` (a stateful metric) when it has
 * one, else the mean of `fn`'s per-sample values.
 */
export function epochMetric(metric: {
  readonly name: string;
  readonly fn: (yTrue: Tensor, yPred: Tensor) => Tensor;
  readonly create?: () => StatefulMetric;
}): EpochMetric {
  if (metric.create) {
    const state = metric.create();
    return {
      update: (yTrue, yPred) => state.updateState(yTrue, yPred),
      result: () => {
        const value = state.result();
        if (typeof value !== 'number') {
          throw new TypeError(
            `metric '${metric.name}': a compiled metric must give one number, got ${value.length}`,
          );
        }
        return value;
      },
    };
  }
  const mean = new MeanAccumulator();
  return {
    update: (yTrue, yPred) => mean.update(noGrad(() => metric.fn(yTrue, yPred)).data),
    result: () => mean.result(),
  };
}
