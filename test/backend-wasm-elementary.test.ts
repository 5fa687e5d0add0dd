/**
 * The WebAssembly port of ditto's elementary functions and of every transcendental kernel built on
 * them (unary ops and their gradients, softmax, the log-softmax gradient) must give exactly the
 * reference's bits. Each function and each op is checked on more than 10^5 inputs: dense sweeps
 * (every neighbouring double or float32, and fine linear grids) across each branch boundary of the
 * algorithm in docs/elementary-functions.md, random bit patterns (all magnitudes, subnormals, ±0,
 * ±∞, NaNs), and random values over the ranges where the functions vary. Elements are compared with
 * Object.is (−0 differs from +0; any NaN equals any NaN, as the contract leaves NaN bits open).
 */

import { describe, expect, it } from 'vitest';
import { jsBackend } from '../packages/ditto/src/backend/js/js-backend.js';
import { WasmArena } from '../packages/ditto/src/backend/wasm/wasm-arena.js';
import { createWasmBackend } from '../packages/ditto/src/backend/wasm/wasm-backend.js';
import { instantiateKernels } from '../packages/ditto/src/backend/wasm/wasm-module.js';
import { ELEMENTARY_ORDER, type ElementaryName } from '../packages/ditto/src/kernels/wasm/elementary.js';
import {
  erf,
  exp,
  expm1,
  log,
  log1p,
  sigmoid,
  softplus,
  tanh,
} from '../packages/ditto/src/numeric/elementary.js';
import { UNARY_OPS, type UnaryOp } from '../packages/ditto/src/numeric/elementwise.js';
import type { FloatArray } from '../packages/ditto/src/tensor/dtype.js';

// ---------------------------------------------------------------------------------------------
// Input generators (independent of ditto's random streams).

/** splitmix32-style hash of (seed, index) to a 32-bit word. */
function hash(seed: number, index: number): number {
  let z = (Math.imul(seed, 0x9e3779b9) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

const f64Buf = new Float64Array(1);
const u64Buf = new BigUint64Array(f64Buf.buffer);
const f32Buf = new Float32Array(1);
const u32Buf = new Uint32Array(f32Buf.buffer);

/** Doubles with uniformly random bit patterns: every exponent, subnormals, ±0, ±∞ and NaNs. */
function randomBitsF64(count: number, seed: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    u64Buf[0] = (BigInt(hash(seed, 2 * i)) << 32n) | BigInt(hash(seed, 2 * i + 1));
    out.push(f64Buf[0]);
  }
  return out;
}

/** float32 values with uniformly random bit patterns. */
function randomBitsF32(count: number, seed: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    u32Buf[0] = hash(seed, i);
    out.push(f32Buf[0]);
  }
  return out;
}

/** ±2^e with e uniform in [lo, hi): log-uniform magnitudes, both signs. */
function logUniform(count: number, seed: number, lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const e = lo + ((hi - lo) * hash(seed, i)) / 2 ** 32;
    out.push((hash(seed + 1, i) & 1 ? -1 : 1) * 2 ** e);
  }
  return out;
}

/** count points evenly spaced over [lo, hi]. */
function linear(count: number, lo: number, hi: number): number[] {
  return Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1));
}

/** The 2·radius + 1 doubles nearest b: b and its neighbours, ulp by ulp (through 0 to the other sign). */
function aroundF64(b: number, radius: number): number[] {
  f64Buf[0] = Math.abs(b);
  const bits = u64Buf[0];
  const sign = b < 0 || Object.is(b, -0) ? -1 : 1;
  const out: number[] = [];
  for (let i = -radius; i <= radius; i++) {
    const step = bits + BigInt(i);
    if (step < 0n) {
      u64Buf[0] = -step;
      out.push(-sign * f64Buf[0]);
    } else {
      u64Buf[0] = step;
      out.push(sign * f64Buf[0]);
    }
  }
  return out;
}

/** The 2·radius + 1 float32 values nearest fround(b). */
function aroundF32(b: number, radius: number): number[] {
  f32Buf[0] = Math.abs(b);
  const bits = u32Buf[0];
  const sign = b < 0 || Object.is(b, -0) ? -1 : 1;
  const out: number[] = [];
  for (let i = -radius; i <= radius; i++) {
    const step = bits + i;
    u32Buf[0] = Math.abs(step);
    out.push((step < 0 ? -sign : sign) * f32Buf[0]);
  }
  return out;
}

