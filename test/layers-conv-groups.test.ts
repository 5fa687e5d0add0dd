/**
 * Conv1D/Conv2D `groups` and Conv1D `padding: 'causal'`: forward against PyTorch in float64
 * (F.conv1d/F.conv2d with `groups=`, channels-first, fixture made by
 * test/fixtures/conv-groups/make-torch-reference.py) and against direct float64 loops written here;
 * gradients against central finite differences in float64; causal padding against tf.js (which
 * has no causal Conv1D: zero padding + a valid convolution, predictions and 20 SGD epochs); bad input naming the layer and both numbers;
 * traced training with the bits of eager steps.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setTracing } from '../packages/ditto/src/engine/trace-cache.js';
import {
  Conv1D,
  Conv2D,
  Dense,
  GlobalAveragePooling1D,
  hashArrays,
  optimizers,
  Sequential,
} from '../packages/ditto/src/index.js';
import type { BaseConv } from '../packages/ditto/src/layers/conv/base-conv.js';
import { Tensor, tensor } from '../packages/ditto/src/tensor/tensor.js';
import { checkGradients, param } from './helpers/finite-differences.js';
import { testValues } from './helpers/test-values.js';

interface TorchCase {
  name: string;
  rank: 1 | 2;
  shape: number[];
  kernel: number[];
  filters: number;
  groups: number;
  strides: number[];
  dilation: number[];
  padding: 'valid' | 'same' | 'causal';
  outShape: number[];
  y: number[];
}

const torch = JSON.parse(
  readFileSync(new URL('./fixtures/conv-groups/torch-reference.json', import.meta.url), 'utf8'),
) as { cases: TorchCase[] };

/** The fixture's inputs: exact rationals, computed the same way by the Python script. */
function fixtureValues(n: number, seed: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => ((i * 37 + seed * 11) % 101) / 50 - 1);
}

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

function makeLayer(
  c: Pick<TorchCase, 'rank' | 'kernel' | 'filters' | 'groups' | 'strides' | 'dilation' | 'padding'>,
): BaseConv {
  const options = {
    dtype: 'float64' as const,
    strides: c.strides,
    dilationRate: c.dilation,
    groups: c.groups,
    biasInitializer: 'ones',
  };
  return c.rank === 1
    ? new Conv1D(c.filters, c.kernel, { ...options, padding: c.padding })
    : new Conv2D(c.filters, c.kernel, { ...options, padding: c.padding as 'valid' | 'same' });
}

/**
 * Direct float64 grouped cross-correlation, channels-last, a 1-D input as height 1; causal = 'valid'
 * with (k − 1)·d zeros before the first step. Independent of the split + unfold + matmul path.
 */
function referenceConv(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  c: TorchCase | Omit<TorchCase, 'y' | 'outShape'>,
) {
  const shape4 = c.rank === 1 ? [c.shape[0], 1, c.shape[1], c.shape[2]] : c.shape;
  const [n, h, wd, ci] = shape4;
  const [kh, kw] = c.rank === 1 ? [1, c.kernel[0]] : c.kernel;
  const [sh, sw] = c.rank === 1 ? [1, c.strides[0]] : c.strides;
  const [dh, dw] = c.rank === 1 ? [1, c.dilation[0]] : c.dilation;
  const axis = (input: number, k: number, s: number, d: number) => {
    const eff = (k - 1) * d + 1;
    if (c.padding === 'valid') return { out: Math.floor((input - eff) / s) + 1, before: 0 };
    if (c.padding === 'causal') return { out: Math.floor((input - 1) / s) + 1, before: eff - 1 };
    const out = Math.ceil(input / s);
    return { out, before: Math.floor(Math.max((out - 1) * s + eff - input, 0) / 2) };
  };
  const rows = c.rank === 1 ? { out: 1, before: 0 } : axis(h, kh, sh, dh);
  const cols = axis(wd, kw, sw, dw);
  const cg = ci / c.groups;
  const fg = c.filters / c.groups;
  const y: number[] = [];
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++)
        for (let f = 0; f < c.filters; f++) {
          const group = Math.floor(f / fg);
          let s = 1; // the bias ('ones')
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const iy = oy * sh - rows.before + ky * dh;
              const ix = ox * sw - cols.before + kx * dw;
              if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
              for (let ch = 0; ch < cg; ch++)
                s +=
                  x[((b * h + iy) * wd + ix) * ci + group * cg + ch] *
                  w[((ky * kw + kx) * cg + ch) * c.filters + f];
            }
          y.push(s);
        }
  const outShape = c.rank === 1 ? [n, cols.out, c.filters] : [n, rows.out, cols.out, c.filters];
  return { y, outShape };
}

