import { describe, expect, it } from 'vitest';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  getLoss,
  huber,
  type LossFn,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from '../packages/ditto/src/losses/index.js';
import { backward, noGrad } from '../packages/ditto/src/tensor/autograd.js';
import * as ops from '../packages/ditto/src/tensor/ops/index.js';
import type { Shape } from '../packages/ditto/src/tensor/shape.js';
import { type Tensor, tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

// ---------------------------------------------------------------------------------------------
// Independent float64 references: plain loops over rows of the last axis, written from Keras's
// definitions (keras/src/losses/losses.py and backend nn.py), using the engine's Math.log/exp.
// ---------------------------------------------------------------------------------------------

const EPS = 1e-7;
const clipRef = (p: number, lo = EPS, hi = 1 - EPS) => Math.min(Math.max(p, lo), hi);
const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Rows of the last axis of a flat row-major array. */
function rows(values: readonly number[], width: number): number[][] {
  return Array.from({ length: values.length / width }, (_, i) => values.slice(i * width, (i + 1) * width));
}

type RowRef = (t: number[], p: number[]) => number;

const ref: Record<string, RowRef> = {
  mse: (t, p) => meanOf(t.map((v, j) => (v - p[j]) ** 2)),
  mae: (t, p) => meanOf(t.map((v, j) => Math.abs(v - p[j]))),
  mape: (t, p) => 100 * meanOf(t.map((v, j) => Math.abs((v - p[j]) / Math.max(Math.abs(v), EPS)))),
  huber: (t, p) =>
    meanOf(
      t.map((v, j) => {
        const e = Math.abs(p[j] - v);
        return e <= 1 ? 0.5 * e * e : e - 0.5;
      }),
    ),
  bce: (t, p) =>
    meanOf(
      t.map((z, j) => {
        const q = clipRef(p[j]);
        return -(z * Math.log(q) + (1 - z) * Math.log(1 - q));
      }),
    ),
  // Logits: −z·log σ(x) − (1 − z)·log(1 − σ(x)), written with log1p(exp(·)) as the textbook has it.
  bceLogits: (t, x) =>
    meanOf(t.map((z, j) => z * Math.log1p(Math.exp(-x[j])) + (1 - z) * Math.log1p(Math.exp(x[j])))),
  cce: (t, p) => {
    const total = p.reduce((a, b) => a + b, 0);
    return -t.reduce((acc, y, j) => acc + y * Math.log(clipRef(p[j] / total)), 0);
  },
  cceLogits: (t, x) => {
    const m = Math.max(...x);
    const logSum = Math.log(x.reduce((a, v) => a + Math.exp(v - m), 0)) + m;
    return -t.reduce((acc, y, j) => acc + y * (x[j] - logSum), 0);
  },
};

/** The per-sample reference for tensors of shape [batch, width]. */
function reference(f: RowRef, yTrue: readonly number[], yPred: readonly number[], width: number): number[] {
  const t = rows(yTrue, width);
  return rows(yPred, width).map((p, i) => f(t[i], p));
}

function f64(values: readonly number[], shape: Shape, requiresGrad = false): Tensor {
  const t = tensor(Float64Array.from(values), shape, 'float64');
  t.requiresGrad = requiresGrad;
  return t;
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], relative: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Number.isFinite(actual[i]), `value ${i} finite`).toBe(true);
    expect(
      Math.abs(actual[i] - expected[i]),
      `value ${i}: ${actual[i]} vs ${expected[i]}`,
    ).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected[i])));
  }
}

/** Labels in {0, 1} from test values. */
const binaryLabels = (n: number, seed: number) => testValues(n, seed, 0, 1).map((v) => (v < 0.5 ? 0 : 1));

/** One-hot rows with the hot class from test values. */
function oneHotRows(batch: number, classes: number, seed: number): { labels: number[]; hot: number[] } {
  const labels = testValues(batch, seed, 0, classes).map(Math.floor);
  const hot = labels.flatMap((c) => Array.from({ length: classes }, (_, j) => (j === c ? 1 : 0)));
  return { labels, hot };
}

interface Case {
  name: string;
  loss: LossFn;
  ref: RowRef;
  yTrue: number[];
  yPred: number[];
  /** Whether finite differences with respect to yTrue make sense too. */
  gradTrue: boolean;
}

const B = 4;
const W = 3;

