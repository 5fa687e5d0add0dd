/**
 * The threaded backend must give the reference backend's bits at every thread count: every kernel it
 * splits, at 1, 2 and 3 threads, over random shapes including awkward ones (1, 3, 7, 17, 1000×1,
 * 1×1000, rows not divisible by the thread count), float32 and float64, with IEEE special values.
 *
 * Most tests force every call onto the threads (thresholds 0), so small shapes are split too. Each
 * output is compared with Object.is against the js backend (−0 ≠ +0; any NaN equals any NaN, as the
 * contract leaves NaN payloads open) and byte for byte against the single-threaded wasm backend
 * (same kernels, same machine: even NaN payloads must match).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { getBackend, listBackends, setBackend } from '../packages/ditto/src/backend/registry.js';
import type { WorkerSpawner } from '../packages/ditto/src/backend/threads/pool.js';
import {
  getThreads,
  registerThreadsBackend,
  setThreads,
  shutdownThreads,
  threadsReady,
} from '../packages/ditto/src/backend/threads/register.js';
import {
  createThreadedBackend,
  type ThreadedBackend,
} from '../packages/ditto/src/backend/threads/threaded-backend.js';
import { createWasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { type BinaryOp, UNARY_OPS, type UnaryOp } from '../packages/ditto/src/numeric/elementwise.js';
import type { FloatArray } from '../packages/ditto/src/tensor/dtype.js';
import { fold2dKernel, unfold2dKernel } from '../packages/ditto/src/tensor/ops/conv.js';
import { maxPool2dBackwardKernel, maxPool2dKernel } from '../packages/ditto/src/tensor/ops/pooling.js';
import { geometryArgs, type WindowSpec, windowGeometry } from '../packages/ditto/src/tensor/ops/window.js';
import { nodeWorkerSpawner, registerNodeThreadsBackend } from '../packages/ditto-node/src/threads/index.js';
import { repoRoot } from './helpers/run-tsx.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
const DTYPES: [string, Ctor][] = [
  ['float32', Float32Array],
  ['float64', Float64Array],
];
const THREAD_COUNTS = [1, 2, 3];

/** splitmix32-style hash of (seed, index): a value source independent of ditto's generator. */
function hash(seed: number, index: number): number {
  let z = (Math.imul(seed, 0x9e3779b9) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

const SPECIALS = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  0,
  -0,
  1.401298464324817e-45, // smallest float32 subnormal
  -5.877471754111438e-39, // float32 subnormal
  3.4028234663852886e38, // largest float32
  -1e-30, // products of two of these underflow float32
  5e-324, // smallest float64 subnormal
  1e-160, // products of two of these underflow float64
];

/** Mixed magnitudes sign·(1 + f)·2^e, e in [−10, 10] (so rounding and order matter), some specials. */
function values(ctor: Ctor, count: number, seed: number, specialRate = 0): FloatArray {
  const out = new ctor(count);
  for (let i = 0; i < count; i++) {
    const h = hash(seed, i);
    if ((hash(seed ^ 0x5bd1e995, i) % 1000) / 1000 < specialRate) out[i] = SPECIALS[h % SPECIALS.length];
    else out[i] = (h & 1 ? -1 : 1) * (1 + hash(seed + 7, i) / 2 ** 32) * 2 ** (((h >>> 1) % 21) - 10);
  }
  return out;
}

/** Outputs start as a value no kernel produces here, so an unwritten element shows. */
const garbage = (ctor: Ctor, count: number): FloatArray => new ctor(count).fill(-123456.75);

function expectSameBits(actual: FloatArray, expected: FloatArray, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]))
      expect.fail(`${label}: element ${i}: ${actual[i]}, reference ${expected[i]}`);
  }
}

function expectSameBytes(actual: FloatArray, expected: FloatArray, label: string): void {
  const a = new Uint8Array(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
  if (!Buffer.from(a).equals(Buffer.from(b))) expect.fail(`${label}: bytes differ from the wasm backend`);
}

/** Strides of an operand of `shape` in the index space of `outShape` (NumPy broadcasting). */
function stridesIn(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[outShape.length - shape.length + d] = shape[d] === 1 ? 0 : step;
    step *= shape[d];
  }
  return strides;
}

function broadcastShape(a: number[], b: number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, d) => {
    const x = a[d - rank + a.length] ?? 1;
    return x === 1 ? (b[d - rank + b.length] ?? 1) : x;
  });
}

