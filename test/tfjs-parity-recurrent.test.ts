/**
 * Parity with TensorFlow.js (cpu backend) from the same weights: SimpleRNN, LSTM, GRU (resetAfter
 * false, the only variant tf.js has) and Embedding → LSTM with maskZero. Predictions agree within
 * float32 tolerance (|a − b| ≤ 2e-6 + 2e-5·|b|: tf.js's tanh, sigmoid and sums round differently
 * by a few ulps per step, and 12 steps carry them along); the loss curves of 20 full-batch epochs
 * of plain SGD agree within 1e-4 relative. Plain SGD, because its update w − lr·g has the same form
 * in both, so the curves compare the gradients alone: with Adam, whose forms differ by where ε goes
 * (test/tfjs-parity.test.ts), parameters with gradients near ε (1e-7) step differently from the
 * first step on, and the curves part by ~1e-3 relative over 20 epochs (measured).
 * A wrong gate order, a wrong bias layout or a wrong mask changes outputs by percent.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { Embedding } from '../packages/ditto/src/layers/embedding.js';
import type { Layer } from '../packages/ditto/src/layers/layer.js';
import { GRU } from '../packages/ditto/src/layers/recurrent/gru.js';
import { LSTM } from '../packages/ditto/src/layers/recurrent/lstm.js';
import { SimpleRNN } from '../packages/ditto/src/layers/recurrent/simple-rnn.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import { SGD } from '../packages/ditto/src/optimizers/index.js';
import { tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

const N = 16;
const T = 12;
const F = 3;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const series = () => ({
  x: Float32Array.from(testValues(N * T * F, 31, -1, 1)),
  y: Float32Array.from(testValues(N, 32, -0.5, 0.5)),
});

interface Pair {
  ditto: Layer[];
  tfjs: () => tf.layers.Layer[];
  x: Float32Array;
  xShape: number[];
}

async function compare(pair: Pair) {
  const model = new Sequential(pair.ditto);
  const initial = model.getWeights();
  const shapes = model.variables.map((v) => [...v.shape]);
  const peer = tf.sequential({ layers: pair.tfjs() });
  peer.setWeights(initial.map((w, i) => tf.tensor(w, shapes[i])));
  const xd = tensor(pair.x, pair.xShape);
  const xt = tf.tensor(pair.x, pair.xShape);
  const ours = model.predict(xd).data;
  const theirs = (peer.predict(xt) as tf.Tensor).dataSync();
  let worstPrediction = 0;
  for (let i = 0; i < ours.length; i++) {
    worstPrediction = Math.max(
      worstPrediction,
      Math.abs(ours[i] - theirs[i]) / (2e-6 + 2e-5 * Math.abs(theirs[i])),
    );
  }
  const { y } = series();
  model.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 0.2 }) });
  peer.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.2) });
  const a = (await model.fit(xd, tensor(y, [N, 1]), { epochs: 20, batchSize: N, shuffle: false, verbose: 0 }))
    .history.loss;
  const b = (
    await peer.fit(xt, tf.tensor(y, [N, 1]), { epochs: 20, batchSize: N, shuffle: false, verbose: 0 })
  ).history.loss as number[];
  let worstLoss = 0;
  for (let i = 0; i < a.length; i++)
    worstLoss = Math.max(worstLoss, Math.abs(a[i] - b[i]) / (1e-4 * Math.abs(b[i])));
  return { worstPrediction, worstLoss, falls: a[19] < a[0] };
}

describe('recurrent layers agree with tf.js from the same weights', () => {
  const { x } = series();
  const cases: Array<[string, () => Pair]> = [
    [
      'SimpleRNN',
      () => ({
        ditto: [new SimpleRNN(5, { inputShape: [T, F], seed: 1 }), new Dense(1, { seed: 2 })],
        tfjs: () => [tf.layers.simpleRNN({ units: 5, inputShape: [T, F] }), tf.layers.dense({ units: 1 })],
        x,
        xShape: [N, T, F],
      }),
    ],
    [
      'LSTM (returnSequences into an LSTM)',
      () => ({
        ditto: [
          new LSTM(6, { inputShape: [T, F], returnSequences: true, seed: 3 }),
          new LSTM(4, { seed: 4 }),
          new Dense(1, { seed: 5 }),
        ],
        tfjs: () => [
          tf.layers.lstm({
            units: 6,
            recurrentActivation: 'sigmoid',
            inputShape: [T, F],
            returnSequences: true,
          }),
          tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid' }),
          tf.layers.dense({ units: 1 }),
        ],
        x,
        xShape: [N, T, F],
      }),
    ],
    [
      'LSTM goBackwards',
      () => ({
        ditto: [new LSTM(5, { inputShape: [T, F], goBackwards: true, seed: 6 }), new Dense(1, { seed: 7 })],
        tfjs: () => [
          tf.layers.lstm({ units: 5, recurrentActivation: 'sigmoid', inputShape: [T, F], goBackwards: true }),
          tf.layers.dense({ units: 1 }),
        ],
        x,
        xShape: [N, T, F],
      }),
    ],
    [
      'GRU resetAfter false',
      () => ({
        ditto: [new GRU(5, { inputShape: [T, F], resetAfter: false, seed: 8 }), new Dense(1, { seed: 9 })],
        tfjs: () => [
          tf.layers.gru({ units: 5, recurrentActivation: 'sigmoid', inputShape: [T, F] }),
          tf.layers.dense({ units: 1 }),
        ],
        x,
        xShape: [N, T, F],
      }),
    ],
    [
      'Embedding with maskZero → LSTM',
      () => {
        // Index sequences with trailing zeros (padding) of varying length.
        const ids = Float32Array.from({ length: N * T }, (_, i) => {
          const row = Math.floor(i / T);
          const t = i % T;
          return t >= T - (row % 5) ? 0 : 1 + ((i * 7 + row) % 19);
        });
        return {
          ditto: [
            new Embedding(20, 4, { inputLength: T, maskZero: true, seed: 10 }),
            new LSTM(5, { seed: 11 }),
            new Dense(1, { seed: 12 }),
          ],
          tfjs: () => [
            tf.layers.embedding({ inputDim: 20, outputDim: 4, inputLength: T, maskZero: true }),
            tf.layers.lstm({ units: 5, recurrentActivation: 'sigmoid' }),
            tf.layers.dense({ units: 1 }),
          ],
          x: ids,
          xShape: [N, T],
        };
      },
    ],
  ];
  for (const [name, make] of cases) {
    it(name, async () => {
      const { worstPrediction, worstLoss, falls } = await compare(make());
      expect(worstPrediction, 'predictions, in units of the tolerance').toBeLessThanOrEqual(1);
      expect(worstLoss, 'loss curve, in units of the tolerance').toBeLessThanOrEqual(1);
      expect(falls).toBe(true);
    });
  }

  it('a wrong gate order is caught (swapping the LSTM forget and cell blocks fails)', async () => {
    const model = new Sequential([new LSTM(4, { inputShape: [T, F], seed: 13 })]);
    const weights = model.getWeights();
    const peer = tf.sequential({
      layers: [tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid', inputShape: [T, F] })],
    });
    const swap = (w: Float32Array | Float64Array, rows: number) => {
      const out = w.slice();
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < 4; j++) {
          out[r * 16 + 4 + j] = w[r * 16 + 8 + j];
          out[r * 16 + 8 + j] = w[r * 16 + 4 + j];
        }
      return out;
    };
    const shapes = [[F, 16], [4, 16], [16]];
    peer.setWeights(
      [swap(weights[0], F), swap(weights[1], 4), swap(weights[2], 1)].map((w, i) => tf.tensor(w, shapes[i])),
    );
    const ours = model.predict(tensor(x, [N, T, F])).data;
    const theirs = (peer.predict(tf.tensor(x, [N, T, F])) as tf.Tensor).dataSync();
    const worst = Math.max(...Array.from(ours, (v, i) => Math.abs(v - theirs[i])));
    expect(worst).toBeGreaterThan(1e-3);
  });
});
