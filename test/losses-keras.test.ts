/**
 * The Keras losses added for issue 11 (hinge family, KL divergence, Poisson, cosine similarity,
 * log-cosh): float64 values against plain-loop references written from keras/src/losses/losses.py,
 * float32 values against @tensorflow/tfjs-layers' own implementations on random inputs, gradients
 * against central differences in float64, and the names getLoss resolves.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  categoricalHinge,
  cosineSimilarity,
  getLoss,
  hinge,
  kld,
  type LossFn,
  logCosh,
  poisson,
  squaredHinge,
} from '../packages/ditto/src/losses/index.js';
import { backward, noGrad } from '../packages/ditto/src/tensor/autograd.js';
import * as ops from '../packages/ditto/src/tensor/ops/index.js';
import type { Shape } from '../packages/ditto/src/tensor/shape.js';
import { type Tensor, tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

const tfLosses = await import('@tensorflow/tfjs-layers/dist/losses.js');

const EPS = 1e-7;
const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sumOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

type RowRef = (t: number[], p: number[]) => number;

/** Keras's label conversion for hinge losses, over the whole target array. */
const hingeLabels = (all: number[]) =>
  all.every((v) => v === 0 || v === 1) ? all.map((v) => 2 * v - 1) : all;

const ref: Record<string, RowRef> = {
  hinge: (t, p) => meanOf(t.map((y, j) => Math.max(1 - y * p[j], 0))),
  squaredHinge: (t, p) => meanOf(t.map((y, j) => Math.max(1 - y * p[j], 0) ** 2)),
  categoricalHinge: (t, p) => {
    const pos = sumOf(t.map((y, j) => y * p[j]));
    const neg = Math.max(...t.map((y, j) => (1 - y) * p[j]));
    return Math.max(neg - pos + 1, 0);
  },
  kld: (t, p) =>
    sumOf(
      t.map((y, j) => {
        const a = clamp(y, EPS, 1);
        return a * Math.log(a / clamp(p[j], EPS, 1));
      }),
    ),
  poisson: (t, p) => meanOf(t.map((y, j) => p[j] - y * Math.log(p[j] + EPS))),
  cosineSimilarity: (t, p) => {
    const nt = Math.sqrt(Math.max(sumOf(t.map((v) => v * v)), EPS));
    const np = Math.sqrt(Math.max(sumOf(p.map((v) => v * v)), EPS));
    return -sumOf(t.map((v, j) => (v / nt) * (p[j] / np)));
  },
  logCosh: (t, p) => meanOf(t.map((y, j) => Math.log(Math.cosh(p[j] - y)))),
};

function rows(values: readonly number[], width: number): number[][] {
  return Array.from({ length: values.length / width }, (_, i) => values.slice(i * width, (i + 1) * width));
}

function f64(values: readonly number[], shape: Shape, requiresGrad = false): Tensor {
  const t = tensor(Float64Array.from(values), shape, 'float64');
  t.requiresGrad = requiresGrad;
  return t;
}

interface Case {
  name: keyof typeof ref;
  fn: LossFn;
  /** Targets and predictions for a batch of `batch` rows of `width`. */
  data(batch: number, width: number, seed: number): { t: number[]; p: number[] };
  /** tfjs-layers' function of the same loss, and how its value relates to Keras's. */
  tfjs: (t: tf.Tensor, p: tf.Tensor) => tf.Tensor;
}

const oneHotRows = (batch: number, width: number, seed: number) =>
  testValues(batch, seed, 0, width).flatMap((v) =>
    Array.from({ length: width }, (_, j) => (j === Math.floor(v) ? 1 : 0)),
  );
const softmaxRows = (values: number[], width: number) =>
  rows(values, width).flatMap((r) => {
    const e = r.map(Math.exp);
    const s = sumOf(e);
    return e.map((v) => v / s);
  });

const CASES: Case[] = [
  {
    name: 'hinge',
    fn: hinge,
    data: (b, w, s) => ({
      t: testValues(b * w, s, 0, 2).map((v) => (v < 1 ? -1 : 1)),
      p: testValues(b * w, s + 1),
    }),
    tfjs: tfLosses.hinge,
  },
  {
    name: 'squaredHinge',
    fn: squaredHinge,
    data: (b, w, s) => ({
      t: testValues(b * w, s, 0, 2).map((v) => (v < 1 ? -1 : 1)),
      p: testValues(b * w, s + 1),
    }),
    tfjs: tfLosses.squaredHinge,
  },
  {
    name: 'categoricalHinge',
    fn: categoricalHinge,
    data: (b, w, s) => ({ t: oneHotRows(b, w, s), p: testValues(b * w, s + 1, 0, 1) }),
    tfjs: tfLosses.categoricalHinge,
  },
  {
    name: 'kld',
    fn: kld,
    data: (b, w, s) => ({
      t: softmaxRows(testValues(b * w, s), w),
      p: softmaxRows(testValues(b * w, s + 1), w),
    }),
    tfjs: tfLosses.kullbackLeiblerDivergence,
  },
  {
    name: 'poisson',
    fn: poisson,
    data: (b, w, s) => ({
      t: testValues(b * w, s, 0, 5).map(Math.floor),
      p: testValues(b * w, s + 1, 0.1, 4),
    }),
    tfjs: tfLosses.poisson,
  },
  {
    name: 'cosineSimilarity',
    fn: cosineSimilarity,
    data: (b, w, s) => ({ t: testValues(b * w, s), p: testValues(b * w, s + 1) }),
    // tfjs's cosineProximity is −Σ l2Normalize(t)·l2Normalize(p), with its own ε inside the norm.
    tfjs: tfLosses.cosineProximity,
  },
  {
    name: 'logCosh',
    fn: logCosh,
    data: (b, w, s) => ({ t: testValues(b * w, s), p: testValues(b * w, s + 1) }),
    tfjs: tfLosses.logcosh,
  },
];