const size = (shape: readonly number[]): number => shape.reduce((p, s) => p * s, 1);

const wasm = createWasmBackend();
/** Every call split, however small. */
const forced: ThreadedBackend = createThreadedBackend({
  spawn: nodeWorkerSpawner,
  threads: 1,
  thresholds: {
    matmul: 0,
    pack: 0,
    elementwise: 0,
    transcendental: 0,
    window: 0,
    matmulChunk: 0,
    elementwiseChunk: 0,
  },
  smallCallsOnReference: false,
});

afterAll(() => {
  forced.shutdown();
  shutdownThreads();
});

/** Runs `body` at 1, 2 and 3 threads (workers ready first, so each count is really used). */
async function atEveryThreadCount(body: (threads: number) => void): Promise<void> {
  for (const threads of THREAD_COUNTS) {
    forced.setThreads(threads);
    expect(await forced.ready()).toBe(threads - 1);
    body(threads);
  }
}

/** Random shapes from these sizes, plus the awkward ones. */
function matmulShapes(count: number, seed: number): [number, number, number][] {
  const dims = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33];
  const shapes: [number, number, number][] = [
    [1000, 1, 1],
    [1, 1000, 1],
    [1, 1, 1000],
    [1000, 3, 1],
    [1, 3, 1000],
    [3, 1000, 7],
    [17, 0, 5],
    [0, 5, 3],
    [7, 13, 17],
    [65, 31, 43],
  ];
  for (let i = 0; i < count; i++) {
    const pick = (j: number) => dims[hash(seed, 3 * i + j) % dims.length];
    shapes.push([pick(0), pick(1), pick(2)]);
  }
  return shapes;
}

describe('wasm-threads: registration and thread count', () => {
  it("registers as 'wasm-threads', selectable, with a settable thread count", async () => {
    expect(registerNodeThreadsBackend({ threads: 2 })).toBe(true);
    expect(registerThreadsBackend()).toBe(true); // again: same backend
    expect(listBackends()).toContain('wasm-threads');
    expect(getThreads()).toBe(2);
    expect(await threadsReady()).toBe(1);
    setThreads(3);
    expect(getThreads()).toBe(3);
    expect(await threadsReady()).toBe(2);
    setThreads(1);
    expect(getThreads()).toBe(1);
    setBackend('wasm-threads');
    try {
      expect(getBackend().name).toBe('wasm-threads');
    } finally {
      setBackend('js');
    }
    expect(() => setThreads(0)).toThrow(/whole number/);
    expect(() => setThreads(1.5)).toThrow(/whole number/);
  });

  it('runs on one thread where no workers can be started', () => {
    const alone = createThreadedBackend({ threads: 4, spawn: undefined });
    // Node 20 has no Web Workers, so without the Node spawner there is no way to start any.
    if (typeof globalThis.Worker === 'function') return;
    expect(alone.getThreads()).toBe(1);
    const a = values(Float32Array, 6, 1);
    const out = garbage(Float32Array, 4);
    const expected = garbage(Float32Array, 4);
    alone.matmul(a, a, out, 2, 3, 2, false, true);
    jsBackend.matmul(a, a, expected, 2, 3, 2, false, true);
    expectSameBits(out, expected, 'matmul without workers');
  });
});

describe('wasm-threads: the kernels it does not split', () => {
  it('has every kernel of the wasm backend (the ones it does not split run there)', () => {
    const kernels = Object.entries(wasm).filter(([, value]) => typeof value === 'function');
    expect(kernels.length).toBeGreaterThan(8);
    for (const [name] of kernels)
      expect(typeof (forced as unknown as Record<string, unknown>)[name], name).toBe('function');
  });

  it('softmax gives the reference bits', () => {
    forced.setThreads(2);
    const x = values(Float32Array, 17 * 10, 9, 0.02);
    const [se, sa] = [garbage(Float32Array, 170), garbage(Float32Array, 170)];
    jsBackend.softmax(x, se, 17, 10, false);
    forced.softmax(x, sa, 17, 10, false);
    expectSameBits(sa, se, 'softmax');
  });
});

