/**
 * Convolution and pooling: forward against direct float64 loops written here (independent of the
 * unfold + matmul path), gradients against central finite differences in float64 for padding
 * valid/same, strides and dilation; the layers' shapes and Keras defaults; bad input refused at
 * model construction naming the layer and both shapes; a small CNN traced and replayed by the
 * engine with the bits of eager steps, on js and wasm alike, pinned by hash.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../packages/ditto/src/backend/registry.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { engineDiagnostics } from '../packages/ditto/src/engine/diagnostics.js';
import { setTracing } from '../packages/ditto/src/engine/trace-cache.js';
import {
  AveragePooling1D,
  AveragePooling2D,
  Conv1D,
  Conv2D,
  Dense,
  Flatten,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  hashArrays,
  MaxPooling1D,
  MaxPooling2D,
  ops,
  Reshape,
  Sequential,
} from '../packages/ditto/src/index.js';
import { backward } from '../packages/ditto/src/tensor/autograd.js';
import type { Padding } from '../packages/ditto/src/tensor/ops/window.js';
import { Tensor, tensor } from '../packages/ditto/src/tensor/tensor.js';
import { checkGradients, param } from './helpers/finite-differences.js';
import { testValues } from './helpers/test-values.js';

beforeAll(() => {
  registerWasmBackend();
});
afterEach(() => {
  setTracing(true);
  setBackend('js');
});

interface Case {
  shape: [number, number, number, number];
  kernel: [number, number];
  outC: number;
  strides: [number, number];
  dilation: [number, number];
  padding: Padding;
}

/** TensorFlow's padding rule, written out for the reference. */
function padAndSize(input: number, k: number, s: number, d: number, padding: Padding) {
  const eff = (k - 1) * d + 1;
  if (padding === 'valid') return { out: Math.floor((input - eff) / s) + 1, before: 0 };
  const out = Math.ceil(input / s);
  return { out, before: Math.floor(Math.max((out - 1) * s + eff - input, 0) / 2) };
}

/** Direct float64 cross-correlation, channels-last. */
function referenceConv(x: Float64Array, w: Float64Array, c: Case): { data: number[]; shape: number[] } {
  const [n, h, wd, ci] = c.shape;
  const [kh, kw] = c.kernel;
  const rows = padAndSize(h, kh, c.strides[0], c.dilation[0], c.padding);
  const cols = padAndSize(wd, kw, c.strides[1], c.dilation[1], c.padding);
  const data: number[] = [];
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++)
        for (let f = 0; f < c.outC; f++) {
          let s = 0;
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const iy = oy * c.strides[0] - rows.before + ky * c.dilation[0];
              const ix = ox * c.strides[1] - cols.before + kx * c.dilation[1];
              if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
              for (let ch = 0; ch < ci; ch++)
                s += x[((b * h + iy) * wd + ix) * ci + ch] * w[((ky * kw + kx) * ci + ch) * c.outC + f];
            }
          data.push(s);
        }
  return { data, shape: [n, rows.out, cols.out, c.outC] };
}

const CASES: Case[] = [
  { shape: [2, 5, 6, 2], kernel: [3, 3], outC: 3, strides: [1, 1], dilation: [1, 1], padding: 'valid' },
  { shape: [2, 5, 6, 2], kernel: [3, 2], outC: 2, strides: [1, 1], dilation: [1, 1], padding: 'same' },
  { shape: [1, 7, 6, 1], kernel: [3, 3], outC: 2, strides: [2, 2], dilation: [1, 1], padding: 'same' },
  { shape: [1, 7, 7, 2], kernel: [2, 3], outC: 2, strides: [2, 1], dilation: [1, 1], padding: 'valid' },
  { shape: [1, 7, 7, 1], kernel: [3, 2], outC: 2, strides: [1, 1], dilation: [2, 3], padding: 'valid' },
  { shape: [1, 6, 5, 2], kernel: [2, 2], outC: 1, strides: [1, 1], dilation: [2, 2], padding: 'same' },
];

const label = (c: Case) =>
  `${c.shape} kernel ${c.kernel} strides ${c.strides} dilation ${c.dilation} ${c.padding}`;

