/** Keras's AUC: the area under the ROC or precision–recall curve, from counts at fixed thresholds. */
import { log } from '../numeric/elementary.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkOneOf, checkOptions, checkPositiveInteger, optionNames } from '../validate/index.js';
import { ConfusionAccumulator, divideNoNan } from './confusion.js';

/** Options of {@link AUC} (Keras's arguments in camelCase). */
export interface AUCOptions {
  /** Thresholds, evenly spaced over [0, 1] with the ends just outside it (default 200, at least 2). */
  numThresholds?: number;
  /** 'ROC' (default) or 'PR'. */
  curve?: 'ROC' | 'PR';
  /** 'interpolation' (default), 'minoring' or 'majoring'. */
  summationMethod?: 'interpolation' | 'minoring' | 'majoring';
}

const OPTIONS = optionNames<AUCOptions>({ numThresholds: true, curve: true, summationMethod: true });

/** Keras's fuzz factor: the outer thresholds sit at −ε and 1 + ε. */
const EPSILON = 1e-7;

const fr = Math.fround;

/**
 * Keras's AUC with its thresholded form: counts at `numThresholds` thresholds
 * [−ε, 1/(n−1), 2/(n−1), …, (n−2)/(n−1), 1 + ε] accumulated over batches, then a Riemann sum over
 * the curve (x = false-positive rate and y = recall for ROC; recall and precision for PR), with
 * heights the mean of neighbouring points ('interpolation'; for PR, Davis & Goadrich's
 * interpolation as Keras's `interpolate_pr_auc`), their minimum or their maximum. Every operation
 * in float32; sums in ascending threshold order.
 *
 * @example
 * ```ts
 * const auc = new AUC({ numThresholds: 3 });
 * auc.updateState(tensor([0, 0, 1, 1]), tensor([0, 0.5, 0.3, 0.9]));
 * auc.result(); // 0.75
 * ```
 */
export class AUC {
  readonly name = 'auc';
  readonly numThresholds: number;
  readonly curve: 'ROC' | 'PR';
  readonly summationMethod: 'interpolation' | 'minoring' | 'majoring';
  private readonly counts: ConfusionAccumulator;

  constructor(options: AUCOptions = {}) {
    checkOptions('AUC', options, OPTIONS);
    const n = options.numThresholds ?? 200;
    checkPositiveInteger('AUC', 'numThresholds', n);
    if (n < 2) throw new RangeError(`AUC: numThresholds must be at least 2, got ${n}`);
    if (options.curve !== undefined) checkOneOf('AUC', 'curve', options.curve, ['ROC', 'PR']);
    if (options.summationMethod !== undefined) {
      checkOneOf('AUC', 'summationMethod', options.summationMethod, [
        'interpolation',
        'minoring',
        'majoring',
      ]);
    }
    this.numThresholds = n;
    this.curve = options.curve ?? 'ROC';
    this.summationMethod = options.summationMethod ?? 'interpolation';
    const inner = Array.from({ length: n - 2 }, (_, i) => ((i + 1) * 1.0) / (n - 1));
    this.counts = new ConfusionAccumulator('AUC', [0 - EPSILON, ...inner, 1 + EPSILON]);
  }

  /** The thresholds, as float32 values. */
  get thresholds(): Float32Array {
    return this.counts.thresholds;
  }

  /** Adds a batch: targets (non-zero is positive) and predictions in [0, 1], of one size. */
  updateState(yTrue: Tensor, yPred: Tensor): void {
    this.counts.update(yTrue, yPred);
  }

  /** The area over every batch since the last reset. */
  result(): number {
    const { truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn } = this.counts;
    const n = this.numThresholds;
    if (this.curve === 'PR' && this.summationMethod === 'interpolation') return this.interpolatePrAuc();
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const recall = divideNoNan(tp[i], fr(tp[i] + fn[i]));
      if (this.curve === 'ROC') {
        x[i] = divideNoNan(fp[i], fr(fp[i] + tn[i]));
        y[i] = recall;
      } else {
        x[i] = recall;
        y[i] = divideNoNan(tp[i], fr(tp[i] + fp[i]));
      }
    }
    let sum = 0;
    for (let i = 0; i < n - 1; i++) {
      const height =
        this.summationMethod === 'interpolation'
          ? fr(fr(y[i] + y[i + 1]) / 2)
          : this.summationMethod === 'minoring'
            ? Math.min(y[i], y[i + 1])
            : Math.max(y[i], y[i + 1]);
      sum = fr(sum + fr(fr(x[i] - x[i + 1]) * height));
    }
    return sum;
  }

  /** Keras's `interpolate_pr_auc` (Davis & Goadrich 2006), in float32 with ditto's log. */
  private interpolatePrAuc(): number {
    const { truePositives: tp, falsePositives: fp, falseNegatives: fn } = this.counts;
    let sum = 0;
    for (let i = 0; i < this.numThresholds - 1; i++) {
      const dtp = fr(tp[i] - tp[i + 1]);
      const p0 = fr(tp[i] + fp[i]);
      const p1 = fr(tp[i + 1] + fp[i + 1]);
      const dp = fr(p0 - p1);
      const slope = divideNoNan(dtp, Math.max(dp, 0));
      const intercept = fr(tp[i + 1] - fr(slope * p1));
      const ratio = p0 > 0 && p1 > 0 ? divideNoNan(p0, Math.max(p1, 0)) : 1;
      const numerator = fr(slope * fr(dtp + fr(intercept * fr(log(ratio)))));
      sum = fr(sum + divideNoNan(numerator, Math.max(fr(tp[i + 1] + fn[i + 1]), 0)));
    }
    return sum;
  }

  resetState(): void {
    this.counts.reset();
  }
}