describe('wasm-threads: Adam split by element ranges at 1, 2 and 3 threads', () => {
  /** Fresh w, g, m, v, vHat (v and vHat non-negative, as Adam keeps them). */
  const state = (n: number) => {
    const [w, g, m, v, vHat] = [1, 2, 3, 4, 5].map((seed) => values(Float32Array, n, seed) as Float32Array);
    for (const array of [v, vHat]) for (let i = 0; i < n; i++) array[i] = Math.abs(array[i]);
    return { w, g, m, v, vHat };
  };
  // Lengths with every tail (n mod 4) and chunks that end inside the last vector.
  const lengths = [1, 3, 1000, 1001, 1002, 4099, 70_001];
  for (const [label, amsgrad, decay] of [
    ['Adam', false, null],
    ['AMSGrad', true, null],
    ['AdamW', false, 0.004],
  ] as const) {
    it(`${label}: w, m, v${amsgrad ? ', vHat' : ''} bit for bit, lengths ${lengths.join(', ')}`, async () => {
      await atEveryThreadCount((threads) => {
        for (const n of lengths) {
          const e = state(n);
          const a = state(n);
          const scalars = [0.001, decay, 0.0003, 0.1, 0.001, 1e-7].map((x) =>
            x === null ? null : Math.fround(x),
          );
          const [lr, wd, alpha, c1, c2, eps] = scalars as [
            number,
            number | null,
            number,
            number,
            number,
            number,
          ];
          jsBackend.adamUpdate?.(e.w, e.g, e.m, e.v, amsgrad ? e.vHat : null, lr, wd, alpha, c1, c2, eps);
          forced.adamUpdate?.(a.w, a.g, a.m, a.v, amsgrad ? a.vHat : null, lr, wd, alpha, c1, c2, eps);
          for (const key of ['w', 'm', 'v', 'vHat'] as const)
            expectSameBits(a[key], e[key], `${label} ${key}, n ${n}, ${threads} threads`);
        }
      });
    });
  }
});

describe('wasm-threads: window kernels split by images at 1, 2 and 3 threads', () => {
  const windows: WindowSpec[] = [
    { kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padding: 'valid' },
    { kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padding: 'same' },
    { kernel: [2, 3], strides: [2, 1], dilation: [1, 1], padding: 'same' },
    { kernel: [3, 2], strides: [1, 2], dilation: [2, 2], padding: 'same' },
    { kernel: [2, 2], strides: [2, 2], dilation: [1, 1], padding: 'valid' },
  ];
  for (const ctor of [Float32Array, Float64Array]) {
    it(`${ctor.name}: unfold, fold, max pooling and its gradient, batches 1–7, with specials`, async () => {
      await atEveryThreadCount((threads) => {
        for (const [w, spec] of windows.entries()) {
          for (const batch of [1, 2, 5, 7]) {
            const shape = [batch, 6 + w, 7, 1 + (w % 3) * 2];
            const g = geometryArgs(windowGeometry('test', shape, spec));
            const label = `${JSON.stringify(spec)} batch ${batch}, ${threads} threads`;
            const x = values(ctor, size(shape), w * 10 + batch, 0.02);
            const count = batch * g[12] * g[13] * g[4] * g[5] * g[3];
            const [pe, pa] = [garbage(ctor, count), garbage(ctor, count)];
            unfold2dKernel.reference(x, pe, g);
            forced.unfold2d(x, pa, g);
            expectSameBits(pa, pe, `unfold ${label}`);
            const grad = values(ctor, count, w * 10 + batch + 1, 0.02);
            const [de, da] = [garbage(ctor, x.length), garbage(ctor, x.length)];
            fold2dKernel.reference(grad, de, g);
            forced.fold2d(grad, da, g);
            expectSameBits(da, de, `fold ${label}`);
            if (spec.dilation[0] !== 1 || spec.dilation[1] !== 1) continue;
            const pooled = batch * g[12] * g[13] * g[3];
            const [oe, oa] = [garbage(ctor, pooled), garbage(ctor, pooled)];
            maxPool2dKernel.reference(x, oe, g);
            forced.maxPool2d(x, oa, g);
            expectSameBits(oa, oe, `max pool ${label}`);
            const gp = values(ctor, pooled, w * 10 + batch + 2, 0.02);
            const [ge, ga] = [garbage(ctor, x.length), garbage(ctor, x.length)];
            maxPool2dBackwardKernel.reference(x, gp, ge, g);
            forced.maxPool2dBackward(x, gp, ga, g);
            expectSameBits(ga, ge, `max pool gradient ${label}`);
          }
        }
      });
    });
  }
});

