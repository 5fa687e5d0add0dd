/**
 * DepthwiseConv2D and SeparableConv2D: depthwise against a direct float64 loop written here
 * (output channel c·m + j), gradients against central finite differences, Keras's weight layouts,
 * and tf.js parity (predictions, 20 SGD epochs).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DepthwiseConv2D,
  Flatten,
  optimizers,
  SeparableConv2D,
  Sequential,
} from '../packages/ditto/src/index.js';
import { tensor } from '../packages/ditto/src/tensor/tensor.js';
import { checkGradients, param } from './helpers/finite-differences.js';
import { testValues } from './helpers/test-values.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('DepthwiseConv2D', () => {
  it('convolves each channel with its own filters (valid, strides 2, dilation 1; same, dilation 2)', () => {
    for (const [strides, dilationRate, padding] of [
      [2, 1, 'valid'],
      [1, 2, 'same'],
    ] as const) {
      const layer = new DepthwiseConv2D([3, 2], {
        depthMultiplier: 2,
        strides,
        dilationRate,
        padding,
        dtype: 'float64',
        seed: 1,
      });
      layer.build([6, 5, 3]);
      expect(layer.depthwiseKernel.shape).toEqual([3, 2, 3, 2]);
      layer.bias?.assign(testValues(6, 2, -0.5, 0.5));
      const x = param([2, 6, 5, 3], 3);
      const y = layer.call(x);
      const [, oh, ow] = y.shape;
      const w = layer.depthwiseKernel.value.data;
      const pad = (input: number, k: number, out: number) =>
        padding === 'same'
          ? Math.floor(Math.max((out - 1) * strides + (k - 1) * dilationRate + 1 - input, 0) / 2)
          : 0;
      const top = pad(6, 3, oh);
      const left = pad(5, 2, ow);
      for (let n = 0; n < 2; n++)
        for (let oy = 0; oy < oh; oy++)
          for (let ox = 0; ox < ow; ox++)
            for (let c = 0; c < 3; c++)
              for (let j = 0; j < 2; j++) {
                let s = layer.bias!.value.data[c * 2 + j];
                for (let ky = 0; ky < 3; ky++)
                  for (let kx = 0; kx < 2; kx++) {
                    const iy = oy * strides - top + ky * dilationRate;
                    const ix = ox * strides - left + kx * dilationRate;
                    if (iy < 0 || iy >= 6 || ix < 0 || ix >= 5) continue;
                    s += x.data[((n * 6 + iy) * 5 + ix) * 3 + c] * w[((ky * 2 + kx) * 3 + c) * 2 + j];
                  }
                expect(Math.abs(y.data[((n * oh + oy) * ow + ox) * 6 + c * 2 + j] - s)).toBeLessThan(1e-12);
              }
      checkGradients(() => layer.call(x), [x, layer.depthwiseKernel.value, layer.bias!.value]);
    }
  });

  it('SeparableConv2D = depthwise then pointwise; weights in Keras order; gradients', () => {
    const layer = new SeparableConv2D(4, 3, {
      depthMultiplier: 2,
      padding: 'same',
      dtype: 'float64',
      seed: 4,
    });
    layer.build([5, 5, 2]);
    expect(layer.variables.map((v) => [v.name.split('/')[1], v.shape])).toEqual([
      ['depthwise_kernel', [3, 3, 2, 2]],
      ['pointwise_kernel', [1, 1, 4, 4]],
      ['bias', [4]],
    ]);
    const x = param([2, 5, 5, 2], 5);
    checkGradients(() => layer.call(x), [x, layer.depthwiseKernel.value, layer.pointwiseKernel.value]);
    expect(() => new SeparableConv2D(4, 3, { depth_multiplier: 2 } as object)).toThrow(
      /did you mean 'depthMultiplier'/,
    );
  });
});

describe('agree with tf.js from the same weights', () => {
  it('DepthwiseConv2D → SeparableConv2D → Flatten: predictions and 20 epochs of SGD', async () => {
    const N = 6;
    const model = new Sequential([
      new DepthwiseConv2D(3, { depthMultiplier: 2, activation: 'tanh', inputShape: [7, 6, 2], seed: 6 }),
      new SeparableConv2D(2, [2, 3], { strides: 2, padding: 'same', seed: 7 }),
      new Flatten(),
    ]);
    const peer = tf.sequential({
      layers: [
        tf.layers.depthwiseConv2d({
          kernelSize: 3,
          depthMultiplier: 2,
          activation: 'tanh',
          inputShape: [7, 6, 2],
        }),
        tf.layers.separableConv2d({ filters: 2, kernelSize: [2, 3], strides: 2, padding: 'same' }),
        tf.layers.flatten(),
      ],
    });
    peer.setWeights(model.getWeights().map((w, i) => tf.tensor(w.slice(), [...model.variables[i].shape])));
    const x = Float32Array.from(testValues(N * 84, 8, -1, 1));
    const ours = model.predict(tensor(x, [N, 7, 6, 2])).data;
    const theirs = (peer.predict(tf.tensor(x, [N, 7, 6, 2])) as tf.Tensor).dataSync();
    expect(ours.length).toBe(theirs.length);
    for (let i = 0; i < ours.length; i++) {
      expect(Math.abs(ours[i] - theirs[i])).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(theirs[i]));
    }
    const y = Float32Array.from(testValues(ours.length, 9, -0.5, 0.5));
    const yShape = [N, ours.length / N];
    model.compile({ loss: 'mse', optimizer: new optimizers.SGD({ learningRate: 0.1 }) });
    peer.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.1) });
    const fit = { epochs: 20, batchSize: N, shuffle: false, verbose: 0 } as const;
    const a = (await model.fit(tensor(x, [N, 7, 6, 2]), tensor(y, yShape), fit)).history.loss;
    const b = (await peer.fit(tf.tensor(x, [N, 7, 6, 2]), tf.tensor(y, yShape), fit)).history
      .loss as number[];
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-4 * b[i]);
    expect(a[19]).toBeLessThan(a[0]);
  });
});
