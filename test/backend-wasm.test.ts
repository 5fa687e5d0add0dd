/**
 * The WebAssembly backend must reproduce the reference (js) backend bit for bit: every kernel, every
 * dtype, many shapes (awkward ones included) and inputs with NaN, ±Infinity, ±0 and subnormals.
 * Elements are compared with Object.is (which tells −0 from +0; NaNs compare equal whatever their
 * payload, which the contract does not fix).
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../packages/ditto/src/backend/backend.js';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { getBackend, listBackends, setBackend } from '../packages/ditto/src/backend/registry.js';
import { planBinary } from '../packages/ditto/src/backend/wasm/binary-plan.js';
import { registerWasmBackend } from '../packages/ditto/src/backend/wasm/register.js';
import { createWasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { wasmSimdSupported } from '../packages/ditto/src/backend/wasm/wasm-module.js';
import { type BinaryOp, UNARY_OPS } from '../packages/ditto/src/numeric/elementwise.js';
import type { FloatArray } from '../packages/ditto/src/tensor/dtype.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
const DTYPES: [string, Ctor][] = [
  ['float32', Float32Array],
  ['float64', Float64Array],
];

/** splitmix32-style hash of (seed, index) to a 32-bit word: a value source independent of ditto's. */
function hash(seed: number, index: number): number {
  let z = (Math.imul(seed, 0x9e3779b9) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** IEEE special values; the Float32Array store turns the float64-only ones into their float32 roundings. */
const SPECIALS = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  0,
  -0,
  1.401298464324817e-45, // smallest float32 subnormal
  -5.877471754111438e-39, // float32 subnormal
  1.1754943508222875e-38, // smallest float32 normal
  3.4028234663852886e38, // largest float32
  -1e-30, // products of two of these underflow float32
  5e-324, // smallest float64 subnormal
  -2.2250738585072e-308, // float64 subnormal
  1e-160, // products of two of these underflow float64
  1.7976931348623157e308, // largest float64
];

/**
 * `count` values: mostly sign · (1 + fraction) · 2^e with e in [−10, 10] (mixed magnitudes, so that
 * rounding and summation order matter), a `specialRate` share of them from SPECIALS.
 */
function values(ctor: Ctor, count: number, seed: number, specialRate = 0): FloatArray {
  const out = new ctor(count);
  for (let i = 0; i < count; i++) {
    const h = hash(seed, i);
    if ((hash(seed ^ 0x5bd1e995, i) % 1000) / 1000 < specialRate) {
      out[i] = SPECIALS[h % SPECIALS.length];
    } else {
      const sign = h & 1 ? -1 : 1;
      const exponent = ((h >>> 1) % 21) - 10;
      const fraction = hash(seed + 7, i) / 2 ** 32;
      out[i] = sign * (1 + fraction) * 2 ** exponent;
    }
  }
  return out;
}

/** Arrays pre-filled with a value no kernel produces here, so an unwritten element shows. */
function garbage(ctor: Ctor, count: number): FloatArray {
  return new ctor(count).fill(-123456.75);
}

/** Byte-for-byte equality, NaN payloads included: for the ops whose NaN result the reference defines. */
function expectSameBytes(actual: FloatArray, expected: FloatArray, label: string): void {
  const bytes = (x: FloatArray) => [...new Uint8Array(x.buffer, x.byteOffset, x.byteLength)];
  expect(bytes(actual), label).toEqual(bytes(expected));
}

function expectSameBits(actual: FloatArray, expected: FloatArray, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      expect.fail(`${label}: element ${i}: wasm ${actual[i]} but js ${expected[i]}`);
    }
  }
}

/** Strides of an operand of `shape` in the index space of `outShape` (NumPy broadcasting). */
function stridesIn(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const od = outShape.length - shape.length + d;
    strides[od] = shape[d] === 1 ? 0 : step;
    step *= shape[d];
  }
  return strides;
}

const size = (shape: readonly number[]): number => shape.reduce((p, s) => p * s, 1);

// Small calls would run on the reference by default; here every call runs the wasm kernels.
const wasm: Backend = createWasmBackend({ smallCallsOnReference: false });

