/**
 * Conv2DTranspose: against a direct float64 scatter loop written here (each input value times the
 * kernel added into the output window it came from), gradients against central finite differences,
 * output shapes for valid/same and strides, and tf.js parity (predictions, 20 SGD epochs).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conv2DTranspose, Dense, Flatten, optimizers, Sequential } from '../packages/ditto/src/index.js';
import type { Padding } from '../packages/ditto/src/tensor/ops/window.js';
import { tensor } from '../packages/ditto/src/tensor/tensor.js';
import { checkGradients, param } from './helpers/finite-differences.js';
import { testValues } from './helpers/test-values.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function reference(
  x: ArrayLike<number>,
  [n, h, w, ci]: number[],
  kernel: ArrayLike<number>,
  [kh, kw, co]: number[],
  s: number,
  padding: Padding,
) {
  const outH = padding === 'same' ? h * s : (h - 1) * s + kh;
  const outW = padding === 'same' ? w * s : (w - 1) * s + kw;
  const padTop = padding === 'same' ? Math.floor(Math.max((h - 1) * s + kh - outH, 0) / 2) : 0;
  const padLeft = padding === 'same' ? Math.floor(Math.max((w - 1) * s + kw - outW, 0) / 2) : 0;
  const out = new Array<number>(n * outH * outW * co).fill(0);
  for (let b = 0; b < n; b++)
    for (let iy = 0; iy < h; iy++)
      for (let ix = 0; ix < w; ix++)
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const oy = iy * s - padTop + ky;
            const ox = ix * s - padLeft + kx;
            if (oy < 0 || oy >= outH || ox < 0 || ox >= outW) continue;
            for (let c = 0; c < ci; c++)
              for (let f = 0; f < co; f++)
                out[((b * outH + oy) * outW + ox) * co + f] +=
                  x[((b * h + iy) * w + ix) * ci + c] * kernel[((ky * kw + kx) * co + f) * ci + c];
          }
  return { out, shape: [n, outH, outW, co] };
}

describe('Conv2DTranspose', () => {
  it.each([
    [1, 'valid'],
    [2, 'valid'],
    [2, 'same'],
    [3, 'same'],
  ] as const)('strides %i, padding %s: direct loops and central differences', (s, padding) => {
    const layer = new Conv2DTranspose(2, [3, 2], {
      strides: s,
      padding,
      dtype: 'float64',
      useBias: false,
      seed: 1,
    });
    layer.build([3, 4, 2]);
    expect(layer.kernel.shape).toEqual([3, 2, 2, 2]);
    const x = param([2, 3, 4, 2], 2);
    const y = layer.call(x);
    const want = reference(x.data, [2, 3, 4, 2], layer.kernel.value.data, [3, 2, 2], s, padding);
    expect(y.shape).toEqual(want.shape);
    expect(layer.computeOutputShape([3, 4, 2])).toEqual(want.shape.slice(1));
    y.data.forEach((v, i) => {
      expect(Math.abs(v - want.out[i])).toBeLessThanOrEqual(1e-12);
    });
    checkGradients(() => layer.call(x), [x, layer.kernel.value]);
  });

  it('agrees with tf.js: predictions and 20 epochs of SGD', async () => {
    const N = 6;
    const model = new Sequential([
      new Conv2DTranspose(3, 3, {
        strides: 2,
        padding: 'same',
        activation: 'tanh',
        inputShape: [4, 3, 2],
        seed: 3,
      }),
      new Conv2DTranspose(2, [2, 3], { activation: 'relu', seed: 4 }),
      new Flatten(),
      new Dense(2, { seed: 5 }),
    ]);
    const peer = tf.sequential({
      layers: [
        tf.layers.conv2dTranspose({
          filters: 3,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          activation: 'tanh',
          inputShape: [4, 3, 2],
        }),
        tf.layers.conv2dTranspose({ filters: 2, kernelSize: [2, 3], activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    });
    peer.setWeights(model.getWeights().map((w, i) => tf.tensor(w.slice(), [...model.variables[i].shape])));
    const x = Float32Array.from(testValues(N * 24, 6, -1, 1));
    const y = Float32Array.from(testValues(N * 2, 7, -0.5, 0.5));
    const ours = model.predict(tensor(x, [N, 4, 3, 2])).data;
    const theirs = (peer.predict(tf.tensor(x, [N, 4, 3, 2])) as tf.Tensor).dataSync();
    expect(ours.length).toBe(theirs.length);
    for (let i = 0; i < ours.length; i++) {
      expect(Math.abs(ours[i] - theirs[i])).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(theirs[i]));
    }
    model.compile({ loss: 'mse', optimizer: new optimizers.SGD({ learningRate: 0.05 }) });
    peer.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.05) });
    const fit = { epochs: 20, batchSize: N, shuffle: false, verbose: 0 } as const;
    const a = (await model.fit(tensor(x, [N, 4, 3, 2]), tensor(y, [N, 2]), fit)).history.loss;
    const b = (await peer.fit(tf.tensor(x, [N, 4, 3, 2]), tf.tensor(y, [N, 2]), fit)).history
      .loss as number[];
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-4 * b[i]);
    expect(a[19]).toBeLessThan(a[0]);
  });

  it('bad input names the layer', () => {
    expect(() => new Conv2DTranspose(0, 3)).toThrow(/Conv2DTranspose: filters must be a positive integer/);
    expect(() => new Sequential([new Conv2DTranspose(2, 3, { inputShape: [4, 4], name: 't' })])).toThrow(
      /t: Conv2DTranspose expects samples of shape \[height, width, channels\]/,
    );
  });
});
