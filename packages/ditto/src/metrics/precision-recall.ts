/** Keras's Precision and Recall: stateful metrics over thresholded predictions. */
import type { Tensor } from '../tensor/tensor.js';
import { checkOptions, optionNames } from '../validate/index.js';
import { ConfusionAccumulator, divideNoNan } from './confusion.js';

/** Options of {@link Precision} and {@link Recall}. */
export interface ThresholdOptions {
  /** One threshold in [0, 1] or several (default 0.5); with several, `result()` gives one value each. */
  thresholds?: number | readonly number[];
}

const OPTIONS = optionNames<ThresholdOptions>({ thresholds: true });

function thresholdList(owner: string, options: ThresholdOptions): number[] {
  checkOptions(owner, options, OPTIONS);
  const given = options.thresholds ?? 0.5;
  const list = typeof given === 'number' ? [given] : Array.isArray(given) ? [...given] : undefined;
  if (list === undefined || list.length === 0) {
    throw new TypeError(`${owner}: thresholds must be a number or a non-empty array of numbers`);
  }
  list.forEach((t, i) => {
    if (typeof t !== 'number' || !(t >= 0 && t <= 1)) {
      throw new RangeError(`${owner}: thresholds[${i}] must be in [0, 1], got ${String(t)}`);
    }
  });
  return list;
}

/** What Precision and Recall share: Keras's `update_state` / `result` / `reset_state`. */
abstract class ThresholdMetric {
  abstract readonly name: string;
  protected readonly counts: ConfusionAccumulator;
  private readonly single: boolean;

  protected constructor(owner: string, options: ThresholdOptions) {
    this.counts = new ConfusionAccumulator(owner, thresholdList(owner, options));
    this.single = typeof (options.thresholds ?? 0.5) === 'number';
  }

  /** Adds a batch: targets (non-zero is positive) and predictions in [0, 1], of one size. */
  updateState(yTrue: Tensor, yPred: Tensor): void {
    this.counts.update(yTrue, yPred);
  }

  /** The value over every batch since the last reset (one per threshold when several were given). */
  result(): number | number[] {
    const values = Array.from(this.counts.thresholds, (_, k) => this.valueAt(k));
    return this.single ? values[0] : values;
  }

  resetState(): void {
    this.counts.reset();
  }

  protected abstract valueAt(k: number): number;
}

/**
 * Keras's Precision: TP / (TP + FP) over all batches, a prediction above the threshold (default
 * 0.5) being positive; 0 before any positive prediction.
 *
 * @example
 * ```ts
 * const precision = new Precision();
 * precision.updateState(tensor([0, 1, 1, 1]), tensor([1, 0, 1, 1]));
 * precision.result(); // 2/3 ≈ 0.6667
 * ```
 */
export class Precision extends ThresholdMetric {
  readonly name = 'precision';

  constructor(options: ThresholdOptions = {}) {
    super('Precision', options);
  }

  protected valueAt(k: number): number {
    const tp = this.counts.truePositives[k];
    return divideNoNan(tp, Math.fround(tp + this.counts.falsePositives[k]));
  }
}

/**
 * Keras's Recall: TP / (TP + FN) over all batches, a prediction above the threshold (default 0.5)
 * being positive; 0 before any positive target.
 *
 * @example
 * ```ts
 * const recall = new Recall();
 * recall.updateState(tensor([0, 1, 1, 1]), tensor([1, 0, 1, 1]));
 * recall.result(); // 2/3 ≈ 0.6667
 * ```
 */
export class Recall extends ThresholdMetric {
  readonly name = 'recall';

  constructor(options: ThresholdOptions = {}) {
    super('Recall', options);
  }

  protected valueAt(k: number): number {
    const tp = this.counts.truePositives[k];
    return divideNoNan(tp, Math.fround(tp + this.counts.falseNegatives[k]));
  }
}