describe('wasm backend: availability and registration', () => {
  it('supports WebAssembly SIMD in this runtime', () => {
    expect(wasmSimdSupported()).toBe(true);
  });

  it("registers as 'wasm' and can be selected", () => {
    expect(registerWasmBackend()).toBe(true);
    expect(registerWasmBackend()).toBe(true); // idempotent
    expect(listBackends()).toContain('wasm');
    setBackend('wasm');
    try {
      expect(getBackend().name).toBe('wasm');
    } finally {
      setBackend('js');
    }
  });
});

describe('wasm backend: matmul', () => {
  const dims = [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33];
  const shapes: [number, number, number][] = [
    [1000, 1, 1],
    [1, 1000, 1],
    [1, 1, 1000],
    [1000, 3, 1],
    [1, 3, 1000],
    [3, 1000, 7],
    [17, 0, 5],
    [0, 5, 3],
    [5, 3, 0],
    [0, 0, 0],
    [64, 100, 10],
  ];
  for (let i = 0; i < 60; i++) {
    shapes.push([
      dims[hash(1, 3 * i) % dims.length],
      dims[hash(1, 3 * i + 1) % dims.length],
      dims[hash(1, 3 * i + 2) % dims.length],
    ]);
  }

  for (const [dtype, ctor] of DTYPES) {
    for (const specialRate of [0, 0.03]) {
      it(`${dtype}, all transpose flags, ${shapes.length} shapes, specials ${specialRate}`, () => {
        let seed = 100;
        for (const [m, k, n] of shapes) {
          for (const transposeA of [false, true]) {
            for (const transposeB of [false, true]) {
              const a = values(ctor, m * k, seed++, specialRate);
              const b = values(ctor, k * n, seed++, specialRate);
              const expected = garbage(ctor, m * n);
              const actual = garbage(ctor, m * n);
              jsBackend.matmul(a, b, expected, m, k, n, transposeA, transposeB);
              wasm.matmul(a, b, actual, m, k, n, transposeA, transposeB);
              expectSameBits(actual, expected, `matmul ${m}×${k}×${n} tA=${transposeA} tB=${transposeB}`);
            }
          }
        }
      });
    }
  }

  // The kernel runs k in blocks of 256 (each output's partial sum stored and reloaded between
  // blocks), op(a) in packed strips of 4 rows (a shorter last strip has its own tile) and op(b) in
  // panels of 8 float32 / 4 float64 columns: every row tail, column tail and block boundary here.
  const blockShapes: [number, number, number][] = [];
  for (const k of [255, 256, 257, 513, 700]) {
    for (const m of [1, 2, 3, 4, 5, 6, 7, 9]) blockShapes.push([m, k, [1, 4, 8, 9, 13][(m + k) % 5]]);
  }
  blockShapes.push([33, 600, 17], [4, 1030, 8], [130, 260, 33]);
  // Strips of 1 and 2 rows span two panels per tile (a one-panel tile for an odd last panel):
  // n across 1 … 5 float32 panels (1 … 10 float64 ones), whole and partial last panels, m = 5 and
  // 6 for a short last strip after a 4-row one.
  for (const m of [1, 2, 5, 6]) {
    for (const n of [7, 8, 15, 16, 17, 24, 25, 31, 32, 33, 39, 40]) blockShapes.push([m, [3, 260][n % 2], n]);
  }
  for (const [dtype, ctor] of DTYPES) {
    for (const specialRate of [0, 0.002]) {
      it(`${dtype}, k across blocks, every row and column tail, all transpose flags, specials ${specialRate}`, () => {
        let seed = 900;
        for (const [m, k, n] of blockShapes) {
          for (const transposeA of [false, true]) {
            for (const transposeB of [false, true]) {
              const a = values(ctor, m * k, seed++, specialRate);
              const b = values(ctor, k * n, seed++, specialRate);
              const expected = garbage(ctor, m * n);
              const actual = garbage(ctor, m * n);
              jsBackend.matmul(a, b, expected, m, k, n, transposeA, transposeB);
              wasm.matmul(a, b, actual, m, k, n, transposeA, transposeB);
              expectSameBits(actual, expected, `matmul ${m}×${k}×${n} tA=${transposeA} tB=${transposeB}`);
            }
          }
        }
      });
    }
  }

  it('a strip of op(a) starts where the last one ended, also at k blocks (no stale packed rows)', () => {
    // Rows of op(a) that differ only in one column: a kernel reusing a packed strip from the previous
    // strip or block would give neighbouring rows the same result.
    for (const [, ctor] of DTYPES) {
      const [m, k, n] = [11, 300, 9];
      for (const transposeA of [false, true]) {
        const a = new ctor(m * k).fill(1);
        for (let i = 0; i < m; i++) a[transposeA ? (k - 1 - i) * m + i : i * k + (k - 1 - i)] = 2 + i;
        const b = values(ctor, k * n, 3);
        const expected = garbage(ctor, m * n);
        const actual = garbage(ctor, m * n);
        jsBackend.matmul(a, b, expected, m, k, n, transposeA, false);
        wasm.matmul(a, b, actual, m, k, n, transposeA, false);
        expectSameBits(actual, expected, `matmul ${m}×${k}×${n} tA=${transposeA}`);
      }
    }
  });

  it('sums of nothing (k = 0) or of only −0 products are +0 (accumulation starts from +0)', () => {
    for (const [, ctor] of DTYPES) {
      for (const [m, k, n] of [
        [5, 0, 9],
        [5, 1, 9],
        [5, 3, 9],
        [5, 300, 9],
      ]) {
        const a = new ctor(m * k).fill(-0);
        const b = new ctor(k * n).fill(1);
        for (const transposeA of [false, true]) {
          const out = garbage(ctor, m * n);
          wasm.matmul(a, b, out, m, k, n, transposeA, false);
          for (const v of out) expect(Object.is(v, 0), `matmul ${m}×${k}×${n} tA=${transposeA}`).toBe(true);
        }
      }
    }
  });

  it('the test data would expose a kernel that reorders the k-sum', () => {
    // Independent witness that bit comparison has teeth here: summing the same rounded products in
    // descending k gives different bits for some outputs of these inputs.
    const [m, k, n] = [16, 33, 17];
    const a = values(Float32Array, m * k, 7);
    const b = values(Float32Array, k * n, 8);
    const expected = new Float32Array(m * n);
    jsBackend.matmul(a, b, expected, m, k, n, false, false);
    let differing = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = k - 1; p >= 0; p--) acc = Math.fround(acc + Math.fround(a[i * k + p] * b[p * n + j]));
        if (!Object.is(acc, expected[i * n + j])) differing++;
      }
    }
    expect(differing).toBeGreaterThan(10);
  });

  it('stays correct when its memory grows between calls', () => {
    for (const [m, k, n] of [
      [3, 4, 5],
      [300, 200, 250],
      [2, 3, 2],
    ]) {
      const a = values(Float64Array, m * k, m);
      const b = values(Float64Array, k * n, n);
      const expected = new Float64Array(m * n);
      const actual = new Float64Array(m * n);
      jsBackend.matmul(a, b, expected, m, k, n, true, false);
      wasm.matmul(a, b, actual, m, k, n, true, false);
      expectSameBits(actual, expected, `matmul ${m}×${k}×${n}`);
    }
  });

  it('falls back to the reference for mixed dtypes', () => {
    const a = values(Float64Array, 6, 1);
    const b = values(Float32Array, 6, 2);
    const expected = new Float32Array(4);
    const actual = new Float32Array(4);
    jsBackend.matmul(a, b, expected, 2, 3, 2, false, false);
    wasm.matmul(a, b, actual, 2, 3, 2, false, false);
    expectSameBits(actual, expected, 'mixed');
  });
});