function cases(): Case[] {
  const regressionTrue = testValues(B * W, 1, -2, 2);
  // Predictions kept ≥ 0.2 away from the targets (no |·| kink) and from |e| = 1 (huber's switch).
  const offsets = testValues(B * W, 2, 0.2, 0.8).map((d, i) => (i % 2 ? d : -d - 1));
  const regressionPred = regressionTrue.map((v, i) => v + offsets[i]);
  const mapeTrue = regressionTrue.map((v) => (v < 0 ? v - 0.3 : v + 0.3));
  const probabilities = testValues(B * W, 3, 0.05, 0.95);
  const logits = testValues(B * W, 4, -4, 4);
  const { hot } = oneHotRows(B, W, 5);
  const unnormalised = testValues(B * W, 6, 0.1, 2);
  return [
    {
      name: 'meanSquaredError',
      loss: meanSquaredError,
      ref: ref.mse,
      yTrue: regressionTrue,
      yPred: regressionPred,
      gradTrue: true,
    },
    {
      name: 'meanAbsoluteError',
      loss: meanAbsoluteError,
      ref: ref.mae,
      yTrue: regressionTrue,
      yPred: regressionPred,
      gradTrue: true,
    },
    {
      name: 'meanAbsolutePercentageError',
      loss: meanAbsolutePercentageError,
      ref: ref.mape,
      yTrue: mapeTrue,
      yPred: regressionPred,
      gradTrue: true,
    },
    {
      name: 'huber',
      loss: huber,
      ref: ref.huber,
      yTrue: regressionTrue,
      yPred: regressionPred,
      gradTrue: true,
    },
    {
      name: 'binaryCrossentropy',
      loss: binaryCrossentropy,
      ref: ref.bce,
      yTrue: binaryLabels(B * W, 7),
      yPred: probabilities,
      gradTrue: true,
    },
    {
      name: 'binaryCrossentropy with soft labels',
      loss: binaryCrossentropy,
      ref: ref.bce,
      yTrue: testValues(B * W, 8, 0, 1),
      yPred: probabilities,
      gradTrue: true,
    },
    {
      name: 'binaryCrossentropy fromLogits',
      loss: (t, p) => binaryCrossentropy(t, p, { fromLogits: true }),
      ref: ref.bceLogits,
      yTrue: testValues(B * W, 9, 0, 1),
      yPred: logits,
      gradTrue: true,
    },
    {
      name: 'categoricalCrossentropy',
      loss: categoricalCrossentropy,
      ref: ref.cce,
      yTrue: hot,
      yPred: unnormalised,
      gradTrue: true,
    },
    {
      name: 'categoricalCrossentropy fromLogits',
      loss: (t, p) => categoricalCrossentropy(t, p, { fromLogits: true }),
      ref: ref.cceLogits,
      yTrue: testValues(B * W, 10, 0, 1),
      yPred: logits,
      gradTrue: true,
    },
  ];
}