const BATCH = 6;
const WIDTH = 5;

describe('Keras losses: float64 values match the references', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const { t, p } = c.data(BATCH, WIDTH, 11);
      const out = c.fn(f64(t, [BATCH, WIDTH]), f64(p, [BATCH, WIDTH]));
      expect(out.shape).toEqual([BATCH]);
      expect(out.dtype).toBe('float64');
      const tRows = rows(t, WIDTH);
      const pRows = rows(p, WIDTH);
      const expected = tRows.map((row, i) => ref[c.name](row, pRows[i]));
      for (let i = 0; i < BATCH; i++) {
        expect(Math.abs(out.data[i] - expected[i]), `${c.name} sample ${i}`).toBeLessThanOrEqual(
          1e-12 * Math.max(1, Math.abs(expected[i])),
        );
      }
    });
  }

  it('hinge converts {0, 1} labels to {−1, 1}, and leaves other labels alone', () => {
    const t = [0, 1, 1, 0];
    const p = [0.3, -0.2, 0.9, -1.5];
    const expected = meanOf(hingeLabels(t).map((y, j) => Math.max(1 - y * p[j], 0)));
    expect(hinge(f64(t, [1, 4]), f64(p, [1, 4])).data[0]).toBeCloseTo(expected, 14);
    // With a 2 among them they are not binary: used as given (0·p gives a margin of 1).
    const mixed = [0, 2, 1, 0];
    const unconverted = meanOf(mixed.map((y, j) => Math.max(1 - y * p[j], 0)));
    expect(hinge(f64(mixed, [1, 4]), f64(p, [1, 4])).data[0]).toBeCloseTo(unconverted, 14);
  });

  it('log-cosh stays finite where cosh overflows', () => {
    const out = logCosh(f64([0, 0], [1, 2]), f64([1000, -1000], [1, 2]));
    expect(out.data[0]).toBeCloseTo(1000 - Math.LN2, 9);
  });
});

describe('Keras losses: float32 values match tfjs-layers on random inputs', () => {
  for (const c of CASES) {
    it(c.name, () => {
      for (const seed of [1, 2, 3]) {
        const { t, p } = c.data(16, 7, seed * 10);
        const ours = c.fn(tensor(t, [16, 7]), tensor(p, [16, 7]));
        const theirs = tf.tidy(() => c.tfjs(tf.tensor2d(t, [16, 7]), tf.tensor2d(p, [16, 7])).dataSync());
        expect(ours.shape).toEqual([16]);
        for (let i = 0; i < 16; i++) {
          expect(
            Math.abs(ours.data[i] - theirs[i]),
            `${c.name} seed ${seed} sample ${i}`,
          ).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(theirs[i])));
        }
      }
    });
  }
});

describe('Keras losses: gradients agree with central differences in float64', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const { t, p } = c.data(4, 3, 5);
      const yTrue = f64(t, [4, 3]);
      const yPred = f64(p, [4, 3], true);
      const w = f64(testValues(4, 99, 0.5, 1.5), [4]);
      const objective = () => ops.sum(ops.mul(c.fn(yTrue, yPred), w));
      backward(objective());
      const h = 1e-6;
      expect(yPred.grad).not.toBeNull();
      for (let i = 0; i < yPred.size; i++) {
        const saved = yPred.data[i];
        yPred.data[i] = saved + h;
        const up = noGrad(objective).item();
        yPred.data[i] = saved - h;
        const down = noGrad(objective).item();
        yPred.data[i] = saved;
        const numeric = (up - down) / (2 * h);
        const analytic = yPred.grad?.data[i] ?? Number.NaN;
        expect(Math.abs(analytic - numeric), `element ${i}: ${analytic} vs ${numeric}`).toBeLessThanOrEqual(
          1e-6 * Math.max(1, Math.abs(numeric)),
        );
      }
    });
  }
});

describe('getLoss knows the Keras names', () => {
  const names: Array<[string, string, LossFn]> = [
    ['hinge', 'hinge', hinge],
    ['SquaredHinge', 'squared_hinge', squaredHinge],
    ['categoricalHinge', 'categorical_hinge', categoricalHinge],
    ['kld', 'kl_divergence', kld],
    ['KLDivergence', 'kl_divergence', kld],
    ['poisson', 'poisson', poisson],
    ['cosine_similarity', 'cosine_similarity', cosineSimilarity],
    ['logcosh', 'log_cosh', logCosh],
    ['LogCosh', 'log_cosh', logCosh],
  ];
  for (const [given, name, fn] of names) {
    it(given, () => expect(getLoss(given)).toEqual({ name, fn }));
  }

  it('suggests the nearest name for a typo', () => {
    expect(() => getLoss('squared_hindge')).toThrow(/squared_hinge/);
  });

  it('shapes that do not match name the loss and both shapes', () => {
    expect(() => poisson(tensor([[1, 2, 3]]), tensor([[1, 2]]))).toThrow(/poisson.*\[1, 3\].*\[1, 2\]/);
  });
});