describe('wasm backend: binary', () => {
  const OPS: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'];
  /** [a's shape, b's shape]; out's shape is their broadcast. */
  const cases: [number[], number[]][] = [
    [[], []],
    [[1], [1]],
    [[7], [7]],
    [[0], [0]],
    [[0, 3], [3]],
    [[1000], [1000]],
    [
      [3, 5],
      [3, 5],
    ],
    [
      [2, 3, 4],
      [2, 3, 4],
    ],
    [
      [17, 33],
      [17, 33],
    ],
    // row broadcast, both ways round
    [[1, 1], [1]],
    [[3, 7], [7]],
    [[5, 17], [17]],
    [[128, 10], [10]],
    [[1000, 1], [1]],
    [[1, 1000], [1000]],
    [[9], [4, 9]],
    // column broadcast, scalars, outer products
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
      [1, 1],
      [7, 6],
    ],
    [
      [7, 1],
      [1, 9],
    ],
    [
      [1, 9],
      [7, 1],
    ],
    // layouts beyond [outer × inner]: the reference path
    [
      [2, 3, 4],
      [3, 1],
    ],
    [
      [2, 1, 4],
      [1, 3, 1],
    ],
    [
      [4, 3, 5],
      [4, 1, 5],
    ],
    [[2, 3, 4, 5], [5]],
  ];

  function broadcastShape(a: number[], b: number[]): number[] {
    const rank = Math.max(a.length, b.length);
    const out: number[] = [];
    for (let d = 0; d < rank; d++) {
      const x = a[d - rank + a.length] ?? 1;
      const y = b[d - rank + b.length] ?? 1;
      out.push(x === 1 ? y : x);
    }
    return out;
  }

  for (const [dtype, ctor] of DTYPES) {
    for (const specialRate of [0, 0.1]) {
      it(`${dtype}, all ops, ${cases.length} broadcast layouts, specials ${specialRate}`, () => {
        let seed = 500;
        for (const [aShape, bShape] of cases) {
          const outShape = broadcastShape(aShape, bShape);
          const aStrides = stridesIn(aShape, outShape);
          const bStrides = stridesIn(bShape, outShape);
          for (const op of OPS) {
            const a = values(ctor, size(aShape), seed++, specialRate);
            const b = values(ctor, size(bShape), seed++, specialRate);
            const expected = garbage(ctor, size(outShape));
            const actual = garbage(ctor, size(outShape));
            jsBackend.binary(op, a, aStrides, b, bStrides, expected, outShape);
            wasm.binary(op, a, aStrides, b, bStrides, actual, outShape);
            expectSameBits(actual, expected, `${op} [${aShape}] with [${bShape}]`);
          }
        }
      });
    }

    it(`${dtype}, all ops on every pair of special values`, () => {
      const s = SPECIALS.length;
      const a = new ctor(s * s);
      const b = new ctor(s * s);
      for (let i = 0; i < s; i++) {
        for (let j = 0; j < s; j++) {
          a[i * s + j] = SPECIALS[i];
          b[i * s + j] = SPECIALS[j];
        }
      }
      for (const op of OPS) {
        const expected = garbage(ctor, s * s);
        const actual = garbage(ctor, s * s);
        jsBackend.binary(op, a, [s, 1], b, [s, 1], expected, [s, s]);
        wasm.binary(op, a, [s, 1], b, [s, 1], actual, [s, s]);
        expectSameBits(actual, expected, op);
        // maximum / minimum return the canonical NaN (Number.NaN) by definition: same bytes too.
        if (op === 'maximum' || op === 'minimum') expectSameBytes(actual, expected, op);
      }
    });
  }

  it('maximum / minimum keep a on ties and propagate NaN, as the op is defined', () => {
    // From binaryForward's definition: NaN if either is NaN, else a >= b ? a : b (a <= b ? a : b).
    const a = new Float32Array([-0, 0, Number.NaN, 1, 2]);
    const b = new Float32Array([0, -0, 1, Number.NaN, 2]);
    const max = new Float32Array(5);
    const min = new Float32Array(5);
    wasm.binary('maximum', a, [1], b, [1], max, [5]);
    wasm.binary('minimum', a, [1], b, [1], min, [5]);
    expect([...max]).toEqual([-0, 0, Number.NaN, Number.NaN, 2]);
    expect(Object.is(max[0], -0) && Object.is(max[1], 0)).toBe(true);
    expect(Object.is(min[0], -0) && Object.is(min[1], 0)).toBe(true);
  });

  it('plans same-shape, row, column and scalar layouts as [outer × inner]', () => {
    expect(planBinary([4, 3], [3, 1], [3, 1])).toEqual({
      outer: 1,
      inner: 12,
      aOuter: 0,
      aInner: 1,
      bOuter: 0,
      bInner: 1,
    });
    expect(planBinary([4, 3], [3, 1], [0, 1])).toEqual({
      outer: 4,
      inner: 3,
      aOuter: 3,
      aInner: 1,
      bOuter: 0,
      bInner: 1,
    });
    expect(planBinary([4, 3], [3, 1], [1, 0])).toEqual({
      outer: 4,
      inner: 3,
      aOuter: 3,
      aInner: 1,
      bOuter: 1,
      bInner: 0,
    });
    expect(planBinary([4, 3], [0, 0], [3, 1])).toEqual({
      outer: 1,
      inner: 12,
      aOuter: 0,
      aInner: 0,
      bOuter: 0,
      bInner: 1,
    });
    expect(planBinary([2, 3, 4], [12, 4, 1], [0, 1, 0])).toBeUndefined();
  });
});