describe('conv2d (unfold + matmul)', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('matches direct loops in float64: %s', (_, c) => {
    const x = param(c.shape, 1);
    const w = param([...c.kernel, c.shape[3], c.outC], 2, -1, 1);
    const y = ops.conv2d(x, w, { strides: c.strides, dilation: c.dilation, padding: c.padding });
    const want = referenceConv(x.data as Float64Array, w.data as Float64Array, c);
    expect(y.shape).toEqual(want.shape);
    y.data.forEach((v, i) => {
      expect(Math.abs(v - want.data[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want.data[i])));
    });
  });

  it.each(CASES.map((c) => [label(c), c] as const))(
    'gradients agree with central differences: %s',
    (_, c) => {
      const x = param(c.shape, 3);
      const w = param([...c.kernel, c.shape[3], c.outC], 4, -1, 1);
      checkGradients(
        () => ops.conv2d(x, w, { strides: c.strides, dilation: c.dilation, padding: c.padding }),
        [x, w],
      );
    },
  );
});

/** Direct float64 pooling with padding excluded (Keras). */
function referencePool(
  x: ArrayLike<number>,
  shape: number[],
  pool: [number, number],
  strides: [number, number],
  padding: Padding,
  kind: 'max' | 'avg',
) {
  const [n, h, w, c] = shape;
  const rows = padAndSize(h, pool[0], strides[0], 1, padding);
  const cols = padAndSize(w, pool[1], strides[1], 1, padding);
  const out: number[] = [];
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < rows.out; oy++)
      for (let ox = 0; ox < cols.out; ox++)
        for (let ch = 0; ch < c; ch++) {
          const values: number[] = [];
          for (let ky = 0; ky < pool[0]; ky++)
            for (let kx = 0; kx < pool[1]; kx++) {
              const iy = oy * strides[0] - rows.before + ky;
              const ix = ox * strides[1] - cols.before + kx;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) values.push(x[((b * h + iy) * w + ix) * c + ch]);
            }
          out.push(kind === 'max' ? Math.max(...values) : values.reduce((s, v) => s + v, 0) / values.length);
        }
  return { data: out, shape: [n, rows.out, cols.out, c] };
}

const POOLS: Array<[[number, number], [number, number], Padding]> = [
  [[2, 2], [2, 2], 'valid'],
  [[2, 2], [2, 2], 'same'],
  [[3, 3], [1, 1], 'same'],
  [[3, 2], [2, 1], 'valid'],
];

describe('maxPool2d and avgPool2d', () => {
  it.each(POOLS)(
    'match direct loops and central differences: pool %s strides %s %s',
    (pool, strides, padding) => {
      const shape = [2, 5, 5, 2];
      for (const kind of ['max', 'avg'] as const) {
        const x = param(shape, kind === 'max' ? 5 : 6);
        const op = kind === 'max' ? ops.maxPool2d : ops.avgPool2d;
        const y = op(x, { poolSize: pool, strides, padding });
        const want = referencePool(x.data, shape, pool, strides, padding, kind);
        expect(y.shape).toEqual(want.shape);
        y.data.forEach((v, i) => {
          expect(Math.abs(v - want.data[i])).toBeLessThanOrEqual(1e-12);
        });
        checkGradients(() => op(x, { poolSize: pool, strides, padding }), [x]);
      }
    },
  );

  it('sends a maximum gradient to the first of tied maxima (row-major scan)', () => {
    const x = tensor([3, 3, 1, 3], [1, 2, 2, 1], 'float64');
    x.requiresGrad = true;
    backward(ops.sum(ops.maxPool2d(x, { poolSize: [2, 2] })));
    expect(Array.from(x.grad?.data ?? [])).toEqual([1, 0, 0, 0]);
  });
});

