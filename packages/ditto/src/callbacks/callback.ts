/** Training callbacks, as Keras's: hooks `fit` calls at the start and end of training, epochs and batches. */

/** Numbers `fit` reports: 'loss', metric names, and 'val_'-prefixed validation values. */
export type Logs = Record<string, number>;

/** What a callback may do to the model it watches. */
export interface TrainingModel {
  /** Set to true to end `fit` after the current epoch (batch, for batch hooks). */
  stopTraining: boolean;
  getWeights(): Float32Array[] | Array<Float32Array | Float64Array>;
  setWeights(weights: ReadonlyArray<ArrayLike<number>>): void;
}

/**
 * A training callback. Implement any subset of the hooks; a hook may return a promise, which `fit`
 * awaits.
 *
 * @example
 * ```ts
 * const printEvery10: Callback = {
 *   onEpochEnd(epoch, logs) { if (epoch % 10 === 0) console.log(epoch, logs.loss); },
 * };
 * await model.fit(x, y, { epochs: 100, callbacks: [printEvery10] });
 * ```
 */
export interface Callback {
  /** Called by `fit` before training, with the model being trained. */
  setModel?(model: TrainingModel): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}