describe('wasm backend: unary and its gradient', () => {
  const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 17, 255, 256, 257, 1000, 1025];
  /** Inputs around the ops' branch points (0, ±3 for hardSigmoid) plus ordinary and special values. */
  function unaryInputs(ctor: Ctor, n: number, seed: number): FloatArray {
    const x = values(ctor, n, seed, 0.1);
    const edges = [0, -0, 3, -3, 2.9999998, -2.9999998, 6, -6, 0.5, -0.5];
    for (let i = 0; i < n; i += 5) x[i] = edges[(i / 5) % edges.length];
    return x;
  }

  for (const [dtype, ctor] of DTYPES) {
    for (const op of UNARY_OPS) {
      it(`${dtype} ${op}: forward and backward`, () => {
        let seed = 900;
        for (const n of lengths) {
          for (const alpha of [0.2, 1.7]) {
            const x = unaryInputs(ctor, n, seed++);
            const dy = values(ctor, n, seed++, 0.05);
            const expected = garbage(ctor, n);
            const actual = garbage(ctor, n);
            jsBackend.unary(op, x, expected, alpha);
            wasm.unary(op, x, actual, alpha);
            expectSameBits(actual, expected, `${op} n=${n} alpha=${alpha}`);
            const expectedGrad = garbage(ctor, n);
            const actualGrad = garbage(ctor, n);
            jsBackend.unaryBackward(op, x, dy, expectedGrad, alpha);
            wasm.unaryBackward(op, x, dy, actualGrad, alpha);
            expectSameBits(actualGrad, expectedGrad, `${op}' n=${n} alpha=${alpha}`);
          }
        }
      });
    }
  }

  it('leakyRelu rounds alpha·x once from float64 (not via a float32 alpha)', () => {
    // 0.2 is not a float32; fround(0.2·x) differs from fround(fround(0.2)·x) for some x.
    const x = values(Float32Array, 4000, 3).map((v) => -Math.abs(v));
    const viaF32Alpha = x.map((v) => Math.fround(Math.fround(0.2) * v));
    const out = new Float32Array(x.length);
    wasm.unary('leakyRelu', x, out, 0.2);
    const reference = x.map((v) => Math.fround(0.2 * v));
    expectSameBits(out, reference, 'leakyRelu');
    expect(out.some((v, i) => !Object.is(v, viaF32Alpha[i]))).toBe(true);
  });
});

