/**
 * ActivityRegularization: the identity whose input adds (l1·Σ|x| + l2·Σx²) / batchSize to the
 * loss, as Keras 3 (which divides every activity penalty by the batch size). Checked against
 * Keras's own test value, a float64 sum written here, central differences of the penalised loss,
 * and evaluate's loss; bad options refused with the layer's name.
 */
import { describe, expect, it } from 'vitest';
import { setTracing } from '../packages/ditto/src/engine/trace-cache.js';
import { hashArrays } from '../packages/ditto/src/hash/fingerprint.js';
import { ActivityRegularization } from '../packages/ditto/src/layers/activity-regularization.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import * as ops from '../packages/ditto/src/tensor/ops/index.js';
import { Tensor, tensor } from '../packages/ditto/src/tensor/tensor.js';
import { checkGradients, param } from './helpers/finite-differences.js';
import { testValues } from './helpers/test-values.js';

/** (l1·Σ|x| + l2·Σx²) / batch in float64. */
function referencePenalty(x: ArrayLike<number>, batch: number, l1: number, l2: number): number {
  let absSum = 0;
  let squareSum = 0;
  for (let i = 0; i < x.length; i++) {
    absSum += Math.abs(x[i]);
    squareSum += x[i] * x[i];
  }
  return (l1 * absSum + l2 * squareSum) / batch;
}

describe('ActivityRegularization', () => {
  it("gives Keras's test value: l1 0.2, l2 0.3 on the input [2] adds 4·0.3 + 2·0.2", () => {
    const layer = new ActivityRegularization({ l1: 0.2, l2: 0.3, dtype: 'float64' });
    const x = tensor([2], [1], 'float64');
    expect(layer.call(x)).toBe(x);
    const losses = layer.regularizationLosses();
    expect(losses).toHaveLength(1);
    expect(losses[0].item()).toBeCloseTo(4 * 0.3 + 2 * 0.2, 14);
  });

  it('divides by the batch size (Keras 3): a batch repeated twice gives the same penalty', () => {
    const layer = new ActivityRegularization({ l1: 0.01, l2: 0.1, dtype: 'float64' });
    const rows = testValues(4 * 3, 5, -2, 2);
    layer.call(tensor(Float64Array.from(rows), [4, 3], 'float64'));
    const once = layer.regularizationLosses()[0].item();
    expect(once).toBeCloseTo(referencePenalty(rows, 4, 0.01, 0.1), 14);
    layer.call(tensor(Float64Array.from([...rows, ...rows]), [8, 3], 'float64'));
    expect(layer.regularizationLosses()[0].item()).toBeCloseTo(once, 14);
  });

  it('adds nothing with the defaults l1 = l2 = 0, and keeps the mask', () => {
    const layer = new ActivityRegularization();
    layer.call(tensor(Float32Array.from([1, -2]), [1, 2]));
    expect(layer.regularizationLosses()).toEqual([]);
    const mask = tensor(Float32Array.from([1, 0]), [1, 2]);
    expect(layer.computeMask(tensor(Float32Array.from([1, 2]), [1, 2]), mask)).toBe(mask);
    expect(layer.getConfig()).toMatchObject({ l1: 0, l2: 0 });
  });

  it('the gradient of loss + penalty agrees with central differences (float64)', () => {
    const dense = new Dense(3, { dtype: 'float64', seed: 2, activation: 'tanh' });
    dense.build([4]);
    const act = new ActivityRegularization({ l1: 0.05, l2: 0.2, dtype: 'float64' });
    const x = param([5, 4], 3);
    const penalised = () => {
      const h = act.call(dense.call(x));
      return ops.add(ops.mean(ops.square(h)), act.regularizationLosses()[0]);
    };
    checkGradients(penalised, [x, ...dense.variables.map((v) => v.value)]);
  });

  it("enters evaluate's loss: mse + the penalty of the layer's input, per batch", () => {
    const model = new Sequential([
      new Dense(3, { inputShape: [4], dtype: 'float64', seed: 4 }),
      new ActivityRegularization({ l1: 0.1, l2: 0.05, dtype: 'float64' }),
      new Dense(1, { dtype: 'float64', seed: 5 }),
    ]);
    model.compile({ loss: 'mse', optimizer: 'sgd' });
    const x = new Tensor(Float64Array.from(testValues(6 * 4, 6, -1, 1)), [6, 4]);
    const y = new Tensor(Float64Array.from(testValues(6, 7, -1, 1)), [6, 1]);
    const first = model.layers[0] as Dense;
    const hidden = first.call(x).data;
    const predictions = model.predict(x).data;
    let mse = 0;
    for (let i = 0; i < 6; i++) mse += (predictions[i] - y.data[i]) ** 2 / 6;
    const penalty = referencePenalty(hidden, 6, 0.1, 0.05);
    expect(penalty).toBeGreaterThan(0.01); // far above the tolerance: leaving it out fails
    const want = mse + penalty;
    const { loss } = model.evaluate(x, y, { batchSize: 6 });
    // The loss tracker is a float32 Mean, as Keras's: one float32 rounding of the float64 loss.
    expect(Math.abs(loss - want)).toBeLessThanOrEqual(2 ** -23 * Math.abs(want));
  });

  it('fit traced gives the bits of fit eager, and the penalty changes the trained weights', async () => {
    const train = async (tracing: boolean, l1: number) => {
      setTracing(tracing);
      try {
        const model = new Sequential([
          new Dense(4, { inputShape: [3], activation: 'relu', seed: 8 }),
          new ActivityRegularization({ l1, l2: 0.01 }),
          new Dense(1, { seed: 9 }),
        ]);
        model.compile({ loss: 'mse', optimizer: 'adam' });
        const x = tensor(Float32Array.from(testValues(16 * 3, 10, -1, 1)), [16, 3]);
        const y = tensor(Float32Array.from(testValues(16, 11, -1, 1)), [16, 1]);
        await model.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
        return hashArrays(model.getWeights());
      } finally {
        setTracing(true);
      }
    };
    const traced = await train(true, 0.1);
    expect(await train(false, 0.1)).toBe(traced);
    expect(await train(true, 0.2)).not.toBe(traced);
  });

  it('refuses negative or non-finite factors and unknown options, naming the layer', () => {
    expect(() => new ActivityRegularization({ l1: -1, name: 'ar' })).toThrow(
      'ar: l1 must be a finite number >= 0, got -1',
    );
    expect(() => new ActivityRegularization({ l2: Number.NaN, name: 'ar2' })).toThrow(/ar2: l2 must be/);
    expect(() => new ActivityRegularization({ l_1: 0.1 } as never)).toThrow(/did you mean 'l1'/);
  });
});