/** Dense sweeps across every boundary: ulp neighbours and a fine grid of ±1e-3 relative width. */
function sweeps(boundaries: readonly number[], dtype: 'f32' | 'f64', radius: number, grid: number): number[] {
  const out: number[] = [];
  for (const b of boundaries) {
    out.push(...(dtype === 'f64' ? aroundF64(b, radius) : aroundF32(b, radius)));
    const width = Math.max(Math.abs(b) * 1e-3, 1e-6);
    out.push(...linear(grid, b - width, b + width));
  }
  return out;
}

const LN2 = 0.6931471805599453;
const HALF_LN2 = 0.34657359027997264;
const INV_SQRT2 = 0.7071067811865476;
const SPECIALS = [
  0,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  5e-324,
  -5e-324,
  2.2250738585072014e-308,
  -2.2250738585072014e-308,
  1.7976931348623157e308,
  -1.7976931348623157e308,
  1.401298464324817e-45,
  -1.401298464324817e-45,
  1.1754943508222875e-38,
  3.4028234663852886e38,
  -3.4028234663852886e38,
];

/** Points x where exp's k = floor(x/ln2 + 0.5) steps to j, for the j at which scaleByPow2 changes form. */
const K_STEPS = [
  -1075, -1074, -1023, -1022, -1021, -127, -126, -125, -58, -57, -1, 0, 1, 56, 57, 127, 128, 1023, 1024,
];
const EXP_BOUNDARIES = [
  0,
  709.79,
  709.782712893384, // largest finite result
  -745.2,
  -745.1332191019412, // smallest non-zero result
  -708.3964185322641, // results turn subnormal
  88.72283935546875, // float32 overflow
  -87.33654475212097, // float32 results turn subnormal
  -103.97208404541016, // float32 results round to 0
  ...K_STEPS.map((j) => (j - 0.5) * LN2),
];
const EXPM1_BOUNDARIES = [
  0,
  HALF_LN2,
  -HALF_LN2,
  -40,
  709.79,
  56.5 * LN2,
  57.5 * LN2,
  ...K_STEPS.map((j) => (j - 0.5) * LN2),
];
/** The double with high word `hi` and low word 0. */
function fromHighWord(hi: number): number {
  u64Buf[0] = BigInt(hi >>> 0) << 32n;
  return f64Buf[0];
}

/**
 * log: 1, the subnormal limit, and across exponents the first mantissa whose high bits exceed
 * 0x6a09e (where e steps up by one: m = x·2^−e stays in [√2/2, √2)) and √2 itself.
 */
const LOG_BOUNDARIES = [
  1,
  2.2250738585072014e-308,
  5e-324,
  1e-310,
  0.5,
  2,
  1.7976931348623157e308,
  ...[-1022, -1000, -127, -126, -1, 0, 1, 126, 127, 1000, 1023].map((e) =>
    fromHighWord(((e + 1023) << 20) | 0x6a09f),
  ),
  // subnormal: e is read after scaling by 2^54 (2^−1030·1.6a09f… is exact as a subnormal)
  ...[-1030, -1060].map((e) => fromHighWord(((e + 54 + 1023) << 20) | 0x6a09f) * 2 ** -54),
  ...[-1074, -1040, -1030].map((e) => Math.SQRT2 * 2 ** e),
  ...[-126, 0, 1023].map((e) => Math.SQRT2 * 2 ** e),
];
const LOG1P_BOUNDARIES = [
  -1,
  0,
  2 ** -53,
  -(2 ** -53),
  2 ** -54,
  -(2 ** -54),
  -0.5,
  1,
  Math.SQRT2 - 1,
  1e300,
];
const TANH_BOUNDARIES = [0, 0.55, -0.55, 22, -22, HALF_LN2 / 2, -HALF_LN2 / 2, 1e-300, 20 * LN2];
const SIGMOID_BOUNDARIES = [
  0, 709.79, -709.79, 745.2, -745.2, 745.1332191019412, -745.1332191019412, 36.7, -36.7, 1e-300,
];
const SOFTPLUS_BOUNDARIES = [
  ...SIGMOID_BOUNDARIES,
  HALF_LN2,
  -HALF_LN2,
  37.42994775023705,
  -37.42994775023705,
];
const ERF_BOUNDARIES = [0, 1.5, -1.5, 2.5, -2.5, 4, -4, 6, -6, 1e-300];

