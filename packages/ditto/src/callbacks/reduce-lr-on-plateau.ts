/** Keras's ReduceLROnPlateau. */
import {
  checkFiniteNumber,
  checkNonEmptyString,
  checkNonNegativeInteger,
  checkOneOf,
  checkOptions,
  optionNames,
} from '../validate/index.js';
import type { Callback, Logs, TrainingModel } from './callback.js';
import { rateOptimizer } from './learning-rate-access.js';
import { getProgressDisplay } from './progress-display.js';

/** Options of {@link ReduceLROnPlateau} (Keras's arguments in camelCase, Keras's defaults). */
export interface ReduceLROnPlateauOptions {
  /** The log to watch (default 'val_loss'). */
  monitor?: string;
  /** The rate is multiplied by this, in (0, 1) (default 0.1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  /** 1 prints each reduction (default 0). */
  verbose?: 0 | 1;
  /** 'min', 'max', or 'auto' (max for names containing 'acc', else min) — default 'auto'. */
  mode?: 'auto' | 'min' | 'max';
  /** The smallest change that counts as an improvement (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** The rate is never reduced below this (default 0). */
  minLr?: number;
}

const OPTIONS = optionNames<ReduceLROnPlateauOptions>({
  monitor: true,
  factor: true,
  patience: true,
  verbose: true,
  mode: true,
  minDelta: true,
  cooldown: true,
  minLr: true,
});

/**
 * Multiplies the optimizer's learning rate by `factor` when the monitored value has not improved
 * (by more than `minDelta`) for `patience` epochs, then waits `cooldown` epochs, never going below
 * `minLr` — Keras 3's algorithm step for step, with the rate read as float32 as Keras reads its
 * variable. Each epoch's logs (so History) get `learning_rate`, the rate of that epoch.
 *
 * @throws Error at an epoch's end when the monitored value is not in the logs (naming those that are).
 * @example
 * ```ts
 * const plateau = new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 3, minLr: 1e-5 });
 * await model.fit(x, y, { epochs: 100, validationSplit: 0.2, callbacks: [plateau] });
 * ```
 */
export class ReduceLROnPlateau implements Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: 0 | 1;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  private readonly lowerIsBetter: boolean;
  private model: TrainingModel | undefined;
  private best = Number.POSITIVE_INFINITY;
  private wait = 0;
  private cooldownCounter = 0;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    const where = 'ReduceLROnPlateau';
    checkOptions(where, options, OPTIONS);
    const o = options;
    if (o.monitor !== undefined) checkNonEmptyString(where, 'monitor', o.monitor);
    for (const name of ['factor', 'minDelta', 'minLr'] as const) {
      if (o[name] !== undefined) checkFiniteNumber(where, name, o[name]);
    }
    for (const name of ['patience', 'cooldown'] as const) {
      if (o[name] !== undefined) checkNonNegativeInteger(where, name, o[name]);
    }
    if (o.verbose !== undefined) checkOneOf(where, 'verbose', o.verbose, [0, 1]);
    if (o.mode !== undefined) checkOneOf(where, 'mode', o.mode, ['auto', 'min', 'max']);
    this.monitor = o.monitor ?? 'val_loss';
    this.factor = o.factor ?? 0.1;
    if (!(this.factor > 0 && this.factor < 1)) {
      throw new RangeError(`${where}: factor must be in (0, 1), got ${this.factor}`);
    }
    if ((o.minLr ?? 0) < 0) throw new RangeError(`${where}: minLr must be >= 0, got ${o.minLr}`);
    this.patience = o.patience ?? 10;
    this.verbose = o.verbose ?? 0;
    this.minDelta = o.minDelta ?? 1e-4;
    this.cooldown = o.cooldown ?? 0;
    this.minLr = o.minLr ?? 0;
    const mode = o.mode ?? 'auto';
    this.lowerIsBetter = mode === 'min' || (mode === 'auto' && !this.monitor.includes('acc'));
  }

  setModel(model: TrainingModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.best = this.lowerIsBetter ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const optimizer = rateOptimizer('ReduceLROnPlateau', this.model);
    logs.learning_rate = Math.fround(optimizer.learningRate);
    const current = logs[this.monitor];
    if (current === undefined) {
      throw new Error(
        `ReduceLROnPlateau: the monitored value '${this.monitor}' is not in the logs; available: ${Object.keys(logs).join(', ')}`,
      );
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.improves(current)) {
      this.best = current;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0) return;
    this.wait++;
    if (this.wait < this.patience) return;
    const old = Math.fround(optimizer.learningRate);
    if (!(old > Math.fround(this.minLr))) return;
    const rate = Math.max(old * this.factor, this.minLr);
    optimizer.learningRate = rate;
    if (this.verbose > 0) {
      getProgressDisplay().line(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${rate}.`);
    }
    this.cooldownCounter = this.cooldown;
    this.wait = 0;
  }

  private improves(current: number): boolean {
    return this.lowerIsBetter ? current < this.best - this.minDelta : current > this.best + this.minDelta;
  }
}