describe('wasm-threads: matmul at 1, 2 and 3 threads', () => {
  const shapes = matmulShapes(40, 11);
  for (const [dtype, ctor] of DTYPES) {
    for (const specialRate of [0, 0.03]) {
      it(`${dtype}, all transpose flags, ${shapes.length} shapes, specials ${specialRate}`, async () => {
        await atEveryThreadCount((threads) => {
          let seed = 100;
          for (const [m, k, n] of shapes) {
            for (const transposeA of [false, true]) {
              for (const transposeB of [false, true]) {
                const a = values(ctor, m * k, seed++, specialRate);
                const b = values(ctor, k * n, seed++, specialRate);
                const expected = garbage(ctor, m * n);
                const single = garbage(ctor, m * n);
                const actual = garbage(ctor, m * n);
                jsBackend.matmul(a, b, expected, m, k, n, transposeA, transposeB);
                wasm.matmul(a, b, single, m, k, n, transposeA, transposeB);
                forced.matmul(a, b, actual, m, k, n, transposeA, transposeB);
                const label = `${threads} threads: matmul ${m}×${k}×${n} tA=${transposeA} tB=${transposeB}`;
                expectSameBits(actual, expected, label);
                expectSameBytes(actual, single, label);
              }
            }
          }
        });
      });
    }
  }

  it('the test data would expose a split inside the k-sum', () => {
    // Independent witness that the comparison has teeth: summing each half of k separately and
    // adding the halves (what splitting one output's reduction across threads would do) changes
    // the bits of many outputs of these inputs.
    const [m, k, n] = [16, 34, 17];
    const a = values(Float32Array, m * k, 7);
    const b = values(Float32Array, k * n, 8);
    const expected = new Float32Array(m * n);
    jsBackend.matmul(a, b, expected, m, k, n, false, false);
    let differing = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const half = (from: number, to: number) => {
          let acc = 0;
          for (let p = from; p < to; p++) acc = Math.fround(acc + Math.fround(a[i * k + p] * b[p * n + j]));
          return acc;
        };
        if (!Object.is(Math.fround(half(0, k / 2) + half(k / 2, k)), expected[i * n + j])) differing++;
      }
    }
    expect(differing).toBeGreaterThan(10);
  });
});

describe('wasm-threads: elementwise kernels and reductions at 1, 2 and 3 threads', () => {
  const OPS: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];
  const cases: [number[], number[]][] = [
    [[], []],
    [[1], [1]],
    [[7], [7]],
    [[17], [17]],
    [[1000], [1000]],
    [
      [3, 5],
      [3, 5],
    ],
    [
      [17, 33],
      [17, 33],
    ],
    [[3, 7], [7]],
    [[5, 17], [17]],
    [[128, 10], [10]],
    [[1000, 1], [1]],
    [[1, 1000], [1000]],
    [[9], [4, 9]],
    [
      [6, 5],
      [6, 1],
    ],
    [
      [6, 1],
      [6, 5],
    ],
    [[13, 3], []],
    [[], [13, 3]],
    [
      [7, 1],
      [1, 9],
    ],
    [
      [1, 9],
      [7, 1],
    ],
    [
      [2, 1, 4],
      [1, 3, 1],
    ],
  ];

  for (const [dtype, ctor] of DTYPES) {
    it(`binary, ${dtype}, all ops, ${cases.length} broadcast layouts, with specials`, async () => {
      await atEveryThreadCount((threads) => {
        let seed = 500;
        for (const [aShape, bShape] of cases) {
          const outShape = broadcastShape(aShape, bShape);
          const aStrides = stridesIn(aShape, outShape);
          const bStrides = stridesIn(bShape, outShape);
          for (const op of OPS) {
            const a = values(ctor, size(aShape), seed++, 0.1);
            const b = values(ctor, size(bShape), seed++, 0.1);
            const expected = garbage(ctor, size(outShape));
            const single = garbage(ctor, size(outShape));
            const actual = garbage(ctor, size(outShape));
            jsBackend.binary(op, a, aStrides, b, bStrides, expected, outShape);
            wasm.binary(op, a, aStrides, b, bStrides, single, outShape);
            forced.binary(op, a, aStrides, b, bStrides, actual, outShape);
            const label = `${threads} threads: ${op} [${aShape}] with [${bShape}]`;
            expectSameBits(actual, expected, label);
            expectSameBytes(actual, single, label);
          }
        }
      });
    });

    const lengths = [1, 3, 7, 16, 17, 255, 1000, 1025];
    it(`unary and unary gradients, ${dtype}, every op, lengths ${lengths.join(', ')}`, async () => {
      await atEveryThreadCount((threads) => {
        let seed = 900;
        for (const op of UNARY_OPS) {
          for (const n of lengths) {
            const alpha = op === 'leakyRelu' ? 0.2 : op === 'elu' ? 1.3 : 1;
            const x = values(ctor, n, seed++, 0.05);
            const dy = values(ctor, n, seed++, 0.05);
            const label = `${threads} threads: ${op} n=${n}`;
            const forward = [garbage(ctor, n), garbage(ctor, n), garbage(ctor, n)];
            jsBackend.unary(op, x, forward[0], alpha);
            wasm.unary(op, x, forward[1], alpha);
            forced.unary(op, x, forward[2], alpha);
            expectSameBits(forward[2], forward[0], label);
            expectSameBytes(forward[2], forward[1], label);
            const backward = [garbage(ctor, n), garbage(ctor, n), garbage(ctor, n)];
            jsBackend.unaryBackward(op, x, dy, backward[0], alpha);
            wasm.unaryBackward(op, x, dy, backward[1], alpha);
            forced.unaryBackward(op, x, dy, backward[2], alpha);
            expectSameBits(backward[2], backward[0], `${label} gradient`);
            expectSameBytes(backward[2], backward[1], `${label} gradient`);
          }
        }
      });
    });

    const reduceShapes: [number, number, number][] = [
      [1, 1000, 1],
      [1000, 1, 1],
      [1, 1, 1000],
      [1, 7, 1000],
      [1000, 7, 1],
      [3, 5, 7],
      [17, 3, 1],
      [1, 128, 17],
      [7, 17, 33],
      [2, 0, 3],
    ];
    it(`reduce sum and max, ${dtype}, ${reduceShapes.length} shapes, with specials`, async () => {
      await atEveryThreadCount((threads) => {
        let seed = 1300;
        for (const [outer, axis, inner] of reduceShapes) {
          for (const op of ['sum', 'max'] as const) {
            const x = values(ctor, outer * axis * inner, seed++, 0.02);
            const results = [0, 1, 2].map(() => garbage(ctor, outer * inner));
            jsBackend.reduce(op, x, results[0], outer, axis, inner);
            wasm.reduce(op, x, results[1], outer, axis, inner);
            forced.reduce(op, x, results[2], outer, axis, inner);
            const label = `${threads} threads: ${op} [${outer}, ${axis}, ${inner}]`;
            expectSameBits(results[2], results[0], label);
            expectSameBytes(results[2], results[1], label);
          }
        }
      });
    });
  }
});

