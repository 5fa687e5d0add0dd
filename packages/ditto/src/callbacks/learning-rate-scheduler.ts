/** Keras's LearningRateScheduler: the learning rate of each epoch from a function of the epoch. */
import { checkFunction, checkOneOf, checkOptions, optionNames } from '../validate/index.js';
import type { Callback, Logs, TrainingModel } from './callback.js';
import { rateOptimizer } from './learning-rate-access.js';
import { getProgressDisplay } from './progress-display.js';

/** Options of {@link LearningRateScheduler}. */
export interface LearningRateSchedulerOptions {
  /** 1 prints each change (default 0). */
  verbose?: 0 | 1;
}

const OPTIONS = optionNames<LearningRateSchedulerOptions>({ verbose: true });

/**
 * Sets the optimizer's learning rate at the start of every epoch to `schedule(epoch, currentRate)`,
 * and reports it as `learning_rate` in the epoch's logs (so in History), as Keras 3 does.
 *
 * @throws TypeError at the epoch's start if the schedule returns something other than a finite number.
 * @example
 * ```ts
 * const halveAfter10 = new LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * 0.5));
 * await model.fit(x, y, { epochs: 20, callbacks: [halveAfter10] });
 * ```
 */
export class LearningRateScheduler implements Callback {
  readonly schedule: (epoch: number, learningRate: number) => number;
  readonly verbose: 0 | 1;
  private model: TrainingModel | undefined;

  constructor(
    schedule: (epoch: number, learningRate: number) => number,
    options: LearningRateSchedulerOptions = {},
  ) {
    checkFunction('LearningRateScheduler', 'schedule', schedule);
    checkOptions('LearningRateScheduler', options, OPTIONS);
    if (options.verbose !== undefined)
      checkOneOf('LearningRateScheduler', 'verbose', options.verbose, [0, 1]);
    this.schedule = schedule;
    this.verbose = options.verbose ?? 0;
  }

  setModel(model: TrainingModel): void {
    this.model = model;
  }

  onEpochBegin(epoch: number): void {
    const optimizer = rateOptimizer('LearningRateScheduler', this.model);
    const rate = this.schedule(epoch, optimizer.learningRate);
    if (typeof rate !== 'number' || !Number.isFinite(rate)) {
      throw new TypeError(
        `LearningRateScheduler: the schedule must return a finite number, got ${String(rate)} at epoch ${epoch}`,
      );
    }
    optimizer.learningRate = rate;
    if (this.verbose > 0) {
      getProgressDisplay().line(
        `Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${rate}.`,
      );
    }
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    logs.learning_rate = rateOptimizer('LearningRateScheduler', this.model).learningRate;
  }
}