function within(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i])));
  }
  expect(worst).toBeLessThanOrEqual(tolerance);
}

describe('grouped and causal convolutions agree with PyTorch (float64)', () => {
  it.each(torch.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const layer = makeLayer(c);
    layer.build(c.shape.slice(1));
    expect(layer.kernel.shape).toEqual([...c.kernel, c.shape[c.shape.length - 1] / c.groups, c.filters]);
    const x = fixtureValues(size(c.shape), 1);
    const w = fixtureValues(layer.kernel.value.size, 2);
    layer.kernel.value.data.set(w);
    const y = layer.call(new Tensor(x, c.shape));
    expect(y.shape).toEqual(c.outShape);
    expect(layer.computeOutputShape(c.shape.slice(1))).toEqual(c.outShape.slice(1));
    // PyTorch has no bias here; the layer's bias is 'ones'.
    within(
      y.data,
      c.y.map((v) => v + 1),
      1e-12,
    );
    // The in-test loops agree with PyTorch too, so the gradient checks below rest on a checked reference.
    within(referenceConv(x, w, c).y, y.data, 1e-12);
  });
});

describe('gradients agree with central differences (float64)', () => {
  it.each(torch.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const layer = makeLayer(c);
    layer.build(c.shape.slice(1));
    layer.kernel.value.data.set(testValues(layer.kernel.value.size, 7, -1, 1));
    const bias = layer.bias?.value;
    if (!bias) throw new Error('the layer has a bias');
    const x = param(c.shape, 8);
    checkGradients(() => layer.call(x), [x, layer.kernel.value, bias]);
  });
});

describe('causal padding agrees with tf.js (zero padding before the steps + a valid convolution)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  /**
   * tf.js's Conv1D refuses 'causal' ("not implemented yet") and has no ZeroPadding1D, so the peer
   * is Keras's definition spelled out: steps as image rows, ZeroPadding2D of (k − 1)·d rows before
   * them, a 'valid' Conv2D with a [k, 1] kernel (the same numbers as ditto's [k, in, filters]).
   */
  it.each([1, 2])(
    'dilation %i: predictions within float32 tolerance, and 20 SGD epochs within 1e-4 (d = 1)',
    async (d) => {
      const N = 8;
      const sample = [12, 3];
      const model = new Sequential([
        new Conv1D(4, 3, {
          padding: 'causal',
          dilationRate: d,
          activation: 'tanh',
          inputShape: sample,
          seed: 1,
        }),
        new Conv1D(2, 2, { padding: 'causal', seed: 2, biasInitializer: 'ones' }),
        new GlobalAveragePooling1D(),
        new Dense(2, { seed: 3 }),
      ]);
      const peer = tf.sequential({
        layers: [
          tf.layers.reshape({ targetShape: [12, 1, 3], inputShape: sample }),
          tf.layers.zeroPadding2d({
            padding: [
              [2 * d, 0],
              [0, 0],
            ],
          }),
          tf.layers.conv2d({ filters: 4, kernelSize: [3, 1], dilationRate: [d, 1], activation: 'tanh' }),
          tf.layers.zeroPadding2d({
            padding: [
              [1, 0],
              [0, 0],
            ],
          }),
          tf.layers.conv2d({ filters: 2, kernelSize: [2, 1] }),
          tf.layers.reshape({ targetShape: [12, 2] }),
          tf.layers.globalAveragePooling1d({}),
          tf.layers.dense({ units: 2 }),
        ],
      });
      const peerShapes = peer.getWeights().map((w) => w.shape);
      peer.setWeights(model.getWeights().map((w, i) => tf.tensor(w, peerShapes[i])));
      const x = Float32Array.from(testValues(N * size(sample), 51, -1, 1));
      const ours = model.predict(tensor(x, [N, ...sample])).data;
      const theirs = (peer.predict(tf.tensor(x, [N, ...sample])) as tf.Tensor).dataSync();
      expect(ours.length).toBe(theirs.length);
      for (let i = 0; i < ours.length; i++) {
        expect(Math.abs(ours[i] - theirs[i])).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(theirs[i]));
      }
      if (d !== 1) return; // tf.js has no gradient of dilated convolutions (docs/layers.md)
      const y = Float32Array.from(testValues(N * 2, 52, -0.5, 0.5));
      model.compile({ loss: 'mse', optimizer: new optimizers.SGD({ learningRate: 0.1 }) });
      peer.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.1) });
      const fitOptions = { epochs: 20, batchSize: N, shuffle: false, verbose: 0 as const };
      const a = (await model.fit(tensor(x, [N, ...sample]), tensor(y, [N, 2]), fitOptions)).history.loss;
      const b = (await peer.fit(tf.tensor(x, [N, ...sample]), tf.tensor(y, [N, 2]), fitOptions)).history
        .loss as number[];
      for (let i = 0; i < a.length; i++)
        expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-4 * Math.abs(b[i]));
      expect(a[19]).toBeLessThan(a[0]);
    },
  );

  it('output t depends on inputs 0…t only', () => {
    const layer = new Conv1D(1, 3, { padding: 'causal', dilationRate: 2, dtype: 'float64', useBias: false });
    layer.build([9, 1]);
    layer.kernel.value.data.fill(1);
    const x = new Float64Array(9);
    x[5] = 1;
    const y = layer.call(new Tensor(x, [1, 9, 1])).data;
    // Taps at t, t − 2, t − 4: the impulse at 5 reaches outputs 5, 7 and nothing before it.
    expect(Array.from(y)).toEqual([0, 0, 0, 0, 0, 1, 0, 1, 0]);
  });
});

