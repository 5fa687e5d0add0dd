import { describe, expect, it } from 'vitest';
import * as losses from '../packages/ditto/src/losses/index.js';
import {
  accuracy,
  accuracyForShapes,
  binaryAccuracy,
  categoricalAccuracy,
  getMetric,
  MeanAccumulator,
  type MetricFn,
  mae,
  mse,
  sparseCategoricalAccuracy,
} from '../packages/ditto/src/metrics/index.js';
import type { Shape } from '../packages/ditto/src/tensor/shape.js';
import { type Tensor, tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

const values = (t: Tensor) => Array.from(t.data);

describe("accuracy metrics reproduce Keras's documented examples", () => {
  // keras/src/metrics/accuracy_metrics.py docstrings give the means; the per-sample values follow.
  it('accuracy: exact equality', () => {
    const out = accuracy(tensor([[1], [2], [3], [4]]), tensor([[0], [2], [3], [4]]));
    expect(out.shape).toEqual([4]);
    expect(values(out)).toEqual([0, 1, 1, 1]); // mean 0.75
  });

  it('binaryAccuracy: threshold 0.5', () => {
    expect(values(binaryAccuracy(tensor([[1], [1], [0], [0]]), tensor([[0.98], [1], [0], [0.6]])))).toEqual([
      1, 1, 1, 0,
    ]);
  });

  it('categoricalAccuracy: argmax of one-hot targets against argmax of predictions', () => {
    const out = categoricalAccuracy(
      tensor([
        [0, 0, 1],
        [0, 1, 0],
      ]),
      tensor([
        [0.1, 0.9, 0.8],
        [0.05, 0.95, 0],
      ]),
    );
    expect(values(out)).toEqual([0, 1]); // mean 0.5
  });

  it('sparseCategoricalAccuracy: labels [batch, 1] and [batch]', () => {
    const p = tensor([
      [0.1, 0.6, 0.3],
      [0.05, 0.95, 0],
    ]);
    expect(values(sparseCategoricalAccuracy(tensor([[2], [1]]), p))).toEqual([0, 1]);
    expect(values(sparseCategoricalAccuracy(tensor([2, 1]), p))).toEqual([0, 1]);
  });
});

describe('accuracy metrics on hand-made cases', () => {
  it('ties: the first maximum wins, in predictions and in targets', () => {
    const p = tensor([
      [0.4, 0.4, 0.2],
      [0.4, 0.4, 0.2],
      [0.1, 0.3, 0.3],
    ]);
    const oneHot = tensor([
      [1, 0, 0],
      [0, 1, 0],
      [0, 1, 0],
    ]);
    expect(values(categoricalAccuracy(oneHot, p))).toEqual([1, 0, 1]);
    expect(values(sparseCategoricalAccuracy(tensor([0, 1, 1]), p))).toEqual([1, 0, 1]);
    // A soft target with a tie picks its first maximum too.
    expect(values(categoricalAccuracy(tensor([[0.5, 0.5, 0]]), tensor([[0.2, 0.7, 0.1]])))).toEqual([0]);
  });

  it('a NaN prediction is the argmax, as in NumPy', () => {
    expect(
      values(
        sparseCategoricalAccuracy(
          tensor([1, 0]),
          tensor([
            [0.9, Number.NaN],
            [0.9, 0.1],
          ]),
        ),
      ),
    ).toEqual([1, 1]);
  });

  it('binaryAccuracy: strictly above the threshold counts as 1, compared in the dtype of yPred', () => {
    expect(values(binaryAccuracy(tensor([1, 0, 1]), tensor([0.5, 0.5, 0.51])))).toEqual([0, 1, 1]);
    expect(values(binaryAccuracy(tensor([1, 1]), tensor([0.3, 0.2]), { threshold: 0.25 }))).toEqual([1, 0]);
    // float32(0.1) is just above 0.1; the threshold is rounded to float32 as well, so it is not "above".
    expect(values(binaryAccuracy(tensor([[0]]), tensor([[0.1]]), { threshold: 0.1 }))).toEqual([1]);
    // Targets are compared exactly: a soft target never matches.
    expect(values(binaryAccuracy(tensor([0.9]), tensor([0.95])))).toEqual([0]);
  });

  it('averages several outputs per sample', () => {
    const out = binaryAccuracy(
      tensor([
        [1, 0, 1, 1],
        [0, 0, 0, 0],
      ]),
      tensor([
        [0.9, 0.2, 0.3, 0.8],
        [0.1, 0.2, 0.3, 0.4],
      ]),
    );
    expect(values(out)).toEqual([0.75, 1]);
    expect(values(accuracy(tensor([[1, 2, 3]]), tensor([[1, 2, 4]])))).toEqual([Math.fround(2 / 3)]);
  });

  it("accuracyForShapes picks the metric as Keras's compile does for 'accuracy'", () => {
    // One output column → binary accuracy.
    expect(values(accuracyForShapes(tensor([[1], [0]]), tensor([[0.7], [0.6]])))).toEqual([1, 0]);
    expect(values(accuracyForShapes(tensor([1, 0]), tensor([[0.7], [0.6]])))).toEqual([1, 0]);
    expect(values(accuracyForShapes(tensor([1, 0]), tensor([0.7, 0.6])))).toEqual([1, 0]);
    // Labels of lower rank, or one column against several → sparse categorical accuracy.
    const p = tensor([
      [0.1, 0.2, 0.7],
      [0.8, 0.1, 0.1],
    ]);
    expect(values(accuracyForShapes(tensor([2, 1]), p))).toEqual([1, 0]);
    expect(values(accuracyForShapes(tensor([[2], [0]]), p))).toEqual([1, 1]);
    // Same shapes, several columns → categorical accuracy.
    expect(
      values(
        accuracyForShapes(
          tensor([
            [0, 0, 1],
            [0, 1, 0],
          ]),
          p,
        ),
      ),
    ).toEqual([1, 0]);
  });

  it('rejects mismatched shapes clearly', () => {
    expect(() => categoricalAccuracy(tensor([[1, 0]]), tensor([[0.5, 0.2, 0.3]]))).toThrow(
      /\[1, 2\].*\[1, 3\]/,
    );
    expect(() => sparseCategoricalAccuracy(tensor([0, 1, 2]), tensor([[0.5, 0.5]]))).toThrow(/labels/);
    expect(() => accuracy(tensor([[1, 2]]), tensor([[1, 2, 3]]))).toThrow(/does not match/);
    expect(() => categoricalAccuracy(tensor([1, 0]), tensor([1, 0]))).toThrow(/\[batch, classes\]/);
  });
});

describe('mse and mae metrics', () => {
  const shapes: Array<[Shape, Shape]> = [
    [
      [5, 3],
      [5, 3],
    ],
    [[6], [6, 1]],
    [[6, 1], [6]],
    [[6], [6]],
    [
      [2, 3, 4],
      [2, 3, 4],
    ],
  ];

  it('equal the losses of the same name bit for bit, in float32 and float64', () => {
    for (const [trueShape, predShape] of shapes) {
      const n = trueShape.reduce((a, b) => a * b, 1);
      for (const dtype of ['float32', 'float64'] as const) {
        const t = tensor(testValues(n, 1), trueShape, dtype);
        const p = tensor(testValues(n, 2), predShape, dtype);
        expect(values(mse(t, p))).toEqual(values(losses.meanSquaredError(t, p)));
        expect(values(mae(t, p))).toEqual(values(losses.meanAbsoluteError(t, p)));
        expect(mse(t, p).shape).toEqual([trueShape[0]]);
      }
    }
  });

  it('match hand-computed values', () => {
    const t = tensor(
      [
        [1, 2],
        [0, 0],
      ],
      undefined,
      'float64',
    );
    const p = tensor(
      [
        [0, 4],
        [0.5, -0.5],
      ],
      undefined,
      'float64',
    );
    expect(values(mse(t, p))).toEqual([2.5, 0.25]);
    expect(values(mae(t, p))).toEqual([1.5, 0.5]);
  });

  it('record no gradient', () => {
    const p = tensor([[0.5]]);
    p.requiresGrad = true;
    expect(mse(tensor([[1]]), p).requiresGrad).toBe(false);
    expect(getMetric('binary_crossentropy').fn(tensor([[1]]), p).requiresGrad).toBe(false);
  });
});

describe('getMetric', () => {
  it('keys a metric given by name with the name as given, as Keras does', () => {
    const cases: Array<[string, MetricFn]> = [
      ['mse', mse],
      ['MSE', mse],
      ['mean_squared_error', mse],
      ['meanSquaredError', mse],
      ['MeanSquaredError', mse],
      ['mae', mae],
      ['mean_absolute_error', mae],
      ['binary_accuracy', binaryAccuracy],
      ['categoricalAccuracy', categoricalAccuracy],
      ['sparse_categorical_accuracy', sparseCategoricalAccuracy],
      ['accuracy', accuracyForShapes],
      ['acc', accuracyForShapes],
      ['Accuracy', accuracyForShapes],
    ];
    for (const [name, fn] of cases) expect(getMetric(name)).toEqual({ name, fn });
  });

  it('offers the crossentropies and mape as metrics with the loss values', () => {
    const t = tensor([[1, 0]]);
    const p = tensor([[0.8, 0.3]]);
    for (const [name, loss] of [
      ['binary_crossentropy', losses.binaryCrossentropy],
      ['bce', losses.binaryCrossentropy],
      ['mape', losses.meanAbsolutePercentageError],
      ['categorical_crossentropy', losses.categoricalCrossentropy],
    ] as const) {
      const metric = getMetric(name);
      expect(metric.name).toBe(name);
      expect(values(metric.fn(t, p))).toEqual(values(loss(t, p)));
    }
    expect(values(getMetric('sparse_categorical_crossentropy').fn(tensor([0]), p))).toEqual(
      values(losses.sparseCategoricalCrossentropy(tensor([0]), p)),
    );
  });

  it("names functions by Keras's function names, or their own", () => {
    expect(getMetric(mse).name).toBe('mean_squared_error');
    expect(getMetric(accuracy).name).toBe('accuracy');
    expect(getMetric(binaryAccuracy).name).toBe('binary_accuracy');
    expect(getMetric(losses.binaryCrossentropy).name).toBe('binary_crossentropy');
    function hits(t: Tensor, p: Tensor): Tensor {
      return accuracy(t, p);
    }
    expect(getMetric(hits)).toEqual({ name: 'hits', fn: hits });
  });

  it('rejects unknown names, naming the value and listing the valid ones', () => {
    expect(() => getMetric('accuracy_score')).toThrow(
      /"accuracy_score".*mean_squared_error.*binary_accuracy/,
    );
    expect(() => getMetric('huber')).toThrow(/unknown metric "huber"/);
    expect(() => getMetric(undefined as unknown as string)).toThrow(TypeError);
  });
});

describe('MeanAccumulator', () => {
  const f = Math.fround;

  it('keeps a float32 total and count, adding each batch sum once', () => {
    const m = new MeanAccumulator();
    m.update([0.1, 0.2]);
    m.update(tensor([0.3]));
    // Keras: batch sums f(f(0.1) + f(0.2)) and f(0.3), each added once to the float32 total.
    const total = f(f(f(0.1) + f(0.2)) + f(0.3));
    expect(m.total).toBe(total);
    expect(m.count).toBe(3);
    expect(m.result()).toBe(f(total / 3));
  });

  it('rounds like float32, not like the exact mean', () => {
    const m = new MeanAccumulator();
    m.update([1e8, 1, -1e8]); // in float32, 1e8 + 1 = 1e8: the 1 is lost
    expect(m.result()).toBe(0);
    const exact = new MeanAccumulator('float64');
    exact.update([1e8, 1, -1e8]);
    expect(exact.result()).toBe(1 / 3);
  });

  it("weights a batch's value by its size, as Keras's loss tracker", () => {
    const m = new MeanAccumulator();
    m.updateWeighted(0.5, 32);
    m.updateWeighted(0.25, 8);
    expect(m.count).toBe(40);
    expect(m.result()).toBe(f(18 / 40));
  });

  it('averages each sample of a [batch, …] tensor first', () => {
    const m = new MeanAccumulator();
    m.update(
      tensor([
        [1, 0, 0, 1],
        [1, 1, 1, 1],
      ]),
    );
    expect(m.count).toBe(2);
    expect(m.result()).toBe(0.75);
  });

  it('counts in float32: beyond 2^24 one more sample is lost, as in Keras', () => {
    const m = new MeanAccumulator();
    m.updateWeighted(0, 2 ** 24);
    m.updateWeighted(0, 1);
    expect(m.count).toBe(2 ** 24);
  });

  it('returns 0 before any sample and after reset', () => {
    const m = new MeanAccumulator();
    expect(m.result()).toBe(0);
    m.update([3]);
    expect(m.result()).toBe(3);
    m.reset();
    expect(m.result()).toBe(0);
    expect(() => m.updateWeighted(1, -1)).toThrow(/weight/);
  });
});
