/** Keras 3's F1Score (FBetaScore with β = 1): per-class or averaged F1 over batches. */
import { checkTensors } from '../losses/align.js';
import { formatShape, ShapeError } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkFiniteNumber, checkOneOf, checkOptions, optionNames } from '../validate/index.js';
import { checkSameShape } from './samplewise.js';

/** Options of {@link F1Score} (Keras 3's arguments). */
export interface F1ScoreOptions {
  /** undefined (one score per class, the default), 'micro', 'macro' or 'weighted'. */
  average?: 'micro' | 'macro' | 'weighted';
  /**
   * A prediction above it is positive. Without one (the default) each row's largest prediction is
   * the positive class (all of them if tied; none in a row of zeros).
   */
  threshold?: number;
}

const OPTIONS = optionNames<F1ScoreOptions>({ average: true, threshold: true });
const EPSILON = 1e-7;
const fr = Math.fround;

/**
 * Keras 3's F1Score on targets and predictions of shape [batch, classes]: true positives, false
 * positives, false negatives and target totals summed per class (or over everything for 'micro')
 * in float32 over batches; then precision = tp / (tp + fp + ε), recall = tp / (tp + fn + ε),
 * F1 = 2 · p·r / (p + r + ε), with ε = 1e-7 as Keras, averaged as asked.
 *
 * @example
 * ```ts
 * const f1 = new F1Score({ average: 'macro' });
 * f1.updateState(tensor([[1, 0], [0, 1]]), tensor([[0.9, 0.1], [0.6, 0.4]]));
 * f1.result(); // ≈ 0.3333 (class 0: p 0.5, r 1 → 0.667; class 1: 0)
 * ```
 */
export class F1Score {
  readonly name = 'f1_score';
  readonly average: 'micro' | 'macro' | 'weighted' | undefined;
  readonly threshold: number | undefined;
  private tp: Float32Array | undefined;
  private fp: Float32Array | undefined;
  private fn: Float32Array | undefined;
  private support: Float32Array | undefined;

  constructor(options: F1ScoreOptions = {}) {
    checkOptions('F1Score', options, OPTIONS);
    if (options.average !== undefined) {
      checkOneOf('F1Score', 'average', options.average, ['micro', 'macro', 'weighted']);
    }
    if (options.threshold !== undefined) {
      checkFiniteNumber('F1Score', 'threshold', options.threshold);
      if (!(options.threshold > 0 && options.threshold <= 1)) {
        throw new RangeError(`F1Score: threshold must be in (0, 1], got ${options.threshold}`);
      }
    }
    this.average = options.average;
    this.threshold = options.threshold;
  }

  /** Adds a batch of targets (0 or 1) and predictions, both [batch, classes]. */
  updateState(yTrue: Tensor, yPred: Tensor): void {
    checkTensors('F1Score', yTrue, yPred);
    if (yPred.rank !== 2) {
      throw new ShapeError(
        `F1Score: yPred must have shape [batch, classes], got ${formatShape(yPred.shape)}`,
      );
    }
    checkSameShape('F1Score', yTrue.shape, yPred.shape);
    const [batch, classes] = yPred.shape;
    const width = this.average === 'micro' ? 1 : classes;
    if (this.tp === undefined) {
      this.tp = new Float32Array(width);
      this.fp = new Float32Array(width);
      this.fn = new Float32Array(width);
      this.support = new Float32Array(width);
    } else if (this.tp.length !== width) {
      throw new ShapeError(`F1Score: yPred has ${classes} classes, earlier batches had ${this.tp.length}`);
    }
    const tp = new Float32Array(width);
    const fp = new Float32Array(width);
    const fn = new Float32Array(width);
    const support = new Float32Array(width);
    const p = yPred.data;
    const t = yTrue.data;
    for (let i = 0; i < batch; i++) {
      let rowMax = Number.NEGATIVE_INFINITY;
      if (this.threshold === undefined)
        for (let j = 0; j < classes; j++) rowMax = Math.max(rowMax, p[i * classes + j]);
      for (let j = 0; j < classes; j++) {
        const v = p[i * classes + j];
        const predicted =
          this.threshold === undefined ? v >= rowMax && Math.abs(v) > 1e-9 : v > fr(this.threshold);
        const y = fr(t[i * classes + j]);
        const pr = predicted ? 1 : 0;
        const c = width === 1 ? 0 : j;
        tp[c] = tp[c] + fr(pr * y);
        fp[c] = fp[c] + fr(pr * fr(1 - y));
        fn[c] = fn[c] + fr(fr(1 - pr) * y);
        support[c] = support[c] + y;
      }
    }
    for (let c = 0; c < width; c++) {
      this.tp[c] += tp[c];
      (this.fp as Float32Array)[c] += fp[c];
      (this.fn as Float32Array)[c] += fn[c];
      (this.support as Float32Array)[c] += support[c];
    }
  }

  /** One score per class, or their average (0 before any batch). */
  result(): number | number[] {
    const { tp, fp, fn, support } = this;
    if (tp === undefined || fp === undefined || fn === undefined || support === undefined) {
      return this.average === undefined ? [] : 0;
    }
    const scores = Array.from(tp, (_, c) => {
      const precision = fr(tp[c] / fr(fr(tp[c] + fp[c]) + EPSILON));
      const recall = fr(tp[c] / fr(fr(tp[c] + fn[c]) + EPSILON));
      const mean = fr(fr(precision * recall) / fr(fr(precision + recall) + EPSILON));
      return fr(mean * 2);
    });
    if (this.average === undefined) return scores;
    if (this.average === 'weighted') {
      let total = 0;
      for (const s of support) total = fr(total + s);
      let sum = 0;
      scores.forEach((s, c) => {
        sum = fr(sum + fr(s * fr(support[c] / fr(total + EPSILON))));
      });
      return sum;
    }
    let sum = 0;
    for (const s of scores) sum = fr(sum + s);
    return fr(sum / scores.length);
  }

  resetState(): void {
    this.tp = this.fp = this.fn = this.support = undefined;
  }
}