describe('wasm backend: reduce', () => {
  const dims = [0, 1, 2, 3, 4, 5, 7, 8, 9, 17];
  const shapes: [number, number, number][] = [
    [1, 1000, 1],
    [1000, 1, 1],
    [1, 1, 1000],
    [1, 1000, 3],
    [7, 100, 1],
    [3, 0, 5],
    [0, 4, 3],
    [128, 784, 1],
    [1, 128, 784],
    [5, 0, 1],
    [9, 0, 1],
    [1, 0, 7],
  ];
  for (let i = 0; i < 60; i++) {
    shapes.push([
      dims[hash(2, 3 * i) % dims.length],
      dims[hash(2, 3 * i + 1) % dims.length],
      dims[hash(2, 3 * i + 2) % dims.length],
    ]);
  }

  for (const [dtype, ctor] of DTYPES) {
    for (const op of ['sum', 'max'] as const) {
      for (const specialRate of [0, 0.05]) {
        it(`${dtype} ${op}, ${shapes.length} shapes, specials ${specialRate}`, () => {
          let seed = 1300;
          for (const [outer, axis, inner] of shapes) {
            const x = values(ctor, outer * axis * inner, seed++, specialRate);
            const expected = garbage(ctor, outer * inner);
            const actual = garbage(ctor, outer * inner);
            jsBackend.reduce(op, x, expected, outer, axis, inner);
            wasm.reduce(op, x, actual, outer, axis, inner);
            expectSameBits(actual, expected, `${op} [${outer}, ${axis}, ${inner}]`);
          }
        });
      }
    }
  }

  it('sums of nothing or of only −0 are +0 on every path (accumulation starts from +0)', () => {
    for (const [, ctor] of DTYPES) {
      for (const [outer, axis, inner] of [
        [9, 0, 1],
        [9, 1, 1],
        [9, 3, 1],
        [2, 0, 9],
        [2, 1, 9],
        [2, 3, 9],
      ]) {
        const x = new ctor(outer * axis * inner).fill(-0);
        const out = garbage(ctor, outer * inner);
        wasm.reduce('sum', x, out, outer, axis, inner);
        for (const v of out) expect(Object.is(v, 0), `sum [${outer}, ${axis}, ${inner}]`).toBe(true);
      }
    }
  });

  it('max returns the first NaN of the axis, payload included, as the reference does', () => {
    // x is [1, 4, 3] (four rows, three columns); columns 1 and 2 hold two NaNs each, with distinct
    // payloads and signs. The reference stops at a column's first NaN, so that NaN is its result.
    const nanSlots: [number, number][] = [
      [4, 1], // column 1, row 1
      [7, 2], // column 1, row 2
      [2, 3], // column 2, row 0
      [11, 4], // column 2, row 3
    ];
    for (const [, ctor] of DTYPES) {
      const x = new ctor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      for (const [slot, payload] of nanSlots) {
        const negative = payload % 2 === 0;
        if (x instanceof Float32Array) {
          new Uint32Array(x.buffer)[slot] = ((negative ? 0xffc00000 : 0x7fc00000) | payload) >>> 0;
        } else {
          new BigUint64Array(x.buffer)[slot] =
            (negative ? 0xfff8000000000000n : 0x7ff8000000000000n) | BigInt(payload);
        }
      }
      const expected = garbage(ctor, 3);
      const actual = garbage(ctor, 3);
      jsBackend.reduce('max', x, expected, 1, 4, 3);
      wasm.reduce('max', x, actual, 1, 4, 3);
      expectSameBytes(actual, expected, `${ctor.name} max with NaN payloads`);
      expect(actual[0]).toBe(10);
    }
  });

  it('max keeps the first of equal maxima (−0 before +0) and lets NaN win', () => {
    const x = new Float32Array([-0, 0, 0, -0, 1, Number.NaN, 2, 3]);
    const out = new Float32Array(4);
    wasm.reduce('max', x, out, 4, 2, 1);
    expect(Object.is(out[0], -0)).toBe(true);
    expect(Object.is(out[1], 0)).toBe(true);
    expect(out[2]).toBeNaN();
    expect(out[3]).toBe(3);
  });
});

