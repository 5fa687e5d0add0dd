import type { Callback, Logs, TrainingModel } from './callback.js';

/**
 * Stops training as soon as a batch's loss is NaN or infinite, as Keras's TerminateOnNaN.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { callbacks: [new TerminateOnNaN()] });
 * ```
 */
export class TerminateOnNaN implements Callback {
  private model: TrainingModel | undefined;
  /** The batch at which training was stopped, if it was. */
  stoppedAtBatch: number | undefined;

  setModel(model: TrainingModel): void {
    this.model = model;
  }

  onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss) && this.model) {
      this.stoppedAtBatch = batch;
      this.model.stopTraining = true;
    }
  }
}
