/**
 * A convolution's input gradient fused (tensor/ops/conv.ts matmulFold2d = fold2d(dz·wᵀ); the wasm
 * version, backend/wasm/matmul-fold.ts, computes the patches' gradient a block of rows at a time
 * and folds each block before the next): against the reference — an independent matmul of
 * double-checked float32 sums is not needed, the reference is the unfused product and fold — bit
 * for bit, for 1–17 channels, kernels 1×1 to 3×4, strides, dilation, 'valid' and 'same' padding,
 * products of one and of several row blocks, f32 and f64, special values; and the engine fuses the
 * (d) CNN's second convolution this way, training to the reference backend's bits.
 */
import { describe, expect, it } from 'vitest';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { setBackend } from '../packages/ditto/src/backend/registry.js';
import { createMatmulFold2dWasm } from '../packages/ditto/src/backend/wasm/matmul-fold.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { createWasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { wasmSimdSupported } from '../packages/ditto/src/backend/wasm/wasm-module.js';
import { Conv2D } from '../packages/ditto/src/layers/conv/conv2d.js';
import { Dense } from '../packages/ditto/src/layers/dense.js';
import { GlobalAveragePooling2D } from '../packages/ditto/src/layers/pooling/global-pooling.js';
import { MaxPooling2D } from '../packages/ditto/src/layers/pooling/pooling.js';
import { Sequential } from '../packages/ditto/src/models/sequential.js';
import { setSeed } from '../packages/ditto/src/random/index.js';
import { matmulFold2dKernel, matmulFold2dOn } from '../packages/ditto/src/tensor/ops/conv.js';
import { geometryArgs, type Padding, windowGeometry } from '../packages/ditto/src/tensor/ops/window.js';
import { Tensor } from '../packages/ditto/src/tensor/tensor.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** Values from a fixed hash over wide magnitudes, with NaN, −0 and ±∞ sprinkled in. */
function values(ctor: Ctor, n: number, seed: number) {
  const x = new ctor(n);
  const specials = [Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let i = 0; i < n; i++) {
    const h = Math.imul(i + 1 + seed * 7919, 0x9e3779b1) >>> 0;
    x[i] = h % 211 === 0 ? specials[(h >>> 8) % 4] : ((h / 2 ** 32) * 2 - 1) * 2 ** ((h % 21) - 10);
  }
  return x;
}

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): string | undefined {
  for (let i = 0; i < b.length; i++)
    if (!Object.is(a[i], b[i])) return `#${i}: wasm ${a[i]}, reference ${b[i]}`;
  return undefined;
}

interface Case {
  shape: [number, number, number, number];
  kernel: [number, number];
  strides: [number, number];
  dilation: [number, number];
  padding: Padding;
  outChannels: number;
}

const CASES: Case[] = [
  // the bench's (d) second convolution: 7,744 patches of 144, several row blocks
  {
    shape: [64, 13, 13, 16],
    kernel: [3, 3],
    strides: [1, 1],
    dilation: [1, 1],
    padding: 'valid',
    outChannels: 32,
  },
  {
    shape: [3, 12, 12, 16],
    kernel: [3, 3],
    strides: [1, 1],
    dilation: [1, 1],
    padding: 'same',
    outChannels: 8,
  },
  {
    shape: [4, 28, 28, 1],
    kernel: [3, 3],
    strides: [1, 1],
    dilation: [1, 1],
    padding: 'valid',
    outChannels: 16,
  },
  {
    shape: [2, 9, 11, 3],
    kernel: [3, 4],
    strides: [2, 1],
    dilation: [1, 1],
    padding: 'same',
    outChannels: 5,
  },
  {
    shape: [2, 10, 9, 5],
    kernel: [2, 3],
    strides: [1, 2],
    dilation: [2, 2],
    padding: 'valid',
    outChannels: 7,
  },
  {
    shape: [1, 7, 7, 17],
    kernel: [1, 1],
    strides: [1, 1],
    dilation: [1, 1],
    padding: 'valid',
    outChannels: 3,
  },
  { shape: [3, 8, 8, 4], kernel: [3, 3], strides: [3, 3], dilation: [1, 1], padding: 'same', outChannels: 9 },
  {
    shape: [2, 11, 6, 2],
    kernel: [3, 2],
    strides: [1, 1],
    dilation: [3, 2],
    padding: 'same',
    outChannels: 4,
  },
];