describe('layers', () => {
  it('Conv2D: Keras layouts, defaults and output shapes', () => {
    const conv = new Conv2D(4, 3, { inputShape: [9, 8, 2] });
    const model = new Sequential([conv]);
    expect(conv.kernel.shape).toEqual([3, 3, 2, 4]);
    expect(conv.bias?.shape).toEqual([4]);
    expect(model.predict(new Tensor(new Float32Array(9 * 8 * 2), [1, 9, 8, 2])).shape).toEqual([1, 7, 6, 4]);
    expect(conv.getConfig()).toMatchObject({ strides: [1, 1], padding: 'valid', dilationRate: [1, 1] });
    const same = new Conv2D(2, [3, 2], { strides: 2, padding: 'same' });
    expect(same.computeOutputShape([9, 8, 2])).toEqual([5, 4, 2]);
  });

  it('Conv2D layer = conv2d op + bias + activation (float64)', () => {
    const conv = new Conv2D(3, [2, 3], { dtype: 'float64', activation: 'tanh', padding: 'same', seed: 3 });
    conv.build([5, 6, 2]);
    conv.kernel.assign(testValues(2 * 3 * 2 * 3, 7, -1, 1));
    conv.bias?.assign([0.1, -0.2, 0.3]);
    const x = param([2, 5, 6, 2], 8);
    const want = ops.tanh(ops.add(ops.conv2d(x, conv.kernel.value, { padding: 'same' }), conv.bias!.value));
    expect(Array.from(conv.call(x).data)).toEqual(Array.from(want.data));
    checkGradients(() => conv.call(x), [x, conv.kernel.value, conv.bias!.value]);
  });

  it('Conv1D is the 2-D convolution over images of height 1, kernel [k, inC, filters]', () => {
    const conv = new Conv1D(2, 3, { dtype: 'float64', dilationRate: 2, seed: 1 });
    conv.build([9, 2]);
    expect(conv.kernel.shape).toEqual([3, 2, 2]);
    const x = param([2, 9, 2], 9);
    const y = conv.call(x);
    const image = ops.reshape(x, [2, 1, 9, 2]);
    const want = ops.conv2d(image, ops.reshape(conv.kernel.value, [1, 3, 2, 2]), { dilation: [1, 2] });
    expect(y.shape).toEqual([2, 5, 2]);
    expect(Array.from(y.data)).toEqual(Array.from(want.data));
    checkGradients(() => conv.call(x), [x, conv.kernel.value]);
  });

  it('1-D pooling, global pooling, Flatten and Reshape: shapes, values and gradients', () => {
    const x = param([2, 7, 3], 10);
    const max1 = new MaxPooling1D({ poolSize: 3, strides: 2, padding: 'same' });
    expect(max1.computeOutputShape([7, 3])).toEqual([4, 3]);
    const want = referencePool(x.data, [2, 1, 7, 3], [1, 3], [1, 2], 'same', 'max');
    expect(Array.from(max1.call(x).data)).toEqual(want.data);
    checkGradients(() => new AveragePooling1D().call(x), [x]);
    const gap1 = new GlobalAveragePooling1D().call(x);
    expect(gap1.shape).toEqual([2, 3]);
    const image = param([2, 3, 4, 2], 11);
    const gap = new GlobalAveragePooling2D({ keepDims: true });
    expect(gap.computeOutputShape([3, 4, 2])).toEqual([1, 1, 2]);
    const mean0 = Array.from({ length: 12 }, (_, i) => image.data[i * 2]).reduce((s, v) => s + v, 0) / 12;
    expect(Math.abs(gap.call(image).data[0] - mean0)).toBeLessThan(1e-14);
    checkGradients(() => new GlobalMaxPooling2D().call(image), [image]);
    checkGradients(() => new AveragePooling2D({ padding: 'same' }).call(image), [image]);
    expect(new Flatten().call(image).shape).toEqual([2, 24]);
    expect(new Reshape([4, -1]).call(image).shape).toEqual([2, 4, 6]);
  });
});