describe('options, configs and bad input', () => {
  it('keeps the Keras kernel layout and config; groups appear in the config only when set', () => {
    const grouped = new Conv2D(6, 3, { groups: 3, inputShape: [5, 5, 9] });
    new Sequential([grouped]);
    expect(grouped.kernel.shape).toEqual([3, 3, 3, 6]);
    expect(grouped.getConfig()).toMatchObject({ groups: 3, filters: 6 });
    expect(new Conv2D(2, 3).getConfig()).not.toHaveProperty('groups');
    expect(new Conv1D(2, 3, { padding: 'causal' }).getConfig()).toMatchObject({ padding: 'causal' });
  });

  it('names the layer and both numbers when filters or channels do not divide by groups', () => {
    expect(() => new Conv2D(5, 3, { groups: 2, name: 'g' })).toThrow(
      'g: Conv2D filters (5) must be divisible by groups (2)',
    );
    expect(() => new Sequential([new Conv1D(4, 2, { groups: 4, name: 'c1', inputShape: [10, 6] })])).toThrow(
      'c1: Conv1D input channels (6) must be divisible by groups (4)',
    );
    expect(() => new Conv1D(4, 2, { groups: 0 })).toThrow(/Conv1D: groups/);
    expect(() => new Conv1D(4, 2, { groups: 1.5 })).toThrow(/Conv1D: groups/);
  });

  it("refuses 'causal' on Conv2D and unknown paddings, suggesting the valid ones", () => {
    expect(() => new Conv2D(2, 3, { padding: 'causal' as 'same' })).toThrow(
      'Conv2D: padding must be one of "valid", "same", got "causal"',
    );
    expect(() => new Conv1D(2, 3, { padding: 'casual' as 'causal' })).toThrow(/did you mean 'causal'/);
  });

  it('rejects a built grouped layer called with another channel count, naming the layer and the shape', () => {
    const layer = new Conv1D(4, 2, { groups: 2, name: 'gc' });
    layer.build([6, 4]);
    expect(() => layer.call(new Tensor(new Float32Array(2 * 6 * 6), [2, 6, 6]))).toThrow(
      'gc: expected inputs [batch, steps, 4], got [2, 6, 6]',
    );
  });
});

describe('the engine traces grouped and causal convolutions', () => {
  afterEach(() => setTracing(true));

  it('traced training gives the bits of eager training', async () => {
    const run = async (tracing: boolean) => {
      setTracing(tracing);
      const model = new Sequential([
        new Conv1D(6, 3, { padding: 'causal', groups: 2, activation: 'relu', inputShape: [10, 4], seed: 4 }),
        new Conv1D(4, 2, { groups: 2, padding: 'same', seed: 5 }),
        new GlobalAveragePooling1D(),
        new Dense(1, { seed: 6 }),
      ]);
      model.compile({ loss: 'mse', optimizer: 'adam' });
      const x = tensor(Float32Array.from(testValues(16 * 40, 3, -1, 1)), [16, 10, 4]);
      const y = tensor(Float32Array.from(testValues(16, 4, -1, 1)), [16, 1]);
      await model.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 });
      return hashArrays(model.getWeights());
    };
    const traced = await run(true);
    expect(await run(false)).toBe(traced);
  });
});
