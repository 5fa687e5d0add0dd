/**
 * Counts of true/false positives and negatives at fixed thresholds, accumulated over batches as
 * Keras's confusion-matrix metrics accumulate them (keras/src/metrics/metrics_utils.py): a
 * prediction counts as positive at a threshold when it is strictly above it, a target as positive
 * when it is non-zero; counts are float32 sums (exact up to 2^24 samples), thresholds float32.
 */
import { checkTensors } from '../losses/align.js';
import type { Tensor } from '../tensor/tensor.js';

/** The four counts per threshold. */
export interface ConfusionCounts {
  readonly truePositives: Float32Array;
  readonly falsePositives: Float32Array;
  readonly trueNegatives: Float32Array;
  readonly falseNegatives: Float32Array;
}

/** Accumulates {@link ConfusionCounts} for a list of thresholds. */
export class ConfusionAccumulator implements ConfusionCounts {
  readonly thresholds: Float32Array;
  readonly truePositives: Float32Array;
  readonly falsePositives: Float32Array;
  readonly trueNegatives: Float32Array;
  readonly falseNegatives: Float32Array;

  constructor(
    private readonly owner: string,
    thresholds: readonly number[],
  ) {
    this.thresholds = Float32Array.from(thresholds);
    const n = thresholds.length;
    this.truePositives = new Float32Array(n);
    this.falsePositives = new Float32Array(n);
    this.trueNegatives = new Float32Array(n);
    this.falseNegatives = new Float32Array(n);
  }

  /**
   * Adds one batch: yTrue and yPred of one size (any shapes, read flat), predictions in [0, 1].
   * Each count grows by the batch's count, added once (Keras adds the batch's reduced sum).
   */
  update(yTrue: Tensor, yPred: Tensor): void {
    checkTensors(this.owner, yTrue, yPred);
    if (yTrue.size !== yPred.size) {
      throw new RangeError(
        `${this.owner}: yTrue has ${yTrue.size} values and yPred ${yPred.size}; they must match`,
      );
    }
    const t = yTrue.data;
    const p = yPred.data;
    for (let i = 0; i < p.length; i++) {
      if (!(p[i] >= 0 && p[i] <= 1)) {
        throw new RangeError(`${this.owner}: predictions must be in [0, 1]; yPred[${i}] is ${p[i]}`);
      }
    }
    const fr = Math.fround;
    this.thresholds.forEach((threshold, k) => {
      let tp = 0;
      let fp = 0;
      let tn = 0;
      let fn = 0;
      for (let i = 0; i < p.length; i++) {
        const positive = fr(p[i]) > threshold;
        if (t[i] !== 0) positive ? tp++ : fn++;
        else positive ? fp++ : tn++;
      }
      this.truePositives[k] += tp;
      this.falsePositives[k] += fp;
      this.trueNegatives[k] += tn;
      this.falseNegatives[k] += fn;
    });
  }

  /** Back to zero counts (Keras's `reset_state`). */
  reset(): void {
    for (const counts of [this.truePositives, this.falsePositives, this.trueNegatives, this.falseNegatives]) {
      counts.fill(0);
    }
  }
}

/** a / b in float32, 0 where b is 0 (Keras's `divide_no_nan`). */
export function divideNoNan(a: number, b: number): number {
  return b === 0 ? 0 : Math.fround(a / b);
}
