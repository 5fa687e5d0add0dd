/**
 * Where training is: which fit, epoch and batch is running. The audit tools follow every `fit`
 * through `Model.auditCallbacks` (the model's audit hook), so a call the guard sees can be placed
 * in training ("first seen at epoch 3, batch 0").
 *
 * @module
 */

import type { Callback } from '../callbacks/callback.js';
import { Model } from '../models/model.js';

/** A moment of a run, relative to its training. Counters are 0-based, as Keras's callbacks count. */
export interface TrainingPosition {
  /** Before the first fit, inside a fit, or after a fit ended. */
  readonly phase: 'before-training' | 'training' | 'after-training';
  /** Which fit of the run (0 for the first); absent before training. */
  readonly fit?: number;
  readonly epoch?: number;
  /** The batch within the epoch. */
  readonly batch?: number;
  /** Gradient steps counted across all fits of the run (0 for the first). */
  readonly step?: number;
}

/**
 * Reads like "epoch 3, batch 0 (step 3)", "before training", "after training" (the fit's number is
 * added from the second fit on).
 */
export function formatPosition(position: TrainingPosition): string {
  const fit = position.fit !== undefined && position.fit > 0 ? `fit ${position.fit}, ` : '';
  switch (position.phase) {
    case 'before-training':
      return 'before training';
    case 'after-training':
      return position.fit ? `after fit ${position.fit}` : 'after training';
    default:
      if (position.batch === undefined) return `${fit}epoch ${position.epoch}, before its first batch`;
      return `${fit}epoch ${position.epoch}, batch ${position.batch} (step ${position.step})`;
  }
}

/**
 * Follows every `fit` while attached: a callback in `Model.auditCallbacks` that keeps the
 * current {@link TrainingPosition}.
 */
export class PositionTracker {
  #position: TrainingPosition = { phase: 'before-training' };
  #fits = 0;
  #steps = 0;
  #fit = -1;
  #epoch = 0;
  readonly #callback: Callback = {
    onTrainBegin: () => {
      this.#fit = this.#fits++;
      this.#position = { phase: 'training', fit: this.#fit };
    },
    onEpochBegin: (epoch) => {
      this.#epoch = epoch;
      this.#position = { phase: 'training', fit: this.#fit, epoch };
    },
    onBatchBegin: (batch) => {
      this.#position = { phase: 'training', fit: this.#fit, epoch: this.#epoch, batch, step: this.#steps++ };
    },
    onTrainEnd: () => {
      this.#position = { phase: 'after-training', fit: this.#fit };
    },
  };

  /** The current position. */
  get position(): TrainingPosition {
    return this.#position;
  }

  /** Starts following fits. */
  attach(): void {
    Model.auditCallbacks.add(this.#callback);
  }

  /** Stops following fits. */
  detach(): void {
    Model.auditCallbacks.delete(this.#callback);
  }
}