describe('wasm-threads: fused Dense kernels at 1, 2 and 3 threads', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 7, 17],
    [17, 3, 7],
    [1000, 1, 1],
    [1, 1000, 1],
    [1, 1, 1000],
    [33, 17, 10],
    [128, 65, 31],
  ];
  const activations: [UnaryOp, number][] = [
    ['linear', 1],
    ['relu', 1],
    ['tanh', 1],
    ['leakyRelu', 0.2],
  ];

  for (const [dtype, ctor] of DTYPES) {
    it(`denseForward, ${dtype}, with and without bias`, async () => {
      await atEveryThreadCount((threads) => {
        let seed = 2000;
        for (const [m, k, n] of shapes) {
          for (const [activation, alpha] of activations) {
            for (const withBias of [true, false]) {
              for (const inPlace of activation === 'linear' ? [false, true] : [false]) {
                const x = values(ctor, m * k, seed++, 0.01);
                const w = values(ctor, k * n, seed++, 0.01);
                const bias = withBias ? values(ctor, n, seed++, 0.01) : null;
                const run = (backend: typeof jsBackend) => {
                  const z = garbage(ctor, m * n);
                  const y = inPlace ? z : garbage(ctor, m * n);
                  backend.denseForward?.(x, w, bias, z, y, m, k, n, activation, alpha);
                  return [z, y];
                };
                const [ze, ye] = run(jsBackend);
                const [za, ya] = run(forced);
                const label = `${threads} threads: dense ${m}×${k}×${n} ${activation} bias=${withBias} inPlace=${inPlace}`;
                expectSameBits(za, ze, `${label} z`);
                expectSameBits(ya, ye, `${label} y`);
              }
            }
          }
        }
      });
    });

    it(`denseBackward, ${dtype}, with and without dx and db`, async () => {
      await atEveryThreadCount((threads) => {
        let seed = 3000;
        for (const [m, k, n] of shapes) {
          for (const [activation, alpha] of activations) {
            for (const first of [false, true]) {
              const x = values(ctor, m * k, seed++, 0.01);
              const w = values(ctor, k * n, seed++, 0.01);
              const z = values(ctor, m * n, seed++, 0.01);
              const dy = values(ctor, m * n, seed++, 0.01);
              const run = (backend: typeof jsBackend) => {
                const dyCopy = dy.slice();
                const dz = activation === 'linear' ? dyCopy : garbage(ctor, m * n);
                const dx = first ? null : garbage(ctor, m * k);
                const dw = garbage(ctor, k * n);
                const db = first ? null : garbage(ctor, n);
                backend.denseBackward?.(x, w, z, dyCopy, dz, dx, dw, db, m, k, n, activation, alpha);
                return [dz, dx, dw, db];
              };
              const expected = run(jsBackend);
              const actual = run(forced);
              const label = `${threads} threads: dense backward ${m}×${k}×${n} ${activation} first=${first}`;
              ['dz', 'dx', 'dw', 'db'].forEach((name, i) => {
                const [e, a] = [expected[i], actual[i]];
                if (e && a) expectSameBits(a, e, `${label} ${name}`);
                else expect(a, `${label} ${name}`).toBe(e);
              });
            }
          }
        }
      });
    });
  }

  it('refuses y = z with a non-linear activation, like the reference', () => {
    const z = new Float32Array(4);
    expect(() =>
      forced.denseForward?.(new Float32Array(4), new Float32Array(4), null, z, z, 2, 2, 2, 'relu', 1),
    ).toThrow(/linear/);
  });
});