describe('wasm backend: softmax and its gradient', () => {
  it('the gradient sum Σ dy·y starts from +0', () => {
    for (const [, ctor] of DTYPES) {
      // dy·y = −0 everywhere, so acc = +0 and dx = y·(dy − 0) = y·(−0) = −0 for y > 0; a kernel that
      // started from −0 would get dy − (−0) = +0 and dx = +0.
      const y = new ctor(12).fill(0.5);
      const dy = new ctor(12).fill(-0);
      const dx = garbage(ctor, 12);
      wasm.softmaxBackward(y, dy, dx, 3, 4, false);
      for (const v of dx) expect(Object.is(v, -0)).toBe(true);
    }
  });

  const shapes: [number, number][] = [
    [1, 1],
    [1, 10],
    [128, 10],
    [3, 7],
    [5, 1000],
    [1000, 1],
    [0, 5],
    [4, 0],
    [17, 17],
  ];
  for (const [dtype, ctor] of DTYPES) {
    for (const log of [false, true]) {
      for (const specialRate of [0, 0.03]) {
        it(`${dtype} ${log ? 'logSoftmax' : 'softmax'}, specials ${specialRate}`, () => {
          let seed = 1700;
          for (const [rows, cols] of shapes) {
            const x = values(ctor, rows * cols, seed++, specialRate);
            const dy = values(ctor, rows * cols, seed++, specialRate);
            const y = garbage(ctor, rows * cols);
            const yWasm = garbage(ctor, rows * cols);
            jsBackend.softmax(x, y, rows, cols, log);
            wasm.softmax(x, yWasm, rows, cols, log);
            expectSameBits(yWasm, y, `softmax [${rows}, ${cols}]`);
            const expected = garbage(ctor, rows * cols);
            const actual = garbage(ctor, rows * cols);
            jsBackend.softmaxBackward(y, dy, expected, rows, cols, log);
            wasm.softmaxBackward(y, dy, actual, rows, cols, log);
            expectSameBits(actual, expected, `softmax' [${rows}, ${cols}]`);
          }
        });
      }
    }
  }
});

