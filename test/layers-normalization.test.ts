/**
 * BatchNormalization and LayerNormalization: forward against float64 formulas written here,
 * gradients against central finite differences in float64, Keras's moving-statistics update
 * (momentum form) in training and their use at inference, bad options and shapes refused at
 * construction, and a CNN with BatchNormalization traced and replayed with the bits of eager steps
 * on js and wasm (moving statistics included), pinned.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { engineDiagnostics } from '../packages/ditto/src/engine/diagnostics.js';
import { setTracing } from '../packages/ditto/src/engine/trace-cache.js';
import {
  Activation,
  BatchNormalization,
  Conv2D,
  Dense,
  Flatten,
  GroupNormalization,
  hashArrays,
  LayerNormalization,
  MaxPooling2D,
  Normalization,
  Sequential,
  UnitNormalization,
} from '../packages/ditto/src/index.js';
import { Tensor } from '../packages/ditto/src/tensor/tensor.js';
import { checkGradients, param } from './helpers/finite-differences.js';
import { testValues } from './helpers/test-values.js';

beforeAll(() => {
  registerWasmBackend();
});
afterEach(() => {
  setTracing(true);
  setBackend('js');
});

/** Mean and biased variance of each feature (last axis) over rows, in float64. */
function featureMoments(x: ArrayLike<number>, rows: number, features: number) {
  const mean = new Array<number>(features).fill(0);
  const variance = new Array<number>(features).fill(0);
  for (let r = 0; r < rows; r++) for (let f = 0; f < features; f++) mean[f] += x[r * features + f] / rows;
  for (let r = 0; r < rows; r++)
    for (let f = 0; f < features; f++) variance[f] += (x[r * features + f] - mean[f]) ** 2 / rows;
  return { mean, variance };
}

function batchNorm(options = {}) {
  const layer = new BatchNormalization({ dtype: 'float64', ...options });
  layer.build([3, 2, 4]);
  layer.gamma?.assign(testValues(4, 61, 0.5, 1.5));
  layer.beta?.assign(testValues(4, 62, -0.5, 0.5));
  return layer;
}

describe('BatchNormalization', () => {
  it('training: normalises each feature with the batch statistics; weights in Keras order', () => {
    const layer = batchNorm();
    expect(layer.variables.map((v) => v.name.split('/')[1])).toEqual([
      'gamma',
      'beta',
      'moving_mean',
      'moving_variance',
    ]);
    expect(layer.trainableVariables.length).toBe(2);
    const x = param([5, 3, 2, 4], 63);
    const y = layer.call(x, { training: true });
    const { mean, variance } = featureMoments(x.data, 30, 4);
    const gamma = layer.gamma!.value.data;
    const beta = layer.beta!.value.data;
    y.data.forEach((v, i) => {
      const f = i % 4;
      const want = ((x.data[i] - mean[f]) * gamma[f]) / Math.sqrt(variance[f] + 1e-3) + beta[f];
      expect(Math.abs(v - want)).toBeLessThan(1e-12);
    });
    // Keras's momentum form from the initial statistics (0 and 1).
    Array.from(layer.movingMean.value.data).forEach((m, f) => {
      expect(Math.abs(m - 0.01 * mean[f])).toBeLessThan(1e-15);
    });
    Array.from(layer.movingVariance.value.data).forEach((m, f) => {
      expect(Math.abs(m - (0.99 + 0.01 * variance[f]))).toBeLessThan(1e-15);
    });
  });

  it('inference: uses the moving statistics and leaves them unchanged', () => {
    const layer = batchNorm({ momentum: 0.5, epsilon: 0.01 });
    layer.movingMean.assign([0.1, -0.2, 0.3, 0]);
    layer.movingVariance.assign([2, 0.5, 1, 4]);
    const x = param([2, 3, 2, 4], 64);
    const y = layer.call(x, { training: false });
    const gamma = layer.gamma!.value.data;
    const beta = layer.beta!.value.data;
    const m = [0.1, -0.2, 0.3, 0];
    const v = [2, 0.5, 1, 4];
    y.data.forEach((value, i) => {
      const f = i % 4;
      expect(
        Math.abs(value - (((x.data[i] - m[f]) * gamma[f]) / Math.sqrt(v[f] + 0.01) + beta[f])),
      ).toBeLessThan(1e-12);
    });
    expect(Array.from(layer.movingMean.value.data)).toEqual(m);
  });

  it('gradients agree with central differences (training and inference; axis 1; no center/scale)', () => {
    const layer = batchNorm();
    const x = param([4, 3, 2, 4], 65);
    checkGradients(() => layer.call(x, { training: true }), [x, layer.gamma!.value, layer.beta!.value]);
    checkGradients(() => layer.call(x, { training: false }), [x, layer.gamma!.value, layer.beta!.value]);
    const first = new BatchNormalization({ dtype: 'float64', axis: 1, center: false, scale: false });
    first.build([3, 5]);
    expect(first.variables.length).toBe(2);
    const z = param([4, 3, 5], 66);
    checkGradients(() => first.call(z, { training: true }), [z]);
  });
});

