/**
 * The optimizer's learning rate as the learning-rate callbacks read and set it: the model `fit`
 * passes to `setModel` is the compiled model, whose optimizer must have a settable numeric rate.
 */
import type { TrainingModel } from './callback.js';

/** An optimizer whose learning rate can be read and set (every ditto optimizer without a schedule). */
export interface RateOptimizer {
  readonly name: string;
  learningRate: number;
}

/** The optimizer of the model a callback was given, checked to have a numeric learning rate. */
export function rateOptimizer(where: string, model: TrainingModel | undefined): RateOptimizer {
  if (model === undefined) throw new Error(`${where}: used outside fit (no model)`);
  const optimizer = (model as { optimizer?: unknown }).optimizer as Partial<RateOptimizer> | undefined;
  if (typeof optimizer !== 'object' || optimizer === null || typeof optimizer.learningRate !== 'number') {
    throw new TypeError(`${where}: the model's optimizer has no numeric learningRate to adjust`);
  }
  return optimizer as RateOptimizer;
}