describe('losses match float64 references written from the Keras definitions', () => {
  for (const c of cases()) {
    it(`${c.name}: float64 values`, () => {
      const out = c.loss(f64(c.yTrue, [B, W]), f64(c.yPred, [B, W]));
      expect(out.shape).toEqual([B]);
      expect(out.dtype).toBe('float64');
      expectClose(out.data, reference(c.ref, c.yTrue, c.yPred, W), 1e-12);
    });

    it(`${c.name}: float32 values within float32 accuracy`, () => {
      const out = c.loss(tensor(c.yTrue, [B, W]), tensor(c.yPred, [B, W]));
      expect(out.dtype).toBe('float32');
      const t32 = Array.from(Float32Array.from(c.yTrue));
      const p32 = Array.from(Float32Array.from(c.yPred));
      expectClose(out.data, reference(c.ref, t32, p32, W), 2e-6);
    });
  }

  it('sparseCategoricalCrossentropy equals categoricalCrossentropy of the one-hot labels', () => {
    const { labels, hot } = oneHotRows(B, W, 11);
    const probabilities = testValues(B * W, 12, 0.1, 2);
    const expected = reference(ref.cce, hot, probabilities, W);
    expectClose(
      sparseCategoricalCrossentropy(f64(labels, [B]), f64(probabilities, [B, W])).data,
      expected,
      1e-12,
    );
    expectClose(
      sparseCategoricalCrossentropy(f64(labels, [B, 1]), f64(probabilities, [B, W])).data,
      expected,
      1e-12,
    );
    const logits = testValues(B * W, 13, -3, 3);
    expectClose(
      sparseCategoricalCrossentropy(f64(labels, [B]), f64(logits, [B, W]), { fromLogits: true }).data,
      reference(ref.cceLogits, hot, logits, W),
      1e-12,
    );
  });

  it("reproduces the values in Keras's documentation", () => {
    // keras/src/losses/losses.py docstrings.
    const bce = binaryCrossentropy(
      tensor([
        [0, 1],
        [0, 0],
      ]),
      tensor([
        [0.6, 0.4],
        [0.4, 0.6],
      ]),
    );
    expectClose(bce.data, [0.916, 0.714], 5e-4);
    const yTrue = tensor([
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const yPred = tensor([
      [0.05, 0.95, 0],
      [0.1, 0.8, 0.1],
    ]);
    // Keras documents [0.0513, 2.303]; 2.303 is −log 0.1 = ln 10.
    expectClose(categoricalCrossentropy(yTrue, yPred).data, [0.0513, Math.LN10], 5e-4);
    expectClose(sparseCategoricalCrossentropy(tensor([1, 2]), yPred).data, [0.0513, Math.LN10], 5e-4);
    const huberValues = huber(
      tensor([
        [0, 1],
        [0, 0],
      ]),
      tensor([
        [0.6, 0.4],
        [0.4, 0.6],
      ]),
    );
    expect(ops.mean(huberValues).item()).toBeCloseTo(0.155, 6);
    expect(ops.mean(meanSquaredError(tensor([1, 0, 1]), tensor([0.9, 0.1, 0.8]))).item()).toBeCloseTo(
      0.02,
      7,
    );
    const mape = meanAbsolutePercentageError(
      tensor([
        [2, 1],
        [2, 3],
      ]),
      tensor([
        [1, 1],
        [1, 0],
      ]),
    );
    expect(ops.mean(mape).item()).toBeCloseTo(50, 5);
  });
});

/**
 * Checks d/dx of sum(loss · w) (w fixed weights, so each sample's value matters) against central
 * finite differences in float64.
 */
function checkGradient(loss: LossFn, yTrue: Tensor, yPred: Tensor, wrt: Tensor[], tolerance = 1e-6): void {
  const w = f64(testValues(yPred.shape[0], 99, 0.5, 1.5), [yPred.shape[0]]);
  const objective = () => ops.sum(ops.mul(loss(yTrue, yPred), w));
  for (const x of wrt) x.grad = null;
  backward(objective());
  const h = 1e-6;
  for (const x of wrt) {
    expect(x.grad, 'gradient computed').not.toBeNull();
    for (let i = 0; i < x.size; i++) {
      const saved = x.data[i];
      x.data[i] = saved + h;
      const up = noGrad(objective).item();
      x.data[i] = saved - h;
      const down = noGrad(objective).item();
      x.data[i] = saved;
      const numeric = (up - down) / (2 * h);
      const analytic = x.grad!.data[i];
      expect(Math.abs(analytic - numeric), `element ${i}: ${analytic} vs ${numeric}`).toBeLessThanOrEqual(
        tolerance * Math.max(1, Math.abs(numeric)),
      );
    }
  }
}

describe('loss gradients agree with central finite differences in float64', () => {
  for (const c of cases()) {
    it(c.name, () => {
      const yTrue = f64(c.yTrue, [B, W], c.gradTrue);
      const yPred = f64(c.yPred, [B, W], true);
      checkGradient(c.loss, yTrue, yPred, c.gradTrue ? [yTrue, yPred] : [yPred]);
    });
  }

  it('sparseCategoricalCrossentropy, from probabilities and from logits', () => {
    const { labels } = oneHotRows(B, W, 14);
    const probabilities = f64(testValues(B * W, 15, 0.1, 2), [B, W], true);
    checkGradient(sparseCategoricalCrossentropy, f64(labels, [B]), probabilities, [probabilities]);
    const logits = f64(testValues(B * W, 16, -3, 3), [B, W], true);
    checkGradient(
      (t, p) => sparseCategoricalCrossentropy(t, p, { fromLogits: true }),
      f64(labels, [B, 1]),
      logits,
      [logits],
    );
  });

  it('huber on both sides of delta = 2', () => {
    const yTrue = f64([0, 0, 0, 0], [2, 2]);
    const yPred = f64([0.5, -1.5, 2.5, -3], [2, 2], true);
    checkGradient((t, p) => huber(t, p, { delta: 2 }), yTrue, yPred, [yPred]);
    // δ = 2: 0.5·e² inside, 2·|e| − 2 outside.
    const values = huber(yTrue, yPred, { delta: 2 }).data;
    expectClose(values, [(0.125 + 1.125) / 2, (3 + 4) / 2], 1e-15);
  });

  it('binaryCrossentropy from logits has the gradient σ(x) − z at x = 0, where relu and |x| have kinks', () => {
    const z = f64([0, 1, 0.25], [3, 1]);
    const x = f64([0, 0, 0], [3, 1], true);
    backward(ops.sum(binaryCrossentropy(z, x, { fromLogits: true })));
    expectClose(x.grad!.data, [0.5, -0.5, 0.25], 1e-15);
    // and the value log 2 for every label
    expectClose(binaryCrossentropy(z, x, { fromLogits: true }).data, [Math.LN2, Math.LN2, Math.LN2], 1e-15);
  });

  it('gradients reach the parameters that made the predictions', () => {
    const w = f64([0.5, -0.25], [2, 1], true);
    const x = f64([1, 2, 3, 4], [2, 2]);
    const loss = ops.mean(meanSquaredError(f64([1, 0], [2, 1]), ops.matmul(x, w)));
    backward(loss);
    // ŷ = [0, 0.5], e = ŷ − y = [−1, 0.5]; d mean(e²)/dw = (2/2)·xᵀe = [−1·1 + 0.5·3, −1·2 + 0.5·4]
    expectClose(w.grad!.data, [0.5, 0], 1e-15);
  });
});

describe('Keras clipping of probabilities', () => {
  const lo = Math.fround(1e-7);
  const hi = Math.fround(1 - 1e-7);

  it('binaryCrossentropy stays finite at probabilities 0 and 1, with the clipped value', () => {
    const z = [1, 0, 0, 1];
    const p = [0, 1, 0, 1];
    const out = binaryCrossentropy(tensor(z, [1, 4]), tensor(p, [1, 4]));
    // float32 bounds: log(ε) for a certain miss, log(1 − (1 − ε)) for the other, log of the bound for hits.
    const expected = meanOf([-Math.log(lo), -Math.log(1 - hi), -Math.log(1 - lo), -Math.log(hi)]);
    expectClose(out.data, [expected], 1e-6);
    expect(out.data[0]).toBeGreaterThan(8);
  });

  it('gives a zero, finite gradient where the probability was clipped', () => {
    const p = f64([0, 1, 0.5, 1e-9], [1, 4], true);
    backward(ops.sum(binaryCrossentropy(f64([1, 0, 1, 1], [1, 4]), p)));
    expect(Array.from(p.grad!.data)).toEqual([0, 0, -0.5, 0]);
  });

  it('categoricalCrossentropy stays finite when the true class has probability 0', () => {
    const out = categoricalCrossentropy(tensor([[0, 0, 1]]), tensor([[0.5, 0.5, 0]]));
    expectClose(out.data, [-Math.log(lo)], 1e-6);
    const sparse = sparseCategoricalCrossentropy(tensor([2]), tensor([[0.5, 0.5, 0]]));
    expect(Array.from(sparse.data)).toEqual(Array.from(out.data));
  });

  it('from logits, extreme values stay finite and accurate', () => {
    const out = binaryCrossentropy(tensor([[1, 0, 1, 0]]), tensor([[-100, 100, 40, -40]]), {
      fromLogits: true,
    });
    expectClose(out.data, [(100 + 100 + Math.exp(-40) + Math.exp(-40)) / 4], 1e-6);
  });
});

describe('shapes and validation', () => {
  it('reads targets [batch] against predictions [batch, 1] as Keras does', () => {
    const y = [0.1, 0.2, 0.3];
    const p = [0.15, 0.1, 0.4];
    const expected = y.map((v, i) => (v - p[i]) ** 2);
    for (const [ty, tp] of [
      [f64(y, [3]), f64(p, [3, 1])],
      [f64(y, [3, 1]), f64(p, [3])],
      [f64(y, [3]), f64(p, [3])],
      [f64(y, [3, 1]), f64(p, [3, 1])],
    ]) {
      const out = meanSquaredError(ty, tp);
      expect(out.shape).toEqual([3]);
      expectClose(out.data, expected, 1e-15);
    }
  });

  it('averages a rank-3 loss per sample', () => {
    const yTrue = testValues(2 * 3 * 2, 20);
    const yPred = testValues(2 * 3 * 2, 21);
    const out = meanAbsoluteError(f64(yTrue, [2, 3, 2]), f64(yPred, [2, 3, 2]));
    expect(out.shape).toEqual([2]);
    const perRow = reference(ref.mae, yTrue, yPred, 2);
    expectClose(out.data, [meanOf(perRow.slice(0, 3)), meanOf(perRow.slice(3))], 1e-15);
  });

  it('casts targets to the dtype of the predictions', () => {
    const out = meanSquaredError(tensor([[1], [2]]), f64([1.5, 2], [2, 1]));
    expect(out.dtype).toBe('float64');
    expectClose(out.data, [0.25, 0], 1e-15);
  });

  it('rejects mismatched shapes with both shapes in the message', () => {
    expect(() => meanSquaredError(tensor([[1, 2]]), tensor([[1, 2, 3]]))).toThrow(/\[1, 2\].*\[1, 3\]/);
    expect(() => categoricalCrossentropy(tensor([[1, 0]]), tensor([[0.5, 0.25, 0.25]]))).toThrow(
      /does not match/,
    );
    expect(() => categoricalCrossentropy(tensor([1, 0]), tensor([0.5, 0.5]))).toThrow(/\[batch, classes\]/);
    expect(() => sparseCategoricalCrossentropy(tensor([0, 1, 2]), tensor([[0.5, 0.5]]))).toThrow(
      /do not fit/,
    );
    expect(() => meanSquaredError([1] as unknown as Tensor, tensor([1]))).toThrow(/yTrue must be a Tensor/);
  });

  it('rejects sparse labels out of range or not integers, naming the label and its position', () => {
    const p = tensor([
      [0.2, 0.8],
      [0.5, 0.5],
      [0.9, 0.1],
    ]);
    expect(() => sparseCategoricalCrossentropy(tensor([0, 2, 1]), p)).toThrow(
      /label 2 at position 1 is outside \[0, 2\)/,
    );
    expect(() => sparseCategoricalCrossentropy(tensor([[0], [1], [-1]]), p)).toThrow(
      /label -1 at position 2/,
    );
    expect(() => sparseCategoricalCrossentropy(tensor([0.5, 1, 1]), p)).toThrow(
      /label 0.5 at position 0 is not an integer/,
    );
    expect(() => sparseCategoricalCrossentropy(tensor([0, Number.NaN, 1]), p)).toThrow(
      /label NaN at position 1/,
    );
  });

  it('rejects invalid options', () => {
    const t = tensor([[1]]);
    expect(() => huber(t, t, { delta: -1 })).toThrow(/delta/);
    expect(() => binaryCrossentropy(t, t, { fromLogits: 'yes' as unknown as boolean })).toThrow(/fromLogits/);
  });
});

describe('getLoss', () => {
  it("resolves Keras's function and class names, camelCase names and short aliases", () => {
    const expectations: Array<[string[], string, LossFn]> = [
      [
        ['mean_squared_error', 'meanSquaredError', 'MeanSquaredError', 'mse', 'MSE'],
        'mean_squared_error',
        meanSquaredError,
      ],
      [['mean_absolute_error', 'meanAbsoluteError', 'mae', 'MAE'], 'mean_absolute_error', meanAbsoluteError],
      [
        ['mean_absolute_percentage_error', 'mape', 'MAPE'],
        'mean_absolute_percentage_error',
        meanAbsolutePercentageError,
      ],
      [['huber', 'Huber'], 'huber', huber],
      [['binary_crossentropy', 'binaryCrossentropy', 'bce'], 'binary_crossentropy', binaryCrossentropy],
      [
        ['categorical_crossentropy', 'CategoricalCrossentropy'],
        'categorical_crossentropy',
        categoricalCrossentropy,
      ],
      [
        ['sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy'],
        'sparse_categorical_crossentropy',
        sparseCategoricalCrossentropy,
      ],
    ];
    for (const [names, name, fn] of expectations) {
      for (const n of names) expect(getLoss(n)).toEqual({ name, fn });
    }
  });

  it('passes functions through, naming known ones as Keras does', () => {
    expect(getLoss(meanSquaredError)).toEqual({ name: 'mean_squared_error', fn: meanSquaredError });
    function myLoss(t: Tensor, p: Tensor): Tensor {
      return meanAbsoluteError(t, p);
    }
    expect(getLoss(myLoss)).toEqual({ name: 'myLoss', fn: myLoss });
  });

  it('rejects unknown names, naming the value and listing the valid names', () => {
    expect(() => getLoss('mean_sqared_error')).toThrow(/"mean_sqared_error".*mean_squared_error.*mse/);
    expect(() => getLoss(42 as unknown as string)).toThrow(TypeError);
  });
});
