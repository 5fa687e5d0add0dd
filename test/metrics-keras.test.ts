/**
 * The Keras metrics added for issue 11: top-k accuracies against tfjs-layers; Precision and Recall
 * against tfjs-layers and float64 counts; AUC (ROC against the exact Mann–Whitney area, PR and the
 * minoring/majoring sums against float64 formulas written from keras/src/metrics/confusion_metrics.py);
 * F1Score against float64 counts; and every accumulating metric over batches bit-equal to one shot.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  AUC,
  F1Score,
  getMetric,
  Precision,
  Recall,
  sparseTopKCategoricalAccuracy,
  topKCategoricalAccuracy,
} from '../packages/ditto/src/metrics/index.js';
import { type Tensor, tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

const tfMetrics = await import('@tensorflow/tfjs-layers/dist/metrics.js');

const labels = (n: number, seed: number, p = 0.5) => testValues(n, seed, 0, 1).map((v) => (v < p ? 1 : 0));

/** The rows [from, to) of a flat [n, width] array as a tensor. */
const rowsOf = (values: number[], width: number, from: number, to: number): Tensor =>
  tensor(values.slice(from * width, to * width), width === 1 ? [to - from] : [to - from, width]);

describe('top-k categorical accuracy', () => {
  it("matches tfjs's inTopK (k = 5) on random inputs, one-hot and sparse", async () => {
    const batch = 40;
    const classes = 9;
    const p = testValues(batch * classes, 3, 0, 1);
    const cls = testValues(batch, 4, 0, classes).map(Math.floor);
    const oneHot = cls.flatMap((c) => Array.from({ length: classes }, (_, j) => (j === c ? 1 : 0)));
    const ours = topKCategoricalAccuracy(tensor(oneHot, [batch, classes]), tensor(p, [batch, classes]));
    const predictions = tf.tensor2d(p, [batch, classes]);
    const targets = tf.tensor1d(cls, 'int32');
    const theirs = await tf.inTopKAsync(predictions, targets, 5);
    expect(Array.from(ours.data)).toEqual(Array.from(theirs.dataSync(), Number));
    tf.dispose([predictions, targets, theirs]);
    expect(ours.data.some((v) => v === 0) && ours.data.some((v) => v === 1)).toBe(true);
    const sparse = sparseTopKCategoricalAccuracy(tensor(cls, [batch, 1]), tensor(p, [batch, classes]));
    expect(Array.from(sparse.data)).toEqual(Array.from(ours.data));
  });

  it('k, ties at the boundary (all in, as in_top_k), and labels that are not classes', () => {
    const p = tensor([0.1, 0.5, 0.5, 0.2, 0.3, 0.4, 0.2, 0.1, 0.6, 0.3, 0.1, 0.0], [3, 4]);
    expect(Array.from(sparseTopKCategoricalAccuracy(tensor([2, 0, 1]), p, { k: 1 }).data)).toEqual([1, 0, 0]);
    expect(Array.from(sparseTopKCategoricalAccuracy(tensor([2, 0, 1]), p, { k: 2 }).data)).toEqual([1, 1, 1]);
    expect(Array.from(sparseTopKCategoricalAccuracy(tensor([3, 7, 1.5]), p, { k: 3 }).data)).toEqual([
      1, 0, 0,
    ]);
    expect(() => topKCategoricalAccuracy(tensor([[1, 0]]), tensor([[1, 0]]), { k: 0 })).toThrow(/k must be/);
  });

  it('getMetric knows the Keras names', () => {
    expect(getMetric('top_k_categorical_accuracy').fn).toBe(topKCategoricalAccuracy);
    expect(getMetric('SparseTopKCategoricalAccuracy')).toEqual({
      name: 'SparseTopKCategoricalAccuracy',
      fn: sparseTopKCategoricalAccuracy,
    });
    expect(getMetric(topKCategoricalAccuracy).name).toBe('top_k_categorical_accuracy');
    expect(() => getMetric('top_k_categorical_acuracy')).toThrow(/top_k_categorical_accuracy/);
  });
});