describe('wasm-threads: the workers really run chunks', () => {
  it('each worker runs chunks of every kind of job at 3 threads, with the same bits', async () => {
    forced.setThreads(3);
    expect(await forced.ready()).toBe(2);
    const ctor = Float32Array;
    const [m, k, n] = [96, 200, 64];
    const a = values(ctor, m * k, 1);
    const b = values(ctor, k * n, 2);
    const bias = values(ctor, n, 3);
    const big = values(ctor, 200_000, 4, 0.01);
    const grad = values(ctor, 200_000, 5, 0.01);
    const jobs: [string, () => void][] = [
      [
        'matmul',
        () => {
          const e = new ctor(m * n);
          const o = new ctor(m * n);
          jsBackend.matmul(a, b, e, m, k, n, false, false);
          forced.matmul(a, b, o, m, k, n, false, false);
          expectSameBits(o, e, 'matmul');
        },
      ],
      [
        'matmul by columns',
        () => {
          const e = new ctor(3 * 4000);
          const o = new ctor(3 * 4000);
          const x = big.subarray(0, 3 * 40);
          const y = big.subarray(0, 40 * 4000);
          jsBackend.matmul(x, y, e, 3, 40, 4000, false, false);
          forced.matmul(x, y, o, 3, 40, 4000, false, false);
          expectSameBits(o, e, 'matmul by columns');
        },
      ],
      [
        'denseForward',
        () => {
          const [ze, ye, za, ya] = [0, 1, 2, 3].map(() => new ctor(m * n));
          jsBackend.denseForward?.(a, b, bias, ze, ye, m, k, n, 'relu', 1);
          forced.denseForward?.(a, b, bias, za, ya, m, k, n, 'relu', 1);
          expectSameBits(ya, ye, 'denseForward');
        },
      ],
      [
        'binary',
        () => {
          const [e, o] = [new ctor(big.length), new ctor(big.length)];
          jsBackend.binary('mul', big, [1], grad, [1], e, [big.length]);
          forced.binary('mul', big, [1], grad, [1], o, [big.length]);
          expectSameBits(o, e, 'binary');
        },
      ],
      [
        'unary',
        () => {
          const [e, o] = [new ctor(big.length), new ctor(big.length)];
          jsBackend.unary('tanh', big, e, 1);
          forced.unary('tanh', big, o, 1);
          expectSameBits(o, e, 'unary');
        },
      ],
      [
        'unaryBackward',
        () => {
          const [e, o] = [new ctor(big.length), new ctor(big.length)];
          jsBackend.unaryBackward('sigmoid', big, grad, e, 1);
          forced.unaryBackward('sigmoid', big, grad, o, 1);
          expectSameBits(o, e, 'unaryBackward');
        },
      ],
      [
        'adamUpdate',
        () => {
          const copy = () => [big, grad, big, grad].map((x) => Float32Array.from(x, Math.abs));
          const [we, ge, me, ve] = copy();
          const [wa, ga, ma, va] = copy();
          const f = Math.fround;
          jsBackend.adamUpdate?.(we, ge, me, ve, null, f(0.001), null, f(0.0003), f(0.1), f(0.001), f(1e-7));
          forced.adamUpdate?.(wa, ga, ma, va, null, f(0.001), null, f(0.0003), f(0.1), f(0.001), f(1e-7));
          expectSameBits(wa, we, 'adamUpdate');
        },
      ],
      [
        'reduce',
        () => {
          const [e, o] = [new ctor(1000), new ctor(1000)];
          jsBackend.reduce('sum', big, e, 1000, 200, 1);
          forced.reduce('sum', big, o, 1000, 200, 1);
          expectSameBits(o, e, 'reduce');
        },
      ],
    ];
    for (const [name, job] of jobs) {
      // Which thread claims which chunk is up to the scheduler; repeat until both workers have
      // taken part (a worker that never runs a chunk fails the test).
      const before = forced.chunksRun();
      let ran = [0, 0];
      for (let i = 0; i < 400 && (ran[0] === 0 || ran[1] === 0); i++) {
        job();
        const now = forced.chunksRun();
        ran = [now[1] - before[1], now[2] - before[2]];
      }
      expect(ran[0], `${name}: chunks run by worker 1`).toBeGreaterThan(0);
      expect(ran[1], `${name}: chunks run by worker 2`).toBeGreaterThan(0);
    }
  });

  it('the default thresholds keep small calls on the calling thread and split large ones', async () => {
    const tuned = createThreadedBackend({ spawn: nodeWorkerSpawner, threads: 2 });
    try {
      await tuned.ready();
      const small = values(Float32Array, 64, 1);
      tuned.matmul(small, small, new Float32Array(64), 8, 8, 8, false, false);
      expect(tuned.chunksRun().reduce((s, c) => s + c, 0)).toBe(0);
      const [m, k, n] = [128, 784, 128];
      const a = values(Float32Array, m * k, 2);
      const b = values(Float32Array, k * n, 3);
      const expected = new Float32Array(m * n);
      const actual = new Float32Array(m * n);
      jsBackend.matmul(a, b, expected, m, k, n, false, false);
      tuned.matmul(a, b, actual, m, k, n, false, false);
      expectSameBits(actual, expected, 'matmul 128×784×128');
      expect(tuned.chunksRun().reduce((s, c) => s + c, 0)).toBeGreaterThan(1);
    } finally {
      tuned.shutdown();
    }
  });
});