describe('LayerNormalization', () => {
  it('normalises each sample over its last axis; gradients agree with central differences', () => {
    const layer = new LayerNormalization({ dtype: 'float64', epsilon: 1e-5 });
    layer.build([3, 6]);
    layer.gamma?.assign(testValues(6, 67, 0.5, 1.5));
    layer.beta?.assign(testValues(6, 68, -0.5, 0.5));
    const x = param([2, 3, 6], 69);
    const y = layer.call(x);
    for (let r = 0; r < 6; r++) {
      const row = Array.from(x.data.slice(r * 6, r * 6 + 6));
      const mean = row.reduce((s, v) => s + v, 0) / 6;
      const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / 6;
      row.forEach((v, f) => {
        const want =
          ((v - mean) * layer.gamma!.value.data[f]) / Math.sqrt(variance + 1e-5) + layer.beta!.value.data[f];
        expect(Math.abs(y.data[r * 6 + f] - want)).toBeLessThan(1e-12);
      });
    }
    checkGradients(() => layer.call(x), [x, layer.gamma!.value, layer.beta!.value]);
  });

  it('over several axes: γ and β take their shape', () => {
    const layer = new LayerNormalization({ dtype: 'float64', axis: [-2, -1] });
    layer.build([3, 4]);
    expect(layer.gamma?.shape).toEqual([3, 4]);
    const x = param([2, 3, 4], 70);
    checkGradients(() => layer.call(x), [x, layer.gamma!.value, layer.beta!.value]);
  });
});

describe('GroupNormalization and UnitNormalization', () => {
  it('GroupNormalization normalises each sample per group of channels over its positions', () => {
    const layer = new GroupNormalization({ dtype: 'float64', groups: 2 });
    layer.build([3, 2, 4]);
    layer.gamma?.assign(testValues(4, 73, 0.5, 1.5));
    layer.beta?.assign(testValues(4, 74, -0.5, 0.5));
    const x = param([2, 3, 2, 4], 75);
    const y = layer.call(x);
    for (let n = 0; n < 2; n++) {
      for (let group = 0; group < 2; group++) {
        const index: number[] = [];
        for (let p = 0; p < 6; p++)
          for (let c = group * 2; c < group * 2 + 2; c++) index.push(n * 24 + p * 4 + c);
        const mean = index.reduce((s, i) => s + x.data[i], 0) / index.length;
        const variance = index.reduce((s, i) => s + (x.data[i] - mean) ** 2, 0) / index.length;
        for (const i of index) {
          const c = i % 4;
          const want =
            ((x.data[i] - mean) / Math.sqrt(variance + 1e-3)) * layer.gamma!.value.data[c] +
            layer.beta!.value.data[c];
          expect(Math.abs(y.data[i] - want)).toBeLessThan(1e-12);
        }
      }
    }
    checkGradients(() => layer.call(x), [x, layer.gamma!.value, layer.beta!.value]);
    expect(
      () => new Sequential([new GroupNormalization({ groups: 3, inputShape: [5, 4], name: 'g' })]),
    ).toThrow(/g: 3 groups must divide the channels \(last axis\) of samples of shape \[5, 4\]/);
  });

  it('UnitNormalization scales each sample to unit L2 norm', () => {
    const x = param([3, 5], 76);
    const y = new UnitNormalization().call(x);
    for (let r = 0; r < 3; r++) {
      const norm = Math.sqrt(Array.from(x.data.slice(r * 5, r * 5 + 5)).reduce((s, v) => s + v * v, 0));
      for (let f = 0; f < 5; f++)
        expect(Math.abs(y.data[r * 5 + f] - x.data[r * 5 + f] / norm)).toBeLessThan(1e-15);
    }
    checkGradients(() => new UnitNormalization().call(x), [x]);
    expect(() => new UnitNormalization({ axis: [] })).toThrow(/UnitNormalization: axis must be/);
  });
});