describe.skipIf(!wasmSimdSupported())('matmulFold2d: the input gradient, folded block by block', () => {
  const backend = createWasmBackend({ smallCallsOnReference: false });
  const fused = createMatmulFold2dWasm(backend, { smallCallsOnReference: false });
  for (const [dtype, ctor] of [
    ['f32', Float32Array],
    ['f64', Float64Array],
  ] as const) {
    it(`${dtype}: equals fold2d(dz·wᵀ) for every geometry`, () => {
      let seed = 1;
      for (const c of CASES) {
        const g = windowGeometry('test', c.shape, c);
        const geometry = geometryArgs(g);
        const m = g.batch * g.outHeight * g.outWidth;
        const k = g.kernelHeight * g.kernelWidth * g.channels;
        const n = c.outChannels;
        const dz = values(ctor, m * n, seed++);
        const w = values(ctor, k * n, seed++);
        const size = c.shape.reduce((a, b) => a * b);
        const [actual, expected] = [new ctor(size).fill(7), new ctor(size).fill(7)];
        fused(dz, w, actual, m, k, n, geometry);
        matmulFold2dKernel.reference(dz, w, expected, m, k, n, geometry);
        expect(firstDifference(actual, expected), JSON.stringify(c)).toBeUndefined();
      }
    });
  }

  it('a backend without its own kernel runs its matmul and fold2d (the same bits)', () => {
    const calls: string[] = [];
    const other = {
      ...jsBackend,
      name: 'no-fused-kernel',
      matmul: (...args: Parameters<typeof jsBackend.matmul>) => {
        calls.push('matmul');
        jsBackend.matmul(...args);
      },
    };
    const c = CASES[3];
    const g = windowGeometry('test', c.shape, c);
    const geometry = geometryArgs(g);
    const m = g.batch * g.outHeight * g.outWidth;
    const k = g.kernelHeight * g.kernelWidth * g.channels;
    const n = c.outChannels;
    const dz = values(Float32Array, m * n, 40);
    const w = values(Float32Array, k * n, 41);
    const size = c.shape.reduce((a, b) => a * b);
    const [actual, expected] = [new Float32Array(size), new Float32Array(size)];
    matmulFold2dOn(other)(dz, w, actual, m, k, n, geometry);
    matmulFold2dKernel.reference(dz, w, expected, m, k, n, geometry);
    expect(calls).toEqual(['matmul']);
    expect(firstDifference(actual, expected)).toBeUndefined();
  });

  it('the engine fuses the CNN’s second convolution and trains to the reference bits', async () => {
    registerWasmBackend();
    const train = async (backend: string) => {
      setBackend(backend);
      const samples = 96;
      const x = values(Float32Array, samples * 14 * 14, 5).map((v) => (Number.isFinite(v) ? v : 0.5));
      const y = new Float32Array(samples * 10);
      for (let i = 0; i < samples; i++) y[i * 10 + (i % 10)] = 1;
      setSeed(3);
      const model = new Sequential([
        new Conv2D(8, 3, { activation: 'relu', inputShape: [14, 14, 1] }),
        new MaxPooling2D(),
        new Conv2D(16, 3, { activation: 'relu', padding: 'same' }),
        new GlobalAveragePooling2D(),
        new Dense(10, { activation: 'softmax' }),
      ]);
      model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam' });
      await model.fit(new Tensor(x, [samples, 14, 14, 1]), new Tensor(y, [samples, 10]), {
        epochs: 2,
        batchSize: 32,
        verbose: 0,
      });
      // biome-ignore lint/suspicious/noExplicitAny: the trace cache is internal; the test reads its program
      const entries = (model as any).traces.entries as Map<string, { program?: { kernels: string[] } }>;
      const kernels = [...entries.values()].flatMap((e) => e.program?.kernels ?? []);
      return { hash: model.weightsHash(), kernels };
    };
    const reference = await train('js');
    const wasmRun = await train('wasm');
    setBackend('js');
    expect(wasmRun.kernels).toContain('matmulFold2d');
    expect(wasmRun.kernels).not.toContain('fold2d');
    expect(wasmRun.hash).toBe(reference.hash);
  });
});