describe('wasm-threads: one shared memory, kernels split in place', () => {
  /** Chunks the workers (not the calling thread) have run so far. */
  const workerChunks = (backend: ThreadedBackend) =>
    backend.chunksRun().reduce((s, c, i) => (i > 0 ? s + c : s), 0);

  it('the memory grows during work, and the workers compute in the grown part', async () => {
    const fresh = createThreadedBackend({
      spawn: nodeWorkerSpawner,
      threads: 3,
      thresholds: { matmul: 0, pack: 0, matmulChunk: 0, elementwiseChunk: 0 },
    });
    try {
      expect(await fresh.ready()).toBe(2);
      const memory = fresh.instance.wasm.memory;
      expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
      const initial = memory.buffer.byteLength;
      for (const [m, k, n] of [
        [8, 8, 8],
        [300, 200, 100],
        [700, 500, 300],
      ]) {
        const a = values(Float32Array, m * k, m);
        const b = values(Float32Array, k * n, k);
        const expected = new Float32Array(m * n);
        jsBackend.matmul(a, b, expected, m, k, n, false, false);
        // Repeated until a worker has run chunks after the growth (the scheduler decides who claims).
        const chunks = workerChunks(fresh);
        for (let i = 0; i < 50 && workerChunks(fresh) === chunks; i++) {
          const actual = garbage(Float32Array, m * n);
          fresh.matmul(a, b, actual, m, k, n, false, false);
          expectSameBits(actual, expected, `matmul ${m}×${k}×${n}`);
        }
        // (A product as small as 8×8×8 is often done before a worker has looked.)
        if (m > 8)
          expect(workerChunks(fresh), `${m}×${k}×${n}: chunks run by workers`).toBeGreaterThan(chunks);
      }
      // 700×500×300 needs about 3.5 MB of scratch: the memory grew twice while the workers were up.
      expect(memory.buffer.byteLength, 'the memory grew').toBeGreaterThan(initial + 2 ** 21);
    } finally {
      fresh.shutdown();
    }
  });

  it('arrays in the memory are used in place: the same bits, split when safe, whole when outputs overlap inputs', async () => {
    forced.setThreads(3);
    expect(await forced.ready()).toBe(2);
    const single = createWasmBackend({ smallCallsOnReference: false });
    const n = 4000;
    /** x and out as views of each backend's program region, out `shift` elements after x. */
    const layout = (
      backend: { programArena?: (bytes: number) => { offset: number; buffer(): ArrayBuffer } | undefined },
      shift: number,
    ) => {
      const region = backend.programArena!(8 * (n + 64));
      expect(region).toBeDefined();
      const x = new Float32Array(region!.buffer(), region!.offset, n);
      const out = new Float32Array(region!.buffer(), region!.offset + 4 * shift, n);
      x.set(values(Float32Array, n, 7, 0.01));
      return { x, out };
    };
    for (const shift of [0, 3, n + 8]) {
      const threaded = layout(forced, shift);
      const alone = layout(single, shift);
      const chunks = forced.chunksRun().reduce((s, c) => s + c, 0);
      forced.unary('tanh', threaded.x, threaded.out, 0);
      single.unary('tanh', alone.x, alone.out, 0);
      expectSameBytes(threaded.out, alone.out, `tanh, out ${shift} elements after x`);
      const split = forced.chunksRun().reduce((s, c) => s + c, 0) > chunks;
      // In place (shift 0) and disjoint are split; a partial overlap runs as one call, in order.
      expect(split, `shift ${shift}: split`).toBe(shift !== 3);
      if (shift !== 3) {
        const expected = new Float32Array(n);
        jsBackend.unary('tanh', values(Float32Array, n, 7, 0.01), expected, 0);
        expectSameBits(threaded.out, expected, `tanh, out ${shift} elements after x, against the reference`);
      }
    }
  });
});