describe('Precision and Recall', () => {
  const n = 300;
  const t = labels(n, 1, 0.4);
  // Predictions away from 0.5, where tfjs's round() and Keras's > 0.5 agree.
  const p = testValues(n, 2, 0, 1).map((v) => (Math.abs(v - 0.5) < 1e-3 ? 0.7 : v));

  it('match tfjs-layers and float64 counts', () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    t.forEach((y, i) => {
      const positive = p[i] > 0.5;
      if (y && positive) tp++;
      if (!y && positive) fp++;
      if (y && !positive) fn++;
    });
    const precision = new Precision();
    const recall = new Recall();
    precision.updateState(tensor(t), tensor(p));
    recall.updateState(tensor(t), tensor(p));
    expect(precision.result()).toBe(Math.fround(tp / (tp + fp)));
    expect(recall.result()).toBe(Math.fround(tp / (tp + fn)));
    // tfjs-layers' precision and recall take predictions already thresholded to 0 or 1.
    const binary = p.map((v) => (v > 0.5 ? 1 : 0));
    const tfPrecision = tf.tidy(() => tfMetrics.precision(tf.tensor1d(t), tf.tensor1d(binary)).dataSync()[0]);
    const tfRecall = tf.tidy(() => tfMetrics.recall(tf.tensor1d(t), tf.tensor1d(binary)).dataSync()[0]);
    expect(precision.result()).toBeCloseTo(tfPrecision, 6);
    expect(recall.result()).toBeCloseTo(tfRecall, 6);
  });

  it('accumulated over batches equal one shot, bit for bit; several thresholds; reset', () => {
    for (const Metric of [Precision, Recall]) {
      const whole = new Metric({ thresholds: [0.2, 0.5, 0.9] });
      whole.updateState(tensor(t), tensor(p));
      const batched = new Metric({ thresholds: [0.2, 0.5, 0.9] });
      for (let from = 0; from < n; from += 37)
        batched.updateState(
          rowsOf(t, 1, from, Math.min(n, from + 37)),
          rowsOf(p, 1, from, Math.min(n, from + 37)),
        );
      expect(batched.result()).toEqual(whole.result());
      expect((whole.result() as number[]).length).toBe(3);
      batched.resetState();
      expect(batched.result()).toEqual([0, 0, 0]);
    }
  });

  it('refuses predictions outside [0, 1] and bad thresholds, naming them', () => {
    expect(() => new Precision().updateState(tensor([1, 0]), tensor([0.5, 1.5]))).toThrow(
      /yPred\[1\] is 1\.5/,
    );
    expect(() => new Recall({ thresholds: [0.5, 2] })).toThrow(/thresholds\[1\] must be in \[0, 1\], got 2/);
    expect(() => new Recall({ threshold: 0.5 } as never)).toThrow(/unknown option "threshold".*thresholds/);
  });
});

/** Counts at thresholds in float64 (the thresholds themselves as Keras makes them, in float32). */
function counts(t: number[], p: number[], thresholds: number[]) {
  return thresholds.map((th) => {
    const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
    t.forEach((y, i) => {
      const pos = p[i] > th;
      if (y) pos ? c.tp++ : c.fn++;
      else pos ? c.fp++ : c.tn++;
    });
    return c;
  });
}

const kerasThresholds = (n: number) =>
  [0 - 1e-7, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1 + 1e-7].map(Math.fround);
const safe = (a: number, b: number) => (b === 0 ? 0 : a / b);