describe('wasm backend with its default options (small calls on the reference)', () => {
  const defaults = createWasmBackend();
  // Sizes on both sides of every threshold (128 elements, 32 for transcendental ops, 256 and 512
  // multiply-adds): the routing must never change a bit.
  for (const [dtype, ctor] of DTYPES) {
    it(`${dtype}: every kernel at small and large sizes equals the reference`, () => {
      let seed = 3100;
      for (const n of [1, 31, 32, 33, 127, 128, 129, 300]) {
        const x = values(ctor, n, seed++, 0.05);
        const dy = values(ctor, n, seed++, 0.05);
        for (const op of UNARY_OPS) {
          const [expected, actual] = [garbage(ctor, n), garbage(ctor, n)];
          jsBackend.unary(op, x, expected, 0.2);
          defaults.unary(op, x, actual, 0.2);
          expectSameBits(actual, expected, `${op} n=${n}`);
          jsBackend.unaryBackward(op, x, dy, expected, 0.2);
          defaults.unaryBackward(op, x, dy, actual, 0.2);
          expectSameBits(actual, expected, `${op}' n=${n}`);
        }
        const [expected, actual] = [garbage(ctor, n), garbage(ctor, n)];
        jsBackend.binary('mul', x, [1], dy, [1], expected, [n]);
        defaults.binary('mul', x, [1], dy, [1], actual, [n]);
        expectSameBits(actual, expected, `mul n=${n}`);
        for (const log of [false, true]) {
          jsBackend.softmax(x, expected, 1, n, log);
          defaults.softmax(x, actual, 1, n, log);
          expectSameBits(actual, expected, `softmax n=${n}`);
          jsBackend.softmaxBackward(expected, dy, expected, 1, n, log);
          defaults.softmaxBackward(actual, dy, actual, 1, n, log);
          expectSameBits(actual, expected, `softmax' n=${n}`);
        }
        const [sumJs, sumWasm] = [garbage(ctor, 1), garbage(ctor, 1)];
        jsBackend.reduce('sum', x, sumJs, 1, n, 1);
        defaults.reduce('sum', x, sumWasm, 1, n, 1);
        expectSameBits(sumWasm, sumJs, `sum n=${n}`);
      }
      for (const [m, k, n] of [
        [9, 1, 10],
        [6, 6, 7],
        [8, 8, 8],
        [9, 10, 6],
      ]) {
        const x = values(ctor, m * k, seed++);
        const w = values(ctor, k * n, seed++);
        const bias = values(ctor, n, seed++);
        const [z1, y1, z2, y2] = [0, 1, 2, 3].map(() => garbage(ctor, m * n));
        jsBackend.denseForward?.(x, w, bias, z1, y1, m, k, n, 'tanh', 1);
        defaults.denseForward?.(x, w, bias, z2, y2, m, k, n, 'tanh', 1);
        expectSameBits(y2, y1, `denseForward ${m}×${k}×${n}`);
        const dy = values(ctor, m * n, seed++);
        const grads = () => [
          garbage(ctor, m * n),
          garbage(ctor, m * k),
          garbage(ctor, k * n),
          garbage(ctor, n),
        ];
        const [a, b] = [grads(), grads()];
        jsBackend.denseBackward?.(x, w, z1, dy, a[0], a[1], a[2], a[3], m, k, n, 'tanh', 1);
        defaults.denseBackward?.(x, w, z1, dy, b[0], b[1], b[2], b[3], m, k, n, 'tanh', 1);
        for (let i = 0; i < 4; i++) expectSameBits(b[i], a[i], `denseBackward ${m}×${k}×${n} output ${i}`);
        const [c1, c2] = [garbage(ctor, m * n), garbage(ctor, m * n)];
        jsBackend.matmul(x, w, c1, m, k, n, false, false);
        defaults.matmul(x, w, c2, m, k, n, false, false);
        expectSameBits(c2, c1, `matmul ${m}×${k}×${n}`);
      }
    });
  }
});