/** ≥ 10^5 doubles for one function: sweeps of its boundaries, random bit patterns, wide and narrow ranges. */
function doubleInputs(boundaries: readonly number[], seed: number, range: number): Float64Array {
  const xs = [
    ...SPECIALS,
    ...sweeps(boundaries, 'f64', 400, 1000),
    ...randomBitsF64(40_000, seed),
    ...logUniform(40_000, seed + 10, -40, 11),
    ...linear(30_001, -range, range),
  ];
  return Float64Array.from(xs);
}

/** ≥ 10^5 float32 values: sweeps (float32 neighbours), random bit patterns, wide and narrow ranges. */
function floatInputs(boundaries: readonly number[], seed: number, range: number): Float32Array {
  const xs = [
    ...SPECIALS,
    ...sweeps(boundaries, 'f32', 400, 1000),
    ...randomBitsF32(40_000, seed),
    ...logUniform(40_000, seed + 10, -30, 8),
    ...linear(30_001, -range, range),
  ];
  return Float32Array.from(xs);
}

function firstMismatches(actual: FloatArray, expected: FloatArray, inputs: FloatArray): string[] {
  const out: string[] = [];
  for (let i = 0; i < expected.length && out.length < 5; i++) {
    if (!Object.is(actual[i], expected[i])) {
      out.push(`x = ${inputs[i]} (#${i}): wasm ${actual[i]}, js ${expected[i]}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Each elementary function on its own, through the module's test hook.

describe('wasm elementary functions equal src/numeric/elementary.ts bit for bit', () => {
  const kernels = instantiateKernels();
  const arena = new WasmArena(kernels.memory, kernels.heap_base.value as number);

  function wasmApply(fn: number, x: Float64Array): Float64Array {
    const at = arena.place(x.length * 8, x.length * 8);
    if (!at) throw new Error('no memory');
    const [src, dst] = at;
    arena.write(src, x);
    kernels.elementary_f64(fn, src, dst, x.length);
    const out = new Float64Array(x.length);
    arena.read(dst, out);
    return out;
  }

  // Codes are the hook's, from the generator's table (the seeds below stay 4000 + code).
  const functions: [ElementaryName, (x: number) => number, readonly number[], number][] = [
    ['exp', exp, EXP_BOUNDARIES, 800],
    ['expm1', expm1, EXPM1_BOUNDARIES, 800],
    ['log', log, LOG_BOUNDARIES, 1e6],
    ['log1p', log1p, LOG1P_BOUNDARIES, 1e6],
    ['tanh', tanh, TANH_BOUNDARIES, 30],
    ['sigmoid', sigmoid, SIGMOID_BOUNDARIES, 800],
    ['softplus', softplus, SOFTPLUS_BOUNDARIES, 800],
    ['erf', erf, ERF_BOUNDARIES, 8],
  ];
  it('covers every function of the test hook', () => {
    expect(functions.map(([name]) => name)).toEqual(ELEMENTARY_ORDER);
  });

  for (const [name, reference, boundaries, range] of functions) {
    const code = ELEMENTARY_ORDER.indexOf(name);
    it(`${name}: ≥ 10^5 doubles across its branch boundaries and all magnitudes`, () => {
      const x = doubleInputs(boundaries, 4000 + code, range);
      // Positive-only functions get as many positive inputs again (their interesting domain).
      const inputs = name === 'log' ? Float64Array.from([...x, ...x.map(Math.abs)]) : x;
      expect(inputs.length).toBeGreaterThan(100_000);
      const expected = inputs.map(reference);
      const actual = wasmApply(code, inputs);
      expect(firstMismatches(actual, expected, inputs)).toEqual([]);
    });
  }

  it('the inputs reach every branch (the sweeps straddle each boundary)', () => {
    // Witnesses that the sweeps cross what they are meant to cross: results on both sides differ
    // in the expected way (independent facts about the functions, not our own outputs).
    const expIn = doubleInputs(EXP_BOUNDARIES, 1, 800);
    const expOut = expIn.map(exp);
    expect(expOut.some((v, i) => v === Number.POSITIVE_INFINITY && expIn[i] < 709.79)).toBe(true); // rounding overflow
    expect(expOut.some((v) => v > 0 && v < 2.2250738585072014e-308)).toBe(true); // subnormal results
    expect(expOut.some((v, i) => v === 0 && expIn[i] > -745.2)).toBe(true); // rounding underflow
    const logIn = doubleInputs(LOG_BOUNDARIES, 2, 1e6).filter((v) => v > 0 && v < 2.2250738585072014e-308);
    expect(logIn.length).toBeGreaterThan(1000); // subnormal arguments
  });
});

// ---------------------------------------------------------------------------------------------
// Every unary op and gradient, float32 and float64, against the reference backend.

// Small calls would run on the reference by default; here every call runs the wasm kernels.
const wasm = createWasmBackend({ smallCallsOnReference: false });

/** Branch boundaries of each op, in the op's own argument x. */
const OP_BOUNDARIES: Partial<Record<UnaryOp, { boundaries: readonly number[]; range: number }>> = {
  exp: { boundaries: EXP_BOUNDARIES, range: 800 },
  log: { boundaries: LOG_BOUNDARIES, range: 1e6 },
  elu: { boundaries: EXPM1_BOUNDARIES, range: 60 },
  selu: { boundaries: EXPM1_BOUNDARIES, range: 60 },
  sigmoid: { boundaries: SIGMOID_BOUNDARIES, range: 800 },
  tanh: { boundaries: TANH_BOUNDARIES, range: 30 },
  softplus: { boundaries: SOFTPLUS_BOUNDARIES, range: 800 },
  swish: { boundaries: SIGMOID_BOUNDARIES, range: 800 },
  // erf's argument is x·INV_SQRT2; gelu's gradient also has exp(−x²/2) (underflows near |x| = 38.6).
  gelu: { boundaries: [...ERF_BOUNDARIES.map((a) => a / INV_SQRT2), 38.6, -38.6], range: 12 },
};

describe('wasm unary ops and gradients on ≥ 10^5 inputs each', () => {
  for (const [dtype, make] of [
    ['float32', floatInputs],
    ['float64', doubleInputs],
  ] as const) {
    for (const op of UNARY_OPS) {
      const spec = OP_BOUNDARIES[op] ?? { boundaries: [0, 3, -3, 1, -1], range: 10 };
      it(`${dtype} ${op}: forward and gradient`, () => {
        const seed = 7000 + UNARY_OPS.indexOf(op);
        const x = make(spec.boundaries, seed, spec.range);
        expect(x.length).toBeGreaterThan(100_000);
        const ctor = x instanceof Float32Array ? Float32Array : Float64Array;
        // dy: mixed magnitudes and a few special values.
        const dy = new ctor(x.length);
        for (let i = 0; i < dy.length; i++) {
          const h = hash(seed + 99, i);
          dy[i] =
            h % 97 === 0
              ? SPECIALS[h % SPECIALS.length]
              : (h & 1 ? -1 : 1) * (1 + (h >>> 1) / 2 ** 31) * 2 ** ((h % 13) - 6);
        }
        for (const alpha of [1, 0.2]) {
          const expected = new ctor(x.length).fill(-123.5);
          const actual = new ctor(x.length).fill(-123.5);
          jsBackend.unary(op, x, expected, alpha);
          wasm.unary(op, x, actual, alpha);
          expect(firstMismatches(actual, expected, x), `${op} alpha=${alpha}`).toEqual([]);
          jsBackend.unaryBackward(op, x, dy, expected, alpha);
          wasm.unaryBackward(op, x, dy, actual, alpha);
          expect(firstMismatches(actual, expected, x), `${op}' alpha=${alpha}`).toEqual([]);
        }
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Softmax and log-softmax: forward and both gradients on many rows with extreme spreads.

describe('wasm softmax and log-softmax on extreme rows', () => {
  /** Rows mixing ordinary values, huge spreads (exp underflows), ties of ±0, NaN and ±∞ rows. */
  function rows(
    ctor: Float32ArrayConstructor | Float64ArrayConstructor,
    count: number,
    cols: number,
    seed: number,
  ) {
    const x = new ctor(count * cols);
    for (let r = 0; r < count; r++) {
      const kind = r % 7;
      for (let j = 0; j < cols; j++) {
        const h = hash(seed + r, j);
        const u = h / 2 ** 32;
        let v: number;
        if (kind === 0) v = (u - 0.5) * 20;
        else if (kind === 1)
          v = (u - 0.5) * 2000; // most exps underflow
        else if (kind === 2)
          v = h & 1 ? 0 : -0; // ties of ±0
        else if (kind === 3) v = SPECIALS[h % SPECIALS.length];
        else if (kind === 4) v = (u - 0.5) * 1e-3;
        else if (kind === 5) v = (u - 0.5) * 200;
        else v = -700 - u * 100;
        x[r * cols + j] = v;
      }
    }
    return x;
  }

  for (const [dtype, ctor] of [
    ['float32', Float32Array],
    ['float64', Float64Array],
  ] as const) {
    for (const log of [false, true]) {
      it(`${dtype} ${log ? 'log-softmax' : 'softmax'}: forward and gradient over ${[1, 2, 3, 5, 10, 17, 64, 1000].length} widths`, () => {
        let total = 0;
        for (const cols of [1, 2, 3, 5, 10, 17, 64, 1000]) {
          const count = Math.max(7, Math.ceil(20_000 / cols));
          const x = rows(ctor, count, cols, 31 * cols);
          const dy = rows(ctor, count, cols, 77 * cols);
          const y = new ctor(x.length).fill(-123.5);
          const yWasm = new ctor(x.length).fill(-123.5);
          jsBackend.softmax(x, y, count, cols, log);
          wasm.softmax(x, yWasm, count, cols, log);
          expect(firstMismatches(yWasm, y, x), `forward, ${cols} columns`).toEqual([]);
          const dx = new ctor(x.length).fill(-123.5);
          const dxWasm = new ctor(x.length).fill(-123.5);
          jsBackend.softmaxBackward(y, dy, dx, count, cols, log);
          wasm.softmaxBackward(y, dy, dxWasm, count, cols, log);
          expect(firstMismatches(dxWasm, dx, y), `gradient, ${cols} columns`).toEqual([]);
          total += x.length;
        }
        expect(total).toBeGreaterThan(100_000);
      });
    }
  }

  it('keeps the first of equal maxima and the sign of zero in log-softmax of one column', () => {
    // One column: max = x, x − max = +0 for finite x, log(1) = +0, so every output is +0 — also for
    // x = −0 (−0 − (−0) = +0). A kernel subtracting in the wrong order or starting max at x would
    // still pass this; the independent fact checked is the reference's definition itself.
    for (const ctor of [Float32Array, Float64Array]) {
      const x = new ctor([-0, 0, 5, -3]);
      const out = new ctor(4);
      wasm.softmax(x, out, 4, 1, true);
      for (const v of out) expect(Object.is(v, 0)).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The fused Dense kernels.

describe('wasm fused Dense kernels equal the reference', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 7, 17],
    [17, 3, 7],
    [1000, 1, 1],
    [1, 1000, 1],
    [1, 1, 1000],
    [9, 1, 10],
    [9, 10, 1],
    [128, 33, 10],
    [5, 0, 4],
    [0, 4, 3],
    [4, 3, 0],
  ];

  function data(ctor: Float32ArrayConstructor | Float64ArrayConstructor, count: number, seed: number) {
    const out = new ctor(count);
    for (let i = 0; i < count; i++) {
      const h = hash(seed, i);
      out[i] = h % 211 === 0 ? SPECIALS[h % SPECIALS.length] : (h / 2 ** 32 - 0.5) * 4;
    }
    return out;
  }

  it('has both fused kernels', () => {
    expect(typeof wasm.denseForward).toBe('function');
    expect(typeof wasm.denseBackward).toBe('function');
  });

  for (const [dtype, ctor] of [
    ['float32', Float32Array],
    ['float64', Float64Array],
  ] as const) {
    it(`${dtype}: every activation, with and without bias and dx, ${shapes.length} shapes`, () => {
      let seed = 1;
      for (const [m, k, n] of shapes) {
        for (const activation of UNARY_OPS) {
          for (const withBias of [true, false]) {
            const label = `${activation} ${m}×${k}×${n} bias=${withBias}`;
            const alpha = activation === 'leakyRelu' ? 0.2 : 1;
            const x = data(ctor, m * k, seed++);
            const w = data(ctor, k * n, seed++);
            const bias = withBias ? data(ctor, n, seed++) : null;
            const dy = data(ctor, m * n, seed++);
            // Forward: y separate from z, and y = z for linear.
            const [zJs, yJs, zW, yW] = [0, 1, 2, 3].map(() => new ctor(m * n).fill(-123.5));
            jsBackend.denseForward?.(x, w, bias, zJs, yJs, m, k, n, activation, alpha);
            wasm.denseForward?.(x, w, bias, zW, yW, m, k, n, activation, alpha);
            expect(firstMismatches(zW, zJs, zJs), `z ${label}`).toEqual([]);
            expect(firstMismatches(yW, yJs, zJs), `y ${label}`).toEqual([]);
            if (activation === 'linear') {
              const [zJ2, zW2] = [0, 1].map(() => new ctor(m * n).fill(-123.5));
              jsBackend.denseForward?.(x, w, bias, zJ2, zJ2, m, k, n, 'linear', 1);
              wasm.denseForward?.(x, w, bias, zW2, zW2, m, k, n, 'linear', 1);
              expect(firstMismatches(zW2, zJ2, zJ2), `z = y ${label}`).toEqual([]);
            }
            // Backward, with and without dx and db.
            for (const withDx of [true, false]) {
              const out = () => ({
                dz: new ctor(m * n).fill(-123.5),
                dx: withDx ? new ctor(m * k).fill(-123.5) : null,
                dw: new ctor(k * n).fill(-123.5),
                db: withBias ? new ctor(n).fill(-123.5) : null,
              });
              const [js, ws] = [out(), out()];
              jsBackend.denseBackward?.(
                x,
                w,
                zJs,
                dy,
                js.dz,
                js.dx,
                js.dw,
                js.db,
                m,
                k,
                n,
                activation,
                alpha,
              );
              wasm.denseBackward?.(x, w, zJs, dy, ws.dz, ws.dx, ws.dw, ws.db, m, k, n, activation, alpha);
              const l = `${label} dx=${withDx}`;
              expect(firstMismatches(ws.dz, js.dz, zJs), `dz ${l}`).toEqual([]);
              expect(firstMismatches(ws.dw, js.dw, w), `dw ${l}`).toEqual([]);
              if (js.dx && ws.dx) expect(firstMismatches(ws.dx, js.dx, x), `dx ${l}`).toEqual([]);
              if (js.db && ws.db) expect(firstMismatches(ws.db, js.db, js.db), `db ${l}`).toEqual([]);
            }
            if (activation === 'linear') {
              // dz = dy (the same array): nothing is written into it.
              const [dyJs, dyW] = [dy.slice(), dy.slice()];
              const [dwJs, dwW] = [new ctor(k * n), new ctor(k * n)];
              jsBackend.denseBackward?.(x, w, zJs, dyJs, dyJs, null, dwJs, null, m, k, n, 'linear', 1);
              wasm.denseBackward?.(x, w, zJs, dyW, dyW, null, dwW, null, m, k, n, 'linear', 1);
              expect(firstMismatches(dyW, dyJs, dy), `dy kept ${label}`).toEqual([]);
              expect(firstMismatches(dwW, dwJs, w), `dw from dy ${label}`).toEqual([]);
            }
          }
        }
      }
    });
  }

  it('refuses y = z (and dz = dy) for a non-linear activation, like the reference', () => {
    const a = new Float32Array(4);
    expect(() => wasm.denseForward?.(a, a, null, a, a, 2, 2, 2, 'relu', 1)).toThrow(/linear/);
    expect(() => wasm.denseBackward?.(a, a, a, a, a, null, a, null, 2, 2, 2, 'tanh', 1)).toThrow(/linear/);
  });

  it('falls back to the reference for mixed dtypes', () => {
    const [m, k, n] = [3, 4, 5];
    const x = data(Float64Array, m * k, 1);
    const w = data(Float32Array, k * n, 2);
    const [zJs, yJs, zW, yW] = [0, 1, 2, 3].map(() => new Float32Array(m * n));
    jsBackend.denseForward?.(x, w, null, zJs, yJs, m, k, n, 'tanh', 1);
    wasm.denseForward?.(x, w, null, zW, yW, m, k, n, 'tanh', 1);
    expect(firstMismatches(yW, yJs, zJs)).toEqual([]);
  });
});