describe('AUC', () => {
  const n = 500;
  const t = labels(n, 5, 0.3);
  // Scores related to the labels, placed at the middle of the 200-threshold grid's buckets: the
  // thresholded ROC area then equals the exact one.
  const raw = testValues(n, 6, 0, 1).map((v, i) => Math.min(0.999, Math.max(0, v * 0.8 + t[i] * 0.25)));
  const p = raw.map((v) => (Math.floor(v * 199) + 0.5) / 199);

  it('ROC equals the exact area (Mann–Whitney, ties counted half) in float64', () => {
    const pos = p.filter((_, i) => t[i] === 1);
    const neg = p.filter((_, i) => t[i] === 0);
    let wins = 0;
    for (const a of pos) for (const b of neg) wins += a > b ? 1 : a === b ? 0.5 : 0;
    const exact = wins / (pos.length * neg.length);
    const auc = new AUC();
    auc.updateState(tensor(t), tensor(p));
    expect(Math.abs(auc.result() - exact)).toBeLessThan(2e-6);
    expect(exact).toBeGreaterThan(0.6);
  });

  it('PR (interpolated), minoring and majoring sums equal the float64 formulas', () => {
    const th = kerasThresholds(50);
    const c = counts(t, raw, th);
    const recall = c.map((x) => safe(x.tp, x.tp + x.fn));
    const precision = c.map((x) => safe(x.tp, x.tp + x.fp));
    const fpr = c.map((x) => safe(x.fp, x.fp + x.tn));
    const riemann = (x: number[], y: number[], h: (a: number, b: number) => number) =>
      x.slice(0, -1).reduce((s, xi, i) => s + (xi - x[i + 1]) * h(y[i], y[i + 1]), 0);
    let pr = 0;
    for (let i = 0; i < th.length - 1; i++) {
      const dtp = c[i].tp - c[i + 1].tp;
      const p0 = c[i].tp + c[i].fp;
      const p1 = c[i + 1].tp + c[i + 1].fp;
      const slope = safe(dtp, Math.max(p0 - p1, 0));
      const intercept = c[i + 1].tp - slope * p1;
      const ratio = p0 > 0 && p1 > 0 ? safe(p0, p1) : 1;
      pr += safe(slope * (dtp + intercept * Math.log(ratio)), c[i + 1].tp + c[i + 1].fn);
    }
    const cases: Array<[AUC, number]> = [
      [new AUC({ numThresholds: 50, curve: 'PR' }), pr],
      [new AUC({ numThresholds: 50, summationMethod: 'minoring' }), riemann(fpr, recall, Math.min)],
      [new AUC({ numThresholds: 50, summationMethod: 'majoring' }), riemann(fpr, recall, Math.max)],
      [
        new AUC({ numThresholds: 50, curve: 'PR', summationMethod: 'majoring' }),
        riemann(recall, precision, Math.max),
      ],
    ];
    for (const [auc, want] of cases) {
      auc.updateState(tensor(t), tensor(raw));
      expect(Math.abs(auc.result() - want), `${auc.curve} ${auc.summationMethod}`).toBeLessThan(1e-5);
    }
  });

  it('accumulated over batches equals one shot, bit for bit', () => {
    for (const options of [{}, { curve: 'PR' as const }]) {
      const whole = new AUC(options);
      whole.updateState(tensor(t), tensor(raw));
      const batched = new AUC(options);
      for (let from = 0; from < n; from += 64)
        batched.updateState(
          rowsOf(t, 1, from, Math.min(n, from + 64)),
          rowsOf(raw, 1, from, Math.min(n, from + 64)),
        );
      expect(batched.result()).toBe(whole.result());
    }
  });

  it("Keras's thresholds, a worked example and bad options", () => {
    expect(Array.from(new AUC({ numThresholds: 5 }).thresholds)).toEqual(kerasThresholds(5));
    // Keras docs: AUC(num_thresholds=3) on [0, 0, 1, 1] / [0, 0.5, 0.3, 0.9] gives 0.75.
    const auc = new AUC({ numThresholds: 3 });
    auc.updateState(tensor([0, 0, 1, 1]), tensor([0, 0.5, 0.3, 0.9]));
    expect(auc.result()).toBe(0.75);
    expect(() => new AUC({ numThresholds: 1 })).toThrow(/at least 2/);
    expect(() => new AUC({ curve: 'roc' as never })).toThrow(/curve must be one of/);
    expect(() => new AUC({ num_thresholds: 10 } as never)).toThrow(/numThresholds/);
  });
});