describe('Normalization (adapted on data)', () => {
  it("adapt sets each feature's mean and biased variance; call standardises; a model uses it", () => {
    const data = param([10, 3], 77, -3, 5);
    const layer = new Normalization({ dtype: 'float64' });
    layer.adapt(data);
    const { mean, variance } = featureMoments(data.data, 10, 3);
    expect(layer.variables.map((v) => v.name.split('/')[1])).toEqual(['mean', 'variance']);
    expect(layer.trainableVariables).toHaveLength(0);
    layer.variables[0].value.data.forEach((m, f) => {
      expect(Math.abs(m - mean[f])).toBeLessThan(1e-14);
    });
    const y = layer.call(data);
    y.data.forEach((v, i) => {
      expect(Math.abs(v - (data.data[i] - mean[i % 3]) / Math.sqrt(variance[i % 3]))).toBeLessThan(1e-12);
    });
    const given = new Normalization({ mean: [1, 2], variance: [4, 0], inputShape: [2] });
    const model = new Sequential([given]);
    expect(Array.from(model.predict([[3, 2]]).data)).toEqual([1, 0]);
    expect(() => new Normalization({ mean: [1] })).toThrow(/give both mean and variance/);
    expect(() => new Normalization().call(data)).toThrow(/call adapt\(data\) before using the layer/);
  });
});

describe('bad input fails at construction, naming the layer', () => {
  it('options and axes', () => {
    expect(() => new BatchNormalization({ momentum: 1.5 })).toThrow(
      /BatchNormalization: momentum must be in \[0, 1\]/,
    );
    expect(() => new BatchNormalization({ epsilon: 0 })).toThrow(
      /BatchNormalization: epsilon must be positive/,
    );
    expect(() => new BatchNormalization({ moving_mean_initializer: 'zeros' } as object)).toThrow(
      /did you mean 'movingMeanInitializer'/,
    );
    expect(
      () => new Sequential([new BatchNormalization({ axis: 3, inputShape: [4, 2], name: 'bn' })]),
    ).toThrow(/bn: axis 3 is outside batches of samples of shape \[4, 2\]/);
    expect(() => new LayerNormalization({ axis: 0 })).toThrow(/axis 0 is the batch/);
    expect(
      () => new Sequential([new LayerNormalization({ axis: [1, 1], inputShape: [4, 2], name: 'ln' })]),
    ).toThrow(/ln: axis \[1,1\] does not name distinct sample axes/);
  });
});

async function trainBatchNormCnn(backend: 'js' | 'wasm', tracing: boolean) {
  setBackend(backend);
  setTracing(tracing);
  const n = 16;
  const x = new Tensor(Float32Array.from(testValues(n * 64, 71, 0, 1)), [n, 8, 8, 1]);
  const y = new Tensor(Float32Array.from(testValues(n * 2, 72, -1, 1)), [n, 2]);
  const model = new Sequential([
    new Conv2D(4, 3, { inputShape: [8, 8, 1], seed: 1, useBias: false }),
    new BatchNormalization(),
    new Activation('relu'),
    new MaxPooling2D(),
    new Flatten(),
    new LayerNormalization(),
    new Dense(2, { seed: 2 }),
  ]);
  model.compile({ loss: 'mse', optimizer: 'adam' });
  const history = await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0, seed: 3 });
  return {
    hash: hashArrays(model.getWeights()),
    loss: history.history.loss,
    predict: hashArrays([model.predict(x).data]),
  };
}

describe('BatchNormalization and LayerNormalization in the engine', () => {
  it('train traced and replayed with the bits of eager steps, on js and wasm, pinned', async () => {
    const before = engineDiagnostics().length;
    const traced = await trainBatchNormCnn('js', true);
    expect(engineDiagnostics().length).toBe(before);
    const eager = await trainBatchNormCnn('js', false);
    const wasm = await trainBatchNormCnn('wasm', true);
    expect(eager).toEqual(traced);
    expect(wasm).toEqual(traced);
    expect(traced.loss[2]).toBeLessThan(traced.loss[0]);
    expect(traced.hash).toBe('f01fd42ae1c2f3dd9d4cdc4f7448650a12ae666c3e0ac0447be20aa883495709');
  });
});
