/**
 * Parity with TensorFlow.js (cpu backend) from the same weights for the convolution family:
 * Conv2D (valid/same, strides, dilation), Conv1D, max/average pooling 1-D and 2-D, global pooling,
 * Flatten and Reshape. Predictions agree within float32 tolerance (|a − b| ≤ 1e-6 + 1e-5·|b|: the
 * two sum a window's products in different orders); the loss curves of 20 full-batch epochs of
 * plain SGD agree within 1e-4 relative (plain SGD: its update has the same form in both, so the
 * curves compare the gradients alone — see test/tfjs-parity-recurrent.test.ts). A transposed
 * kernel layout, a wrong padding split or a pooling that counts padding changes outputs by percent.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AveragePooling1D,
  AveragePooling2D,
  Conv1D,
  Conv2D,
  Dense,
  Flatten,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  type Layer,
  MaxPooling1D,
  MaxPooling2D,
  optimizers,
  Reshape,
  Sequential,
} from '../packages/ditto/src/index.js';
import { tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

const N = 12;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface Pair {
  ditto: () => Layer[];
  tfjs: () => tf.layers.Layer[];
  sample: number[];
}

async function compare(pair: Pair, train: boolean) {
  const model = new Sequential(pair.ditto());
  const initial = model.getWeights();
  const shapes = model.variables.map((v) => [...v.shape]);
  const peer = tf.sequential({ layers: pair.tfjs() });
  peer.setWeights(initial.map((w, i) => tf.tensor(w, shapes[i])));
  const size = pair.sample.reduce((p, d) => p * d, 1);
  const x = Float32Array.from(testValues(N * size, 51, -1, 1));
  const xd = tensor(x, [N, ...pair.sample]);
  const xt = tf.tensor(x, [N, ...pair.sample]);
  const ours = model.predict(xd).data;
  const theirs = (peer.predict(xt) as tf.Tensor).dataSync();
  expect(ours.length).toBe(theirs.length);
  let worstPrediction = 0;
  for (let i = 0; i < ours.length; i++) {
    worstPrediction = Math.max(
      worstPrediction,
      Math.abs(ours[i] - theirs[i]) / (1e-6 + 1e-5 * Math.abs(theirs[i])),
    );
  }
  if (!train) return { worstPrediction, worstLoss: 0, falls: true };
  const y = Float32Array.from(testValues(N * 2, 52, -0.5, 0.5));
  model.compile({ loss: 'mse', optimizer: new optimizers.SGD({ learningRate: 0.1 }) });
  peer.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.1) });
  const a = (await model.fit(xd, tensor(y, [N, 2]), { epochs: 20, batchSize: N, shuffle: false, verbose: 0 }))
    .history.loss;
  const b = (
    await peer.fit(xt, tf.tensor(y, [N, 2]), { epochs: 20, batchSize: N, shuffle: false, verbose: 0 })
  ).history.loss as number[];
  let worstLoss = 0;
  for (let i = 0; i < a.length; i++)
    worstLoss = Math.max(worstLoss, Math.abs(a[i] - b[i]) / (1e-4 * Math.abs(b[i])));
  return { worstPrediction, worstLoss, falls: a[19] < a[0] };
}

/**
 * Each case with a dilation (`d`) where it has one: tf.js has no gradient of dilated convolutions,
 * so those compare predictions only (their gradients are checked against central differences in
 * test/layers-conv.test.ts). Likewise average pooling with 'same' padding: tf.js's gradient divides
 * by the whole window while its forward divides by the valid positions (measured: the corner of a
 * 3×3 window over a 5×5 input gets 1/9 of its gradient, where its output was the mean of 4 values).
 */
const CASES: Array<[string, (d: number) => Pair]> = [
  [
    'Conv2D valid relu → MaxPooling2D → Conv2D same strides 2 → GlobalAveragePooling2D → Dense',
    () => ({
      sample: [9, 8, 2],
      ditto: () => [
        new Conv2D(4, 3, { activation: 'relu', inputShape: [9, 8, 2], seed: 1 }),
        new MaxPooling2D(),
        new Conv2D(5, [2, 3], {
          padding: 'same',
          strides: 2,
          activation: 'tanh',
          seed: 2,
          biasInitializer: 'ones',
        }),
        new GlobalAveragePooling2D(),
        new Dense(2, { seed: 3 }),
      ],
      tfjs: () => [
        tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [9, 8, 2] }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 5, kernelSize: [2, 3], padding: 'same', strides: 2, activation: 'tanh' }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 2 }),
      ],
    }),
  ],
  [
    'Conv2D same (dilation d) → AveragePooling2D (same when d = 2: padding not counted) → Flatten → Dense',
    (d) => ({
      sample: [7, 7, 1],
      ditto: () => [
        new Conv2D(3, 3, {
          dilationRate: d,
          padding: 'same',
          activation: 'sigmoid',
          inputShape: [7, 7, 1],
          seed: 4,
        }),
        new AveragePooling2D({ poolSize: 3, strides: 2, padding: d === 1 ? 'valid' : 'same' }),
        new Flatten(),
        new Dense(2, { seed: 5 }),
      ],
      tfjs: () => [
        tf.layers.conv2d({
          filters: 3,
          kernelSize: 3,
          dilationRate: d,
          padding: 'same',
          activation: 'sigmoid',
          inputShape: [7, 7, 1],
        }),
        tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: d === 1 ? 'valid' : 'same' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    }),
  ],
  [
    'Reshape → Conv1D → MaxPooling1D same → Conv1D (dilation d) → AveragePooling1D → GlobalMaxPooling1D → Dense',
    (d) => ({
      sample: [30],
      ditto: () => [
        new Reshape([15, 2], { inputShape: [30] }),
        new Conv1D(4, 3, { activation: 'relu', seed: 6 }),
        new MaxPooling1D({ poolSize: 3, strides: 2, padding: 'same' }),
        new Conv1D(3, 2, { dilationRate: d, activation: 'tanh', seed: 7 }),
        new AveragePooling1D(),
        new GlobalMaxPooling1D(),
        new Dense(2, { seed: 8 }),
      ],
      tfjs: () => [
        tf.layers.reshape({ targetShape: [15, 2], inputShape: [30] }),
        tf.layers.conv1d({ filters: 4, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }),
        tf.layers.conv1d({ filters: 3, kernelSize: 2, dilationRate: d, activation: 'tanh' }),
        tf.layers.averagePooling1d({ poolSize: 2 }),
        tf.layers.globalMaxPooling1d({}),
        tf.layers.dense({ units: 2 }),
      ],
    }),
  ],
];

describe('convolution and pooling layers agree with tf.js from the same weights', () => {
  it.each(CASES)('%s: predictions and 20 epochs of SGD (d = 1)', async (_, pair) => {
    const { worstPrediction, worstLoss, falls } = await compare(pair(1), true);
    expect(worstPrediction).toBeLessThanOrEqual(1);
    expect(worstLoss).toBeLessThanOrEqual(1);
    expect(falls).toBe(true);
  });

  it.each(CASES.slice(1))('%s: predictions (d = 2)', async (_, pair) => {
    const { worstPrediction } = await compare(pair(2), false);
    expect(worstPrediction).toBeLessThanOrEqual(1);
  });
});
