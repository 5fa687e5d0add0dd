/**
 * The wasm denseForward's fused epilogue (kernels/wasm/matmul.ts, matmul_epilogue_<t>): the bias
 * row added and relu applied to the final sums in the tile's registers, instead of separate bias
 * and activation passes. The reference backend's denseForward (matmul, then + bias, then relu, each
 * rounded) is the oracle: z and y must be the same bits for every row tail (m mod 4), column tail
 * (n mod 8 or 4), one or several k blocks (K_BLOCK = 256), with and without bias, f32 and f64,
 * with special values (NaN, ±∞, ±0, subnormals) in x, w and the bias.
 *
 * And the wasm denseBackward's first pass (kernels/wasm/dense-prep.ts): dz = relu′(z)·dy, db and
 * the packed dz in one sweep when a row is whole panels; dz, dx, dw and db must be the reference's
 * bits, also with dz sharing dy's array (linear) and without db or dx.
 */
import { describe, expect, it } from 'vitest';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { createWasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { wasmSimdSupported } from '../packages/ditto/src/backend/wasm/wasm-module.js';
import type { UnaryOp } from '../packages/ditto/src/numeric/elementwise.js';
import type { FloatArray } from '../packages/ditto/src/tensor/dtype.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

/** splitmix32-style hash of (seed, index): a value source independent of ditto's generator. */
function hash(seed: number, index: number): number {
  let z = (Math.imul(seed, 0x9e3779b9) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

const SPECIALS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 1.4e-45, -1e-30];

/** Mixed magnitudes (so rounding and order matter), a share of them special values. */
function values(ctor: Ctor, count: number, seed: number, specialRate: number): FloatArray {
  const out = new ctor(count);
  for (let i = 0; i < count; i++) {
    const h = hash(seed, i);
    if (hash(seed ^ 0x5bd1e995, i) % 1000 < specialRate * 1000) out[i] = SPECIALS[h % SPECIALS.length];
    else out[i] = (h & 1 ? -1 : 1) * (1 + hash(seed + 7, i) / 2 ** 32) * 2 ** (((h >>> 1) % 13) - 6);
  }
  return out;
}

function expectSameBits(actual: FloatArray, expected: FloatArray, label: string): void {
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      expect.fail(`${label}: element ${i}: wasm ${actual[i]} but reference ${expected[i]}`);
    }
  }
}

describe.skipIf(!wasmSimdSupported())('wasm denseForward: bias and relu in the matmul epilogue', () => {
  const wasm = createWasmBackend({ smallCallsOnReference: false });
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 9, 16],
    [4, 9, 16],
    [5, 3, 7],
    [7, 144, 32],
    [9, 17, 9],
    [6, 0, 5],
    [13, 255, 12],
    [10, 256, 20],
    [11, 257, 33],
    [8, 600, 15],
    [2, 513, 3],
  ];
  const activations: UnaryOp[] = ['relu', 'linear', 'tanh'];
  for (const [dtype, ctor] of [
    ['f32', Float32Array],
    ['f64', Float64Array],
  ] as const) {
    for (const specialRate of [0, 0.05]) {
      it(`${dtype}: z and y equal the reference (special values ${specialRate})`, () => {
        let seed = 11 + specialRate * 1000;
        for (const [m, k, n] of shapes) {
          const x = values(ctor, m * k, seed++, specialRate);
          const w = values(ctor, k * n, seed++, specialRate);
          const bias = values(ctor, n, seed++, specialRate);
          for (const withBias of [true, false]) {
            for (const activation of activations) {
              const run = (backend: typeof jsBackend) => {
                const z = new ctor(m * n).fill(-123456.75);
                const y = activation === 'linear' ? z : new ctor(m * n).fill(-654321.25);
                backend.denseForward?.(x, w, withBias ? bias : null, z, y, m, k, n, activation, 1);
                return [z, y];
              };
              const [zRef, yRef] = run(jsBackend);
              const [z, y] = run(wasm);
              const label = `${m}×${k}×${n} ${withBias ? 'bias' : 'no bias'} ${activation}`;
              expectSameBits(z, zRef, `${label} z`);
              expectSameBits(y, yRef, `${label} y`);
            }
          }
        }
      });
    }
  }

  it('leaves the bytes around z and y as they were', () => {
    const [m, k, n] = [7, 10, 13];
    const x = values(Float32Array, m * k, 1, 0);
    const w = values(Float32Array, k * n, 2, 0);
    const bias = values(Float32Array, n, 3, 0);
    // z and y as windows into one array with guard elements between and around them.
    const guard = 9;
    const all = new Float32Array(3 * guard + 2 * m * n).fill(77.5);
    const z = all.subarray(guard, guard + m * n);
    const y = all.subarray(2 * guard + m * n, 2 * guard + 2 * m * n);
    wasm.denseForward?.(x, w, bias, z, y, m, k, n, 'relu', 1);
    const zRef = new Float32Array(m * n);
    const yRef = new Float32Array(m * n);
    jsBackend.denseForward?.(x, w, bias, zRef, yRef, m, k, n, 'relu', 1);
    expectSameBits(z, zRef, 'z');
    expectSameBits(y, yRef, 'y');
    for (const at of [0, guard + m * n, 2 * guard + 2 * m * n]) {
      for (let i = 0; i < guard; i++) expect(all[at + i]).toBe(77.5);
    }
  });

  for (const [dtype, ctor] of [
    ['f32', Float32Array],
    ['f64', Float64Array],
  ] as const) {
    it(`${dtype}: denseBackward's dz, dx, dw and db equal the reference`, () => {
      let seed = 500;
      // n: whole panels (8, 16, 32 float32; 4, 8 float64) and not (the three separate kernels).
      const backwardShapes: [number, number, number][] = [
        [1, 3, 8],
        [5, 9, 16],
        [37, 144, 32],
        [300, 7, 16],
        [6, 5, 4],
        [9, 4, 12],
        [3, 2, 10],
        [260, 3, 8],
      ];
      for (const [m, k, n] of backwardShapes) {
        const x = values(ctor, m * k, seed++, 0.03);
        const w = values(ctor, k * n, seed++, 0.03);
        const z = values(ctor, m * n, seed++, 0.05);
        const dy = values(ctor, m * n, seed++, 0.03);
        for (const activation of ['relu', 'linear', 'tanh'] as UnaryOp[]) {
          for (const shareDz of activation === 'linear' ? [false, true] : [false]) {
            for (const [withDx, withDb] of [
              [true, true],
              [false, true],
              [true, false],
            ]) {
              const run = (backend: typeof jsBackend) => {
                const dyCopy = dy.slice();
                const dz = shareDz ? dyCopy : new ctor(m * n).fill(-123456.75);
                const dx = withDx ? new ctor(m * k).fill(-123456.75) : null;
                const dw = new ctor(k * n).fill(-123456.75);
                const db = withDb ? new ctor(n).fill(-123456.75) : null;
                backend.denseBackward?.(x, w, z, dyCopy, dz, dx, dw, db, m, k, n, activation, 1);
                return [dz, dx, dw, db];
              };
              const expected = run(jsBackend);
              const actual = run(wasm);
              const label = `${m}×${k}×${n} ${activation}${shareDz ? ' dz=dy' : ''} dx ${withDx} db ${withDb}`;
              ['dz', 'dx', 'dw', 'db'].forEach((name, i) => {
                const e = expected[i];
                const a = actual[i];
                if (e && a) expectSameBits(a, e, `${label} ${name}`);
              });
            }
          }
        }
      }
    });
  }
});