describe('bad input fails at model construction, naming the layer and both shapes', () => {
  it('a kernel larger than its input', () => {
    expect(() => new Sequential([new Conv2D(2, 5, { inputShape: [4, 9, 1], name: 'big' })])).toThrow(
      /big: window \[5, 5\].*larger than its input \[4, 9\].*'valid'/,
    );
    expect(
      () =>
        new Sequential([
          new Conv2D(2, 3, { inputShape: [9, 9, 1] }),
          new MaxPooling2D({ poolSize: 8, name: 'p' }),
        ]),
    ).toThrow(/p: window \[8, 8\].*larger than its input \[7, 7\]/);
  });

  it('a stride, kernel size or dilation of 0, a wrong padding, an unknown option', () => {
    expect(() => new Conv2D(2, 3, { strides: 0 })).toThrow(
      /Conv2D: strides must be a positive integer.*got 0/,
    );
    expect(() => new Conv2D(2, [3, 0])).toThrow(/Conv2D: kernelSize must be.*\[3,0\]|kernelSize/);
    expect(() => new Conv1D(2, 3, { dilationRate: [1, 1] })).toThrow(
      /Conv1D: dilationRate must be .*1 positive/,
    );
    expect(() => new Conv2D(0, 3)).toThrow(/Conv2D: filters must be a positive integer/);
    expect(() => new MaxPooling2D({ padding: 'full' as Padding })).toThrow(
      /MaxPooling2D: padding must be one of/,
    );
    expect(() => new Conv2D(2, 3, { kernel_size: 3 } as object)).toThrow(/unknown option "kernel_size"/);
    expect(() => new MaxPooling2D({ pool_size: 2 } as object)).toThrow(/did you mean 'poolSize'/);
  });

  it('wrong rank or channel count', () => {
    expect(() => new Sequential([new Conv2D(2, 3, { inputShape: [28, 28], name: 'c2' })])).toThrow(
      /c2: Conv2D expects samples of shape \[height, width, channels\] \(rank 3\), got \[28, 28\] \(rank 2\)/,
    );
    expect(
      () => new Sequential([new Dense(4, { inputShape: [6] }), new GlobalAveragePooling2D({ name: 'g' })]),
    ).toThrow(/g: GlobalAveragePooling2D expects samples of shape \[height, width, channels\].*got \[4\]/);
    const conv = new Conv2D(2, 3, { name: 'c3' });
    conv.build([5, 5, 3]);
    expect(() => conv.call(new Tensor(new Float32Array(2 * 5 * 5 * 2), [2, 5, 5, 2]))).toThrow(
      /c3: expected inputs \[batch, height, width, 3\], got \[2, 5, 5, 2\]/,
    );
    expect(() => new Sequential([new Reshape([5, 5], { inputShape: [24], name: 'r' })])).toThrow(
      /r: cannot reshape samples of shape \[24\] \(24 values\) to \[5, 5\]/,
    );
  });
});

/** The CNN of bench workload (d), small. */
function smallCnn(seed: number) {
  return new Sequential([
    new Conv2D(4, 3, { activation: 'relu', inputShape: [10, 10, 1], seed }),
    new MaxPooling2D(),
    new Conv2D(6, 3, { activation: 'relu', padding: 'same', seed: seed + 1 }),
    new GlobalAveragePooling2D(),
    new Dense(3, { activation: 'softmax', seed: seed + 2 }),
  ]);
}

async function trainSmallCnn(backend: 'js' | 'wasm', tracing: boolean) {
  setBackend(backend);
  setTracing(tracing);
  const n = 24;
  const x = new Tensor(Float32Array.from(testValues(n * 100, 41, 0, 1)), [n, 10, 10, 1]);
  const y = new Tensor(
    Float32Array.from({ length: n * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0)),
    [n, 3],
  );
  const model = smallCnn(5);
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
  const history = await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, seed: 6 });
  return { hash: hashArrays(model.getWeights()), loss: history.history.loss };
}

describe('a small CNN in the engine', () => {
  it('trains traced and replayed with the bits of eager steps, on js and wasm, pinned', async () => {
    const before = engineDiagnostics().length;
    const traced = await trainSmallCnn('js', true);
    expect(engineDiagnostics().length).toBe(before);
    const eager = await trainSmallCnn('js', false);
    const wasm = await trainSmallCnn('wasm', true);
    expect(eager.hash).toBe(traced.hash);
    expect(wasm.hash).toBe(traced.hash);
    expect(traced.loss[2]).toBeLessThan(traced.loss[0]);
    expect(traced.hash).toBe('960a7ddcb8aea7960e06ee9d5c7d55156db4279a2640bdff07a76135b5ef1944');
  });
});