describe('wasm-threads: worker lifetime', () => {
  it('setThreads and shutdown stop workers; threads start again when needed, with the same bits', async () => {
    const started: number[] = [];
    const stopped: number[] = [];
    const counting: WorkerSpawner = (source, init) => {
      started.push(init.index);
      const worker = nodeWorkerSpawner(source, init);
      return {
        terminate: () => {
          stopped.push(init.index);
          worker.terminate();
        },
        failure: () => worker.failure?.(),
      };
    };
    const backend = createThreadedBackend({ spawn: counting, threads: 3, thresholds: { matmul: 0 } });
    try {
      expect(await backend.ready()).toBe(2);
      expect(started).toEqual([1, 2]);
      backend.setThreads(2);
      expect(stopped).toEqual([2]);
      backend.shutdown();
      expect(stopped).toEqual([2, 1]);
      // The next large call starts a worker again; it computes correctly whether or not the
      // worker is up yet (the calling thread runs every chunk no one else claims).
      const [m, k, n] = [40, 30, 20];
      const a = values(Float32Array, m * k, 1);
      const b = values(Float32Array, k * n, 2);
      const expected = garbage(Float32Array, m * n);
      const actual = garbage(Float32Array, m * n);
      jsBackend.matmul(a, b, expected, m, k, n, false, false);
      backend.matmul(a, b, actual, m, k, n, false, false);
      expectSameBits(actual, expected, 'after shutdown');
      expect(started).toEqual([1, 2, 1]);
      expect(await backend.ready()).toBe(1);
    } finally {
      backend.shutdown();
    }
  });

  it('a process that used threads exits by itself, with or without shutdown', async () => {
    const code = `
      import { createThreadedBackend } from './packages/ditto/src/backend/threads/threaded-backend.ts';
      import { nodeWorkerSpawner } from './packages/ditto-node/src/threads/index.ts';
      const backend = createThreadedBackend({ spawn: nodeWorkerSpawner, threads: 3 });
      console.log('ready', await backend.ready());
      const a = new Float32Array(256 * 256).fill(0.5);
      const out = new Float32Array(256 * 256);
      backend.matmul(a, a, out, 256, 256, 256, false, false);
      console.log('value', out[0]);
      if (process.argv.includes('--shutdown')) backend.shutdown();
    `;
    const run = promisify(execFile);
    for (const extra of [[], ['--shutdown']]) {
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', code, '--', ...extra],
        { cwd: repoRoot, timeout: 30_000 },
      );
      // 256 products of 0.5·0.5, summed exactly.
      expect(stdout).toContain('ready 2');
      expect(stdout).toContain('value 64');
    }
  });
});
