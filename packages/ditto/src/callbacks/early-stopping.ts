import {
  checkBoolean,
  checkFiniteNumber,
  checkNonEmptyString,
  checkNonNegativeInteger,
  checkOneOf,
  checkOptions,
  optionNames,
} from '../validate/index.js';
import type { Callback, Logs, TrainingModel } from './callback.js';

export interface EarlyStoppingOptions {
  /** The log to watch (default 'val_loss'). */
  monitor?: string;
  /** The smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** 'min', 'max', or 'auto' (max for names containing 'acc', else min) — default 'auto'. */
  mode?: 'auto' | 'min' | 'max';
  /** Training stops unless the monitored value beats this baseline. */
  baseline?: number;
  /** Restore the weights of the best epoch when training ends (default false). */
  restoreBestWeights?: boolean;
  /** Epochs to wait before starting to monitor (default 0). */
  startFromEpoch?: number;
}

const EARLY_STOPPING_OPTIONS = optionNames<EarlyStoppingOptions>({
  monitor: true,
  minDelta: true,
  patience: true,
  mode: true,
  baseline: true,
  restoreBestWeights: true,
  startFromEpoch: true,
});

/** The option types the constructor does not check where it reads them. */
function checkOptionTypes(options: EarlyStoppingOptions): void {
  const where = 'EarlyStopping';
  checkOptions(where, options, EARLY_STOPPING_OPTIONS);
  if (options.monitor !== undefined) checkNonEmptyString(where, 'monitor', options.monitor);
  if (options.minDelta !== undefined) checkFiniteNumber(where, 'minDelta', options.minDelta);
  if (options.patience !== undefined) checkNonNegativeInteger(where, 'patience', options.patience);
  if (options.mode !== undefined) checkOneOf(where, 'mode', options.mode, ['auto', 'min', 'max']);
  if (options.baseline !== undefined) checkFiniteNumber(where, 'baseline', options.baseline);
  if (options.restoreBestWeights !== undefined) {
    checkBoolean(where, 'restoreBestWeights', options.restoreBestWeights);
  }
  if (options.startFromEpoch !== undefined) {
    checkNonNegativeInteger(where, 'startFromEpoch', options.startFromEpoch);
  }
}

/**
 * Stops training when a monitored value stops improving, with Keras's semantics.
 *
 * @example
 * ```ts
 * await model.fit(x, y, {
 *   epochs: 1000, validationSplit: 0.2,
 *   callbacks: [new EarlyStopping({ monitor: 'val_loss', patience: 10, restoreBestWeights: true })],
 * });
 * ```
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  private readonly lowerIsBetter: boolean;
  private model: TrainingModel | undefined;
  private wait = 0;
  private best = Number.POSITIVE_INFINITY;
  private bestWeights: Array<ArrayLike<number>> | null = null;
  /** The epoch at which training was stopped (0 if it was not). */
  stoppedEpoch = 0;
  /** The epoch with the best monitored value. */
  bestEpoch = 0;

  constructor(options: EarlyStoppingOptions = {}) {
    checkOptionTypes(options);
    this.monitor = options.monitor ?? 'val_loss';
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.patience = options.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new RangeError(`EarlyStopping: patience must be a non-negative integer, got ${options.patience}`);
    }
    if (!Number.isFinite(this.minDelta))
      throw new RangeError(`EarlyStopping: minDelta must be finite, got ${options.minDelta}`);
    this.baseline = options.baseline;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.startFromEpoch = options.startFromEpoch ?? 0;
    const mode = options.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(mode))
      throw new Error(`EarlyStopping: mode must be auto, min or max, got '${mode}'`);
    this.lowerIsBetter = mode === 'min' || (mode === 'auto' && !this.monitor.includes('acc'));
  }

  setModel(model: TrainingModel): void {
    this.model = model;
  }

  private isImprovement(value: number, reference: number): boolean {
    return this.lowerIsBetter ? value + this.minDelta < reference : value - this.minDelta > reference;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestEpoch = 0;
    this.best = this.lowerIsBetter ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      throw new Error(
        `EarlyStopping: the monitored value '${this.monitor}' is not in the logs; available: ${Object.keys(logs).join(', ')}`,
      );
    }
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) this.bestWeights = this.copyWeights();
    this.wait++;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.copyWeights();
      if (this.baseline === undefined || this.isImprovement(current, this.baseline)) {
        this.wait = 0;
        return;
      }
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      if (this.model) this.model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestWeights && this.model) this.model.setWeights(this.bestWeights);
  }

  private copyWeights(): Array<ArrayLike<number>> {
    if (!this.model) throw new Error('EarlyStopping: used outside fit (no model)');
    return this.model.getWeights().map((w) => w.slice());
  }
}
