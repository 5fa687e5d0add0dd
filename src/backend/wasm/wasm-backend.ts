/**
 * The WebAssembly backend: the reference backend's kernels on fixed-width SIMD, bit for bit.
 *
 * Each kernel copies its inputs into the module's linear memory, runs, and copies the result out.
 * What runs elsewhere, with the same bits by construction (it *is* the reference code):
 * - transcendental unary ops (exp, log, elu, selu, sigmoid, tanh, softplus, swish, gelu) and their
 *   gradients, softmax, and the log-softmax gradient — their float64 algorithms live in
 *   numeric/elementary.ts and are not ported to wasm yet (docs/wasm-backend.md says why);
 * - binary ops whose broadcast layout needs more than two dimensions;
 * - arrays of mixed or unexpected types, and calls too large for 32-bit addressing.
 */
import type { BinaryOp, UnaryOp } from '../../numeric/elementwise.js';
import type { FloatArray } from '../../tensor/dtype.js';
import type { Backend } from '../backend.js';
import { jsBackend } from '../js/js-backend.js';
import { planBinary } from './binary-plan.js';
import { WasmArena } from './wasm-arena.js';
import { instantiateKernels } from './wasm-module.js';

const BINARY_CODES: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };

/** Ops evaluated in wasm, with their codes in wasm/kernels.wat; the rest run on the reference. */
const UNARY_CODES: Partial<Record<UnaryOp, number>> = {
  linear: 0,
  neg: 1,
  abs: 2,
  square: 3,
  sqrt: 4,
  relu: 5,
  leakyRelu: 6,
  hardSigmoid: 7,
  softsign: 8,
};
const UNARY_BACKWARD_CODES: Partial<Record<UnaryOp, number>> = { ...UNARY_CODES, log: 9 };

type Kind = 'f32' | 'f64';

/** 'f32' / 'f64' when every array has that element type, otherwise undefined. */
function kindOf(...arrays: FloatArray[]): Kind | undefined {
  if (arrays.every((x) => x instanceof Float32Array)) return 'f32';
  if (arrays.every((x) => x instanceof Float64Array)) return 'f64';
  return undefined;
}

/**
 * Creates a WebAssembly backend with its own module instance and memory. Throws where WebAssembly
 * SIMD is unavailable (check with `wasmSimdSupported()`).
 *
 * @example
 * ```ts
 * const wasm = createWasmBackend();
 * const out = new Float32Array(4);
 * wasm.matmul(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), out, 2, 2, 2, false, false);
 * // out = [19, 22, 43, 50], the same bits as jsBackend
 * ```
 */
