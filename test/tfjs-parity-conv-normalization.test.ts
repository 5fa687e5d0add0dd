/**
 * Parity with TensorFlow.js (cpu backend) from the same weights for BatchNormalization (inference
 * with non-trivial moving statistics; training: 20 full-batch epochs of plain SGD, the loss curve
 * and the moving statistics at the end) and LayerNormalization. Tolerances as in
 * test/tfjs-parity-conv.test.ts: predictions |a − b| ≤ 1e-6 + 1e-5·|b|, losses 1e-4 relative;
 * the moving statistics 1e-5 relative (both update them in float32 with the same momentum, in
 * forms that round differently: Keras's m·μ + b·(1 − μ) here, m − (m − b)·(1 − μ) in tf.js).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BatchNormalization,
  Conv2D,
  Dense,
  Flatten,
  type Layer,
  LayerNormalization,
  optimizers,
  Sequential,
} from '../packages/ditto/src/index.js';
import { tensor } from '../packages/ditto/src/tensor/tensor.js';
import { testValues } from './helpers/test-values.js';

const N = 12;
const SAMPLE = [6, 6, 2];
const SIZE = 72;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function worst(ours: ArrayLike<number>, theirs: ArrayLike<number>, abs: number, rel: number): number {
  expect(ours.length).toBe(theirs.length);
  let w = 0;
  for (let i = 0; i < ours.length; i++)
    w = Math.max(w, Math.abs(ours[i] - theirs[i]) / (abs + rel * Math.abs(theirs[i])));
  return w;
}

function pair(ditto: Layer[], peer: tf.layers.Layer[], adjust?: (weights: Float32Array[]) => void) {
  const model = new Sequential(ditto);
  const weights = model.getWeights() as Float32Array[];
  adjust?.(weights);
  model.setWeights(weights);
  const other = tf.sequential({ layers: peer });
  // Layer by layer: tf.js orders a model's weights trainable first, the moving statistics last.
  // Copies: tf.js's cpu backend may keep the array it is given.
  model.layers.forEach((layer, i) => {
    other.layers[i].setWeights(layer.variables.map((v) => tf.tensor(v.value.data.slice(), [...v.shape])));
  });
  const x = Float32Array.from(testValues(N * SIZE, 81, -1, 2));
  return { model, other, xd: tensor(x, [N, ...SAMPLE]), xt: tf.tensor(x, [N, ...SAMPLE]) };
}

const conv = () => new Conv2D(3, 3, { inputShape: SAMPLE, seed: 1 });
const tfConv = () => tf.layers.conv2d({ filters: 3, kernelSize: 3, inputShape: SAMPLE });

describe('normalisation layers agree with tf.js from the same weights', () => {
  it('BatchNormalization at inference, with moving statistics away from 0 and 1', () => {
    const { model, other, xd, xt } = pair(
      [conv(), new BatchNormalization({ epsilon: 0.01 }), new Flatten(), new Dense(2, { seed: 2 })],
      [
        tfConv(),
        tf.layers.batchNormalization({ epsilon: 0.01 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
      (w) => {
        // conv kernel, bias, gamma, beta, moving mean, moving variance, dense kernel, bias
        w[2].set(testValues(3, 82, 0.5, 1.5));
        w[3].set(testValues(3, 83, -0.5, 0.5));
        w[4].set(testValues(3, 84, -0.3, 0.3));
        w[5].set(testValues(3, 85, 0.5, 2));
      },
    );
    const ours = model.predict(xd).data;
    const theirs = (other.predict(xt) as tf.Tensor).dataSync();
    expect(worst(ours, theirs, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
  });

  it('BatchNormalization in training: 20 epochs of SGD, the loss curve and the moving statistics', async () => {
    const { model, other, xd, xt } = pair(
      [conv(), new BatchNormalization({ momentum: 0.9 }), new Flatten(), new Dense(2, { seed: 2 })],
      [
        tfConv(),
        tf.layers.batchNormalization({ momentum: 0.9 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    );
    const y = Float32Array.from(testValues(N * 2, 86, -0.5, 0.5));
    model.compile({ loss: 'mse', optimizer: new optimizers.SGD({ learningRate: 0.05 }) });
    other.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.05) });
    const fit = { epochs: 20, batchSize: N, shuffle: false, verbose: 0 } as const;
    const a = (await model.fit(xd, tensor(y, [N, 2]), fit)).history.loss;
    const b = (await other.fit(xt, tf.tensor(y, [N, 2]), fit)).history.loss as number[];
    expect(worst(a, b, 0, 1e-4)).toBeLessThanOrEqual(1);
    expect(a[19]).toBeLessThan(a[0]);
    const ours = model.layers[1].variables.map((v) => v.value.data);
    const theirs = other.layers[1].getWeights().map((t) => t.dataSync());
    expect(worst(ours[2], theirs[2], 1e-7, 1e-5)).toBeLessThanOrEqual(1);
    expect(worst(ours[3], theirs[3], 1e-7, 1e-5)).toBeLessThanOrEqual(1);
    // After 20 steps at momentum 0.9 the moving mean has moved well away from its initial zeros.
    expect(Math.max(...Array.from(ours[2], Math.abs))).toBeGreaterThan(0.01);
  });

  it('LayerNormalization: predictions and 20 epochs of SGD', async () => {
    const { model, other, xd, xt } = pair(
      [conv(), new Flatten(), new LayerNormalization({ epsilon: 1e-5 }), new Dense(2, { seed: 2 })],
      [
        tfConv(),
        tf.layers.flatten(),
        tf.layers.layerNormalization({ epsilon: 1e-5 }),
        tf.layers.dense({ units: 2 }),
      ],
      (w) => {
        w[2].set(testValues(w[2].length, 87, 0.5, 1.5));
        w[3].set(testValues(w[3].length, 88, -0.5, 0.5));
      },
    );
    const ours = model.predict(xd).data;
    const theirs = (other.predict(xt) as tf.Tensor).dataSync();
    expect(worst(ours, theirs, 1e-6, 1e-5)).toBeLessThanOrEqual(1);
    const y = Float32Array.from(testValues(N * 2, 89, -0.5, 0.5));
    model.compile({ loss: 'mse', optimizer: new optimizers.SGD({ learningRate: 0.05 }) });
    other.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.05) });
    const fit = { epochs: 20, batchSize: N, shuffle: false, verbose: 0 } as const;
    const a = (await model.fit(xd, tensor(y, [N, 2]), fit)).history.loss;
    const b = (await other.fit(xt, tf.tensor(y, [N, 2]), fit)).history.loss as number[];
    expect(worst(a, b, 0, 1e-4)).toBeLessThanOrEqual(1);
    expect(a[19]).toBeLessThan(a[0]);
  });
});