describe('F1Score', () => {
  const batch = 60;
  const classes = 4;
  const cls = testValues(batch, 8, 0, classes).map(Math.floor);
  const t = cls.flatMap((c) => Array.from({ length: classes }, (_, j) => (j === c ? 1 : 0)));
  const p = testValues(batch * classes, 9, 0, 1).map((v, i) => v + 0.3 * t[i]);

  /** F1 per class in float64 from predicted classes (argmax, or above a threshold). */
  function reference(predicted: (i: number, j: number) => boolean) {
    const tp = new Array(classes).fill(0);
    const fp = new Array(classes).fill(0);
    const fn = new Array(classes).fill(0);
    for (let i = 0; i < batch; i++) {
      for (let j = 0; j < classes; j++) {
        const y = t[i * classes + j];
        const q = predicted(i, j);
        if (q && y) tp[j]++;
        if (q && !y) fp[j]++;
        if (!q && y) fn[j]++;
      }
    }
    const e = 1e-7;
    const f1 = (a: number, b: number, c: number) => {
      const pr = a / (a + b + e);
      const rc = a / (a + c + e);
      return (2 * pr * rc) / (pr + rc + e);
    };
    return {
      perClass: tp.map((_, j) => f1(tp[j], fp[j], fn[j])),
      micro: f1(sum(tp), sum(fp), sum(fn)),
      support: tp.map((_, j) => tp[j] + fn[j]),
    };
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const argmaxOf = (i: number) => {
    const row = p.slice(i * classes, (i + 1) * classes).map(Math.fround);
    return row.indexOf(Math.max(...row));
  };

  it('per class, micro, macro and weighted match float64 counts', () => {
    const ref = reference((i, j) => j === argmaxOf(i));
    const score = (average?: 'micro' | 'macro' | 'weighted') => {
      const f1 = new F1Score({ average });
      f1.updateState(tensor(t, [batch, classes]), tensor(p, [batch, classes]));
      return f1.result();
    };
    (score() as number[]).forEach((v, j) => {
      expect(v).toBeCloseTo(ref.perClass[j], 6);
    });
    expect(score('micro') as number).toBeCloseTo(ref.micro, 6);
    expect(score('macro') as number).toBeCloseTo(sum(ref.perClass) / classes, 6);
    const total = sum(ref.support);
    expect(score('weighted') as number).toBeCloseTo(
      sum(ref.perClass.map((f, j) => (f * ref.support[j]) / total)),
      6,
    );
    const thresholded = reference((i, j) => Math.fround(p[i * classes + j]) > Math.fround(0.6));
    const f1 = new F1Score({ threshold: 0.6 });
    f1.updateState(tensor(t, [batch, classes]), tensor(p, [batch, classes]));
    (f1.result() as number[]).forEach((v, j) => {
      expect(v).toBeCloseTo(thresholded.perClass[j], 6);
    });
  });

  it('accumulated over batches equals one shot, bit for bit', () => {
    const whole = new F1Score({ average: 'macro' });
    whole.updateState(tensor(t, [batch, classes]), tensor(p, [batch, classes]));
    const batched = new F1Score({ average: 'macro' });
    for (let from = 0; from < batch; from += 16) {
      const to = Math.min(batch, from + 16);
      batched.updateState(rowsOf(t, classes, from, to), rowsOf(p, classes, from, to));
    }
    expect(batched.result()).toBe(whole.result());
  });

  it('bad shapes and options', () => {
    expect(() => new F1Score({ average: 'samples' as never })).toThrow(/average must be one of/);
    expect(() => new F1Score().updateState(tensor([1, 0]), tensor([1, 0]))).toThrow(/\[batch, classes\]/);
  });
});