export function createWasmBackend(): Backend {
  const wasm = instantiateKernels();
  const arena = new WasmArena(wasm.memory, wasm.heap_base.value as number);

  function matmul(
    a: FloatArray,
    b: FloatArray,
    out: FloatArray,
    m: number,
    k: number,
    n: number,
    transposeA: boolean,
    transposeB: boolean,
  ): void {
    const kind = kindOf(a, b, out);
    const bytes = kind === 'f32' ? 4 : 8;
    // Panels are 8 (f32) or 4 (f64) columns wide: 32 bytes per row of op(b).
    const panelBytes = Math.ceil((n * bytes) / 32) * 32 * k;
    const fits = kind && out.length === m * n;
    const at = fits && arena.place(a.length * bytes, b.length * bytes, panelBytes, m * n * bytes);
    if (!at) {
      jsBackend.matmul(a, b, out, m, k, n, transposeA, transposeB);
      return;
    }
    if (m === 0 || n === 0) return;
    const [pa, pb, panels, po] = at;
    arena.write(pa, a);
    arena.write(pb, b);
    // op(a)[i, p] = a[i·aRow + p·aCol]; op(b)[p, j] = b[p·bRow + j·bCol].
    const [aRow, aCol] = transposeA ? [1, m] : [k, 1];
    const [bRow, bCol] = transposeB ? [1, k] : [n, 1];
    if (kind === 'f32') {
      wasm.pack_b_f32(pb, bRow, bCol, panels, k, n);
      wasm.matmul_f32(pa, aRow, aCol, panels, po, m, k, n);
    } else {
      wasm.pack_b_f64(pb, bRow, bCol, panels, k, n);
      wasm.matmul_f64(pa, aRow, aCol, panels, po, m, k, n);
    }
    arena.read(po, out);
  }

  function binary(
    op: BinaryOp,
    a: FloatArray,
    aStrides: readonly number[],
    b: FloatArray,
    bStrides: readonly number[],
    out: FloatArray,
    outShape: readonly number[],
  ): void {
    if (out.length === 0) return;
    const kind = kindOf(a, b, out);
    const plan = kind && planBinary(outShape, aStrides, bStrides);
    const bytes = kind === 'f32' ? 4 : 8;
    const at = plan && arena.place(a.length * bytes, b.length * bytes, out.length * bytes);
    if (!plan || !at) {
      jsBackend.binary(op, a, aStrides, b, bStrides, out, outShape);
      return;
    }
    const [pa, pb, po] = at;
    arena.write(pa, a);
    arena.write(pb, b);
    const run = kind === 'f32' ? wasm.binary_f32 : wasm.binary_f64;
    run(
      BINARY_CODES[op],
      pa,
      plan.aOuter,
      plan.aInner,
      pb,
      plan.bOuter,
      plan.bInner,
      po,
      plan.outer,
      plan.inner,
    );
    arena.read(po, out);
  }

  function unary(op: UnaryOp, x: FloatArray, out: FloatArray, alpha: number): void {
    const code = UNARY_CODES[op];
    const kind = code !== undefined ? kindOf(x, out) : undefined;
    const bytes = kind === 'f32' ? 4 : 8;
    const at = kind && arena.place(x.length * bytes, x.length * bytes);
    if (code === undefined || !at) {
      jsBackend.unary(op, x, out, alpha);
      return;
    }
    const [px, po] = at;
    arena.write(px, x);
    (kind === 'f32' ? wasm.unary_f32 : wasm.unary_f64)(code, px, po, x.length, alpha);
    arena.read(po, out.length === x.length ? out : out.subarray(0, x.length));
  }

  function unaryBackward(op: UnaryOp, x: FloatArray, dy: FloatArray, dx: FloatArray, alpha: number): void {
    const code = UNARY_BACKWARD_CODES[op];
    const kind = code !== undefined ? kindOf(x, dy, dx) : undefined;
    const bytes = kind === 'f32' ? 4 : 8;
    const n = x.length;
    const at = kind && dy.length >= n && arena.place(n * bytes, n * bytes, n * bytes);
    if (code === undefined || !at) {
      jsBackend.unaryBackward(op, x, dy, dx, alpha);
      return;
    }
    const [px, pdy, pdx] = at;
    arena.write(px, x);
    arena.write(pdy, dy.length === n ? dy : dy.subarray(0, n));
    (kind === 'f32' ? wasm.unary_backward_f32 : wasm.unary_backward_f64)(code, px, pdy, pdx, n, alpha);
    arena.read(pdx, dx.length === n ? dx : dx.subarray(0, n));
  }

  function reduce(
    op: 'sum' | 'max',
    x: FloatArray,
    out: FloatArray,
    outer: number,
    axis: number,
    inner: number,
  ): void {
    const kind = kindOf(x, out);
    const bytes = kind === 'f32' ? 4 : 8;
    const size = outer * axis * inner;
    const at = kind && x.length >= size && arena.place(size * bytes, outer * inner * bytes);
    if (!at) {
      jsBackend.reduce(op, x, out, outer, axis, inner);
      return;
    }
    if (outer * inner === 0) return;
    const [px, po] = at;
    arena.write(px, x.length === size ? x : x.subarray(0, size));
    if (op === 'sum')
      (kind === 'f32' ? wasm.reduce_sum_f32 : wasm.reduce_sum_f64)(px, po, outer, axis, inner);
    else (kind === 'f32' ? wasm.reduce_max_f32 : wasm.reduce_max_f64)(px, po, outer, axis, inner);
    arena.read(po, out.subarray(0, outer * inner));
  }

  function softmaxBackward(
    y: FloatArray,
    dy: FloatArray,
    dx: FloatArray,
    rows: number,
    cols: number,
    log: boolean,
  ): void {
    const kind = log ? undefined : kindOf(y, dy, dx);
    const bytes = kind === 'f32' ? 4 : 8;
    const size = rows * cols;
    const fits = kind && y.length >= size && dy.length >= size;
    const at = fits && arena.place(size * bytes, size * bytes, size * bytes);
    if (!at) {
      jsBackend.softmaxBackward(y, dy, dx, rows, cols, log);
      return;
    }
    if (size === 0) return;
    const [py, pdy, pdx] = at;
    arena.write(py, y.subarray(0, size));
    arena.write(pdy, dy.subarray(0, size));
    (kind === 'f32' ? wasm.softmax_backward_f32 : wasm.softmax_backward_f64)(py, pdy, pdx, rows, cols);
    arena.read(pdx, dx.subarray(0, size));
  }

  return {
    name: 'wasm',
    matmul,
    binary,
    unary,
    unaryBackward,
    reduce,
    // Needs exp and log for every element: runs on the reference until those are ported.
    softmax: jsBackend.softmax,
    softmaxBackward,
  };
}
