/**
 * The WebAssembly backend: the reference backend's kernels on fixed-width SIMD, bit for bit.
 *
 * Each kernel copies its inputs into the module's linear memory, runs, and copies the result out —
 * except for arrays that already live in that memory (an engine program's internal buffers, in the
 * region `programArena` gives it: wasm-arena.ts), which the kernels read and write in place.
 * Every kernel of the interface runs in wasm, including the transcendental unary ops (ditto's
 * elementary functions, ported operation for operation), softmax and the fused Dense kernels. What
 * runs on the reference code instead, with the same bits by construction (it *is* that code):
 * - calls too small to gain from wasm (see WasmBackendOptions), unless asked otherwise;
 * - binary ops whose broadcast layout needs more than two dimensions;
 * - arrays of mixed or unexpected types or lengths, and calls too large for 32-bit addressing.
 */

import {
  BINARY_CODES,
  EPILOGUE_BIAS,
  EPILOGUE_RELU,
  FIRST_TRANSCENDENTAL,
  PREP_DB,
  PREP_RELU,
  PREP_STORE_DZ,
  UNARY_CODES,
} from '../../kernels/op-codes.js';
import { backendKernel } from '../../kernels/registry.js';
import type { BinaryOp, UnaryOp } from '../../numeric/elementwise.js';
import type { FloatArray } from '../../tensor/dtype.js';
import { fold2dKernel, unfold2dKernel } from '../../tensor/ops/conv.js';
import { maxPool2dBackwardKernel, maxPool2dKernel } from '../../tensor/ops/pooling.js';
import {
  gatherRows as gatherRowsKernel,
  type IndexArray,
  scatterAddRows as scatterAddRowsKernel,
} from '../../tensor/ops/shape-ops.js';
import type { Backend, ProgramArena } from '../backend.js';
import { jsBackend } from '../js/js-backend.js';
import { planBinary } from './binary-plan.js';
import { WasmArena } from './wasm-arena.js';
import { instantiateKernels, type KernelExports } from './wasm-module.js';

type Kind = 'f32' | 'f64';

/** 'f32' / 'f64' when every array has that element type, otherwise undefined. */
function kindOf(...arrays: FloatArray[]): Kind | undefined {
  if (arrays.every((x) => x instanceof Float32Array)) return 'f32';
  if (arrays.every((x) => x instanceof Float64Array)) return 'f64';
  return undefined;
}

// The reference versions of the optional kernels, for calls this backend leaves to the reference
// (the kernel registry's fallback: a backend implements only what it accelerates).
const jsDenseForward = backendKernel('denseForward', jsBackend);
const jsDenseBackward = backendKernel('denseBackward', jsBackend);
const jsAdamUpdate = backendKernel('adamUpdate', jsBackend);

/** Whether x is a float32 value (what a wasm f32 parameter receives unchanged). */
const isFloat32 = (x: number): boolean => Math.fround(x) === x;

/** The pooling kernels' twelve geometry arguments. */
type Twelve = [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

/** The convolution kernels' fourteen geometry arguments (window.ts's geometryArgs). */
type Fourteen = [...Twelve, number, number];

/** Bytes of one element of the kind. */
const bytesOf = (kind: Kind): number => (kind === 'f32' ? 4 : 8);

/** Bytes of op(b)'s packed panels for a [k×n] op(b): rows of 8 (f32) or 4 (f64) columns, 32 bytes each. */
const panelBytes = (kind: Kind, k: number, n: number): number => Math.ceil((n * bytesOf(kind)) / 32) * 32 * k;

/** `array` itself when it has exactly `length` elements, else its first `length` elements. */
const prefix = (array: FloatArray, length: number): FloatArray =>
  array.length === length ? array : array.subarray(0, length);

/** Options of {@link createWasmBackend}. */
export interface WasmBackendOptions {
  /**
   * Run calls too small to gain from WebAssembly on the reference code (default true): below about
   * a hundred elements, or a few hundred multiply-adds, copying the arrays and crossing into wasm
   * cost more than the work (the tutorial's 1→10→1 network makes only such calls). The bits are the
   * same either way; the tests turn this off to run every wasm kernel at every size.
   */
  smallCallsOnReference?: boolean;
  /**
   * A compiled kernel module to run instead of the bundled one — for benchmarks that compare two
   * builds of the module side by side. It must export what `KernelExports` (wasm-module.ts) lists.
   */
  module?: WebAssembly.Module;
  /**
   * Give the module a shared memory where the runtime allows it (default true): growing such a
   * memory detaches no view, so variables, optimizer slots and programs' inputs and results can live
   * in it (Backend.residentArray) and the kernels use them in place. The bits are the same either
   * way; false keeps an ordinary memory, where only the programs' region lives.
   */
  sharedMemory?: boolean;
  /**
   * The kernels to call instead of a new instance's: the threads backend passes an instance over
   * shared memory whose large kernel calls it splits across threads (threads/split-kernels.ts).
   */
  kernels?: KernelExports;
}

// Measured crossovers (scripts/bench-wasm-kernels.ts, docs/wasm-backend.md): below these sizes the
// reference is as fast or faster.
/** Elements of a cheap elementwise op, a reduction or a softmax. */
const SMALL_ELEMENTS = 128;
/** Elements of a transcendental unary op (exp, log, tanh, …), whose per-element work is larger. */
const SMALL_TRANSCENDENTAL = 32;
/** Multiply-adds of a matmul (m·k·n). */
const SMALL_MATMUL = 256;
/** Multiply-adds of a fused Dense kernel (m·k·n), which copies more arrays per call. */
const SMALL_DENSE = 512;
/** Elements of an Adam update, which copies four or five arrays in and three or four out. */
const SMALL_ADAM = 32;

/**
 * The WebAssembly backend: the Backend interface, plus its versions of primitives defined with
 * defineKernel (register.ts registers them for 'wasm').
 */
export interface WasmBackend extends Backend {
  /**
   * The module instance and its memory's arena, for kernels wrapped outside this file
   * (lstm-cell.ts) to run on the same memory: the engine's buffers in place, no copies.
   */
  readonly instance: { readonly wasm: KernelExports; readonly arena: WasmArena };
  /** tensor/ops/shape-ops.ts's gatherRows: out[i, :] = x[indices[i], :]. */
  gatherRows(x: FloatArray, indices: IndexArray, out: FloatArray, width: number): void;
  /** tensor/ops/shape-ops.ts's scatterAddRows: dx = 0, then dx[indices[i], :] += g[i, :], ascending i. */
  scatterAddRows(g: FloatArray, indices: IndexArray, dx: FloatArray, width: number): void;
  /** tensor/ops/pooling.ts's maxPool2d: each window's maximum (the first NaN, if any). */
  maxPool2d(x: FloatArray, out: FloatArray, geometry: readonly number[]): void;
  /** tensor/ops/pooling.ts's maxPool2dBackward: dx = 0, then each window's gradient at its first maximum. */
  maxPool2dBackward(x: FloatArray, g: FloatArray, dx: FloatArray, geometry: readonly number[]): void;
  /** tensor/ops/conv.ts's unfold2d: the convolution's patches (im2col). */
  unfold2d(x: FloatArray, patches: FloatArray, geometry: readonly number[]): void;
  /** tensor/ops/conv.ts's fold2d: dx = 0, then the patches added back in row-major order. */
  fold2d(patches: FloatArray, dx: FloatArray, geometry: readonly number[]): void;
}

/**
 * Creates a WebAssembly backend with its own module instance and memory. Throws where WebAssembly
 * SIMD is unavailable (check with `wasmSimdSupported()`).
 *
 * @param options `smallCallsOnReference: false` runs every call in wasm (for tests)
 * @example
 * ```ts
 * const wasm = createWasmBackend({ smallCallsOnReference: false });
 * const out = new Float32Array(4);
 * wasm.matmul(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), out, 2, 2, 2, false, false);
 * // out = [19, 22, 43, 50], the same bits as jsBackend
 * ```
 */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  const small = options.smallCallsOnReference ?? true;
  const wasm = options.kernels ?? instantiateKernels(options.module, options.sharedMemory ?? true);
  const arena = new WasmArena(wasm.memory, wasm.heap_base.value as number);

  /**
   * out[m×n] = op(a)·op(b) on buffers already in memory: packs op(b) into `panels`, then multiplies.
   * op(a)[i, p] = a[i·aRow + p·aCol]; op(b)[p, j] = b[p·bRow + j·bCol].
   */
  function runMatmul(
    kind: Kind,
    pa: number,
    pb: number,
    panels: number,
    po: number,
    m: number,
    k: number,
    n: number,
    transposeA: boolean,
    transposeB: boolean,
  ): void {
    if (m === 0 || n === 0) return;
    const [aRow, aCol] = transposeA ? [1, m] : [k, 1];
    const [bRow, bCol] = transposeB ? [1, k] : [n, 1];
    if (kind === 'f32') {
      wasm.pack_b_f32(pb, bRow, bCol, panels, k, n);
      wasm.matmul_f32(pa, aRow, aCol, panels, po, n, m, k, n);
    } else {
      wasm.pack_b_f64(pb, bRow, bCol, panels, k, n);
      wasm.matmul_f64(pa, aRow, aCol, panels, po, n, m, k, n);
    }
  }

  /**
   * z[m×n] = x·w with matmul.ts's epilogue (EPILOGUE_BIAS: + bias row; EPILOGUE_RELU: relu(z) also
   * stored at py), on buffers already in memory.
   */
  function runMatmulEpilogue(
    kind: Kind,
    px: number,
    pw: number,
    panels: number,
    pz: number,
    m: number,
    k: number,
    n: number,
    pbias: number,
    py: number,
    epilogue: number,
  ): void {
    if (m === 0 || n === 0) return;
    if (kind === 'f32') {
      wasm.pack_b_f32(pw, n, 1, panels, k, n);
      wasm.matmul_epilogue_f32(px, k, 1, panels, pz, n, m, k, n, pbias, py, epilogue);
    } else {
      wasm.pack_b_f64(pw, n, 1, panels, k, n);
      wasm.matmul_epilogue_f64(px, k, 1, panels, pz, n, m, k, n, pbias, py, epilogue);
    }
  }

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
    const kind = small && m * k * n < SMALL_MATMUL ? undefined : kindOf(a, b, out);
    const at = kind && out.length === m * n && arena.place(a, b, panelBytes(kind, k, n), out);
    if (!kind || !at) {
      jsBackend.matmul(a, b, out, m, k, n, transposeA, transposeB);
      return;
    }
    if (m === 0 || n === 0) return;
    const [pa, pb, panels, po] = at;
    arena.write(pa, a);
    arena.write(pb, b);
    runMatmul(kind, pa, pb, panels, po, m, k, n, transposeA, transposeB);
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
    const kind = small && out.length < SMALL_ELEMENTS ? undefined : kindOf(a, b, out);
    const plan = kind && planBinary(outShape, aStrides, bStrides);
    const at = plan && arena.place(a, b, out);
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

  /** Whether a unary call of n elements runs on the reference (see WasmBackendOptions). */
  const smallUnary = (op: UnaryOp, n: number): boolean =>
    small && n < (UNARY_CODES[op] >= FIRST_TRANSCENDENTAL ? SMALL_TRANSCENDENTAL : SMALL_ELEMENTS);

  function unary(op: UnaryOp, x: FloatArray, out: FloatArray, alpha: number): void {
    const n = x.length;
    const kind = smallUnary(op, n) ? undefined : kindOf(x, out);
    const at = kind && out.length >= n && arena.place(x, prefix(out, n));
    if (!kind || !at) {
      jsBackend.unary(op, x, out, alpha);
      return;
    }
    const [px, po] = at;
    arena.write(px, x);
    (kind === 'f32' ? wasm.unary_f32 : wasm.unary_f64)(UNARY_CODES[op], px, po, n, alpha);
    arena.read(po, prefix(out, n));
  }

  function unaryBackward(op: UnaryOp, x: FloatArray, dy: FloatArray, dx: FloatArray, alpha: number): void {
    const n = x.length;
    const kind = smallUnary(op, n) ? undefined : kindOf(x, dy, dx);
    const at = kind && dy.length >= n && dx.length >= n && arena.place(x, prefix(dy, n), prefix(dx, n));
    if (!kind || !at) {
      jsBackend.unaryBackward(op, x, dy, dx, alpha);
      return;
    }
    const [px, pdy, pdx] = at;
    arena.write(px, x);
    arena.write(pdy, prefix(dy, n));
    (kind === 'f32' ? wasm.unary_backward_f32 : wasm.unary_backward_f64)(
      UNARY_CODES[op],
      px,
      pdy,
      pdx,
      n,
      alpha,
    );
    arena.read(pdx, prefix(dx, n));
  }

  function reduce(
    op: 'sum' | 'max',
    x: FloatArray,
    out: FloatArray,
    outer: number,
    axis: number,
    inner: number,
  ): void {
    const size = outer * axis * inner;
    const kind = small && size < SMALL_ELEMENTS ? undefined : kindOf(x, out);
    const at = kind && x.length >= size && arena.place(prefix(x, size), out.subarray(0, outer * inner));
    if (!at) {
      jsBackend.reduce(op, x, out, outer, axis, inner);
      return;
    }
    if (outer * inner === 0) return;
    const [px, po] = at;
    arena.write(px, prefix(x, size));
    if (op === 'sum')
      (kind === 'f32' ? wasm.reduce_sum_f32 : wasm.reduce_sum_f64)(px, po, outer, axis, inner);
    else (kind === 'f32' ? wasm.reduce_max_f32 : wasm.reduce_max_f64)(px, po, outer, axis, inner);
    arena.read(po, out.subarray(0, outer * inner));
  }

  function softmax(x: FloatArray, out: FloatArray, rows: number, cols: number, log: boolean): void {
    const size = rows * cols;
    const kind = small && size < SMALL_ELEMENTS ? undefined : kindOf(x, out);
    const fits = kind && x.length >= size && out.length >= size;
    const at = fits && arena.place(prefix(x, size), prefix(out, size));
    if (!kind || !at) {
      jsBackend.softmax(x, out, rows, cols, log);
      return;
    }
    if (size === 0) return;
    const [px, po] = at;
    arena.write(px, prefix(x, size));
    (kind === 'f32' ? wasm.softmax_f32 : wasm.softmax_f64)(px, po, rows, cols, log ? 1 : 0);
    arena.read(po, prefix(out, size));
  }

  function softmaxBackward(
    y: FloatArray,
    dy: FloatArray,
    dx: FloatArray,
    rows: number,
    cols: number,
    log: boolean,
  ): void {
    const size = rows * cols;
    const kind = small && size < SMALL_ELEMENTS ? undefined : kindOf(y, dy, dx);
    const fits = kind && y.length >= size && dy.length >= size && dx.length >= size;
    const at = fits && arena.place(prefix(y, size), prefix(dy, size), prefix(dx, size));
    if (!at) {
      jsBackend.softmaxBackward(y, dy, dx, rows, cols, log);
      return;
    }
    if (size === 0) return;
    const [py, pdy, pdx] = at;
    arena.write(py, prefix(y, size));
    arena.write(pdy, prefix(dy, size));
    if (log)
      (kind === 'f32' ? wasm.log_softmax_backward_f32 : wasm.log_softmax_backward_f64)(
        py,
        pdy,
        pdx,
        rows,
        cols,
      );
    else (kind === 'f32' ? wasm.softmax_backward_f32 : wasm.softmax_backward_f64)(py, pdy, pdx, rows, cols);
    arena.read(pdx, prefix(dx, size));
  }

  /**
   * Fused Dense forward (Backend.denseForward): matmul, the bias row, the activation — the same
   * kernels as the separate calls, on buffers that stay in memory between the steps.
   */
  function denseForward(
    x: FloatArray,
    w: FloatArray,
    bias: FloatArray | null,
    z: FloatArray,
    y: FloatArray,
    m: number,
    k: number,
    n: number,
    activation: UnaryOp,
    alpha: number,
  ): void {
    if (y === z && activation !== 'linear') {
      throw new Error(
        `denseForward: y may share z's array only for a linear activation, not '${activation}'`,
      );
    }
    const kind =
      small && m * k * n < SMALL_DENSE ? undefined : bias ? kindOf(x, w, bias, z, y) : kindOf(x, w, z, y);
    const exact =
      x.length === m * k &&
      w.length === k * n &&
      (!bias || bias.length === n) &&
      z.length === m * n &&
      y.length === m * n;
    const at = kind && exact && arena.place(x, w, panelBytes(kind, k, n), bias ?? 0, z, y === z ? 0 : y);
    if (!kind || !at) {
      jsDenseForward(x, w, bias, z, y, m, k, n, activation, alpha);
      return;
    }
    if (m === 0 || n === 0) return;
    const [px, pw, panels, pbias, pz, py] = at;
    arena.write(px, x);
    arena.write(pw, w);
    if (bias) arena.write(pbias, bias);
    // The bias add and relu in the product's last stores (matmul.ts's epilogue) when the bias's
    // vector loads, which reach the end of its last panel, stay inside the memory.
    const fusedBias =
      bias !== null && pbias + Math.ceil((n * bytesOf(kind)) / 32) * 32 <= wasm.memory.buffer.byteLength;
    const fusedRelu = activation === 'relu' && y !== z && (fusedBias || !bias);
    const epilogue = (fusedBias ? EPILOGUE_BIAS : 0) | (fusedRelu ? EPILOGUE_RELU : 0);
    if (epilogue !== 0) {
      runMatmulEpilogue(kind, px, pw, panels, pz, m, k, n, pbias, py, epilogue);
    } else {
      runMatmul(kind, px, pw, panels, pz, m, k, n, false, false);
    }
    if (bias && !fusedBias) {
      // z = z + bias (row broadcast), in place: the binary kernel loads each vector before storing it.
      (kind === 'f32' ? wasm.binary_f32 : wasm.binary_f64)(BINARY_CODES.add, pz, n, 1, pbias, 0, 1, pz, m, n);
    }
    arena.read(pz, z);
    if (fusedRelu) {
      arena.read(py, y);
    } else if (y !== z) {
      (kind === 'f32' ? wasm.unary_f32 : wasm.unary_f64)(UNARY_CODES[activation], pz, py, m * n, alpha);
      arena.read(py, y);
    }
  }

  /**
   * Fused Dense backward (Backend.denseBackward): dz = f'(z)·dy, db = Σ_i dz, dw = xᵀ·dz and
   * dx = dz·wᵀ with the same kernels as the separate calls, dz staying in memory throughout.
   */
  function denseBackward(
    x: FloatArray,
    w: FloatArray,
    z: FloatArray,
    dy: FloatArray,
    dz: FloatArray,
    dx: FloatArray | null,
    dw: FloatArray,
    db: FloatArray | null,
    m: number,
    k: number,
    n: number,
    activation: UnaryOp,
    alpha: number,
  ): void {
    if (dz === dy && activation !== 'linear') {
      throw new Error(
        `denseBackward: dz may share dy's array only for a linear activation, not '${activation}'`,
      );
    }
    const arrays = [x, w, z, dy, dz, dw];
    if (dx) arrays.push(dx);
    if (db) arrays.push(db);
    const kind = small && m * k * n < SMALL_DENSE ? undefined : kindOf(...arrays);
    const mn = m * n;
    const exact =
      x.length === m * k &&
      w.length === k * n &&
      z.length === mn &&
      dy.length === mn &&
      dz.length === mn &&
      dw.length === k * n &&
      (!dx || dx.length === m * k) &&
      (!db || db.length === n);
    const panels = kind ? Math.max(panelBytes(kind, m, n), dx ? panelBytes(kind, n, k) : 0) : 0;
    const at = kind && exact && arena.place(x, w, z, dy, dz === dy ? 0 : dz, db ?? 0, dw, dx ?? 0, panels);
    if (!kind || !at) {
      jsDenseBackward(x, w, z, dy, dz, dx, dw, db, m, k, n, activation, alpha);
      return;
    }
    const [px, pw, pz, pdy, pdz0, pdb, pdw, pdx, ppanels] = at;
    arena.write(pdy, dy);
    // With dz the same array as dy (linear), the reference writes nothing into it: dz is dy.
    const pdz = dz === dy ? pdy : pdz0;
    // relu′ (or linear), db and packing dz for dw's product in one pass (dense-prep.ts), when the
    // rows are whole panels.
    const prep =
      (activation === 'relu' || activation === 'linear') && m > 0 && n > 0 && (n * bytesOf(kind)) % 32 === 0;
    if (prep) {
      if (dz !== dy) arena.write(pz, z);
      const flags =
        (activation === 'relu' ? PREP_RELU : 0) | (dz !== dy ? PREP_STORE_DZ : 0) | (db ? PREP_DB : 0);
      (kind === 'f32' ? wasm.dense_backward_prep_f32 : wasm.dense_backward_prep_f64)(
        pz,
        pdy,
        pdz,
        pdb,
        ppanels,
        m,
        n,
        flags,
      );
      if (dz !== dy) arena.read(pdz, dz);
      if (db) arena.read(pdb, db);
      arena.write(px, x);
      // dw[k×n] = xᵀ·dz, op(b) = dz already packed.
      (kind === 'f32' ? wasm.matmul_f32 : wasm.matmul_f64)(px, 1, k, ppanels, pdw, n, k, m, n);
      arena.read(pdw, dw);
    }
    if (!prep && dz !== dy && mn > 0) {
      arena.write(pz, z);
      (kind === 'f32' ? wasm.unary_backward_f32 : wasm.unary_backward_f64)(
        UNARY_CODES[activation],
        pz,
        pdy,
        pdz,
        mn,
        alpha,
      );
      arena.read(pdz, dz);
    }
    if (!prep) {
      if (db && n > 0) {
        (kind === 'f32' ? wasm.reduce_sum_f32 : wasm.reduce_sum_f64)(pdz, pdb, 1, m, n);
        arena.read(pdb, db);
      }
      arena.write(px, x);
      // dw[k×n] = xᵀ·dz: op(a) = xᵀ, op(b) = dz [m×n].
      runMatmul(kind, px, pdz, ppanels, pdw, k, m, n, true, false);
      arena.read(pdw, dw);
    }
    if (dx) {
      // dx[m×k] = dz·wᵀ: op(b) = wᵀ [n×k].
      arena.write(pw, w);
      runMatmul(kind, pdz, pw, ppanels, pdx, m, n, k, false, true);
      arena.read(pdx, dx);
    }
  }

  /**
   * Fused Adam / AdamW update (Backend.adamUpdate), in place: w, grad, m, v (and vHat) copied in,
   * w, m, v (and vHat) copied out. Scalars that are not float32 values, which the contract rules
   * out, run on the reference rather than being rounded on the way into wasm.
   */
  function adamUpdate(
    w: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    vHat: Float32Array | null,
    lr: number,
    weightDecay: number | null,
    alpha: number,
    oneMinusBeta1: number,
    oneMinusBeta2: number,
    epsilon: number,
  ): void {
    const n = w.length;
    const arrays = vHat ? [w, grad, m, v, vHat] : [w, grad, m, v];
    const fits =
      !(small && n < SMALL_ADAM) &&
      kindOf(...arrays) === 'f32' &&
      arrays.every((x) => x.length === n) &&
      [lr, weightDecay ?? 0, alpha, oneMinusBeta1, oneMinusBeta2, epsilon].every(isFloat32);
    const at = fits && n > 0 && arena.place(w, grad, m, v, vHat ?? 0);
    if (!at) {
      jsAdamUpdate(w, grad, m, v, vHat, lr, weightDecay, alpha, oneMinusBeta1, oneMinusBeta2, epsilon);
      return;
    }
    const [pw, pg, pm, pv, pvHat] = at;
    arena.write(pw, w);
    arena.write(pg, grad);
    arena.write(pm, m);
    arena.write(pv, v);
    if (vHat) arena.write(pvHat, vHat);
    wasm.adam_f32(
      pw,
      pg,
      pm,
      pv,
      pvHat,
      n,
      lr,
      weightDecay ?? 0,
      weightDecay === null ? 0 : 1,
      alpha,
      oneMinusBeta1,
      oneMinusBeta2,
      epsilon,
      vHat ? 1 : 0,
    );
    arena.read(pw, w);
    arena.read(pm, m);
    arena.read(pv, v);
    if (vHat) arena.read(pvHat, vHat);
  }

  /**
   * Whether a row kernel over a table of `tableRows` rows, `count` of them gathered or scattered,
   * runs in wasm: the whole table is copied in (gather) or out (scatter), so only when it is at most
   * twice the rows moved, and not for small calls.
   */
  const rowsInWasm = (count: number, width: number, tableRows: number): boolean =>
    width > 0 && !(small && count * width < SMALL_ELEMENTS) && tableRows <= 2 * count;

  function gatherRows(x: FloatArray, indices: IndexArray, out: FloatArray, width: number): void {
    const count = indices.length;
    const rows = x.length / width;
    const kind = rowsInWasm(count, width, rows) ? kindOf(x, out) : undefined;
    const at = kind && out.length === count * width && arena.place(x, count * 4, out);
    if (!kind || !at || !arena.writeIndices(at[1], indices, rows)) {
      gatherRowsKernel.reference(x, indices, out, width);
      return;
    }
    const [px, pidx, po] = at;
    arena.write(px, x);
    (kind === 'f32' ? wasm.gather_rows_f32 : wasm.gather_rows_f64)(px, pidx, po, count, width);
    arena.read(po, out);
  }

  function scatterAddRows(g: FloatArray, indices: IndexArray, dx: FloatArray, width: number): void {
    const count = indices.length;
    const rows = dx.length / width;
    const kind = rowsInWasm(count, width, rows) ? kindOf(g, dx) : undefined;
    const at = kind && Number.isInteger(rows) && g.length === count * width && arena.place(g, count * 4, dx);
    if (!kind || !at || !arena.writeIndices(at[1], indices, rows)) {
      scatterAddRowsKernel.reference(g, indices, dx, width);
      return;
    }
    const [pg, pidx, pdx] = at;
    arena.write(pg, g);
    (kind === 'f32' ? wasm.scatter_add_rows_f32 : wasm.scatter_add_rows_f64)(
      pg,
      pidx,
      pdx,
      count,
      width,
      rows,
    );
    arena.read(pdx, dx);
  }

  /**
   * The pooling kernels' geometry arguments (window.ts's geometryArgs without the dilation, which
   * pooling does not have), or undefined when the call stays on the reference: too small, or a
   * window with no valid position (the module reads a window's first position unconditionally).
   */
  function poolArgs(geometry: readonly number[], outputs: number): number[] | undefined {
    const [batch, height, width, channels, kh, kw, sh, sw, , , padTop, padLeft, outH, outW] = geometry;
    if (small && outputs * kh * kw < SMALL_ELEMENTS) return undefined;
    const everyWindowValid =
      padTop < kh && padLeft < kw && (outH - 1) * sh - padTop < height && (outW - 1) * sw - padLeft < width;
    if (!everyWindowValid || outputs !== batch * outH * outW * channels) return undefined;
    return [batch, height, width, channels, kh, kw, sh, sw, padTop, padLeft, outH, outW];
  }

  function maxPool2d(x: FloatArray, out: FloatArray, geometry: readonly number[]): void {
    const args = poolArgs(geometry, out.length);
    const kind = args && x.length === geometry[0] * geometry[1] * geometry[2] * geometry[3] && kindOf(x, out);
    const at = kind && arena.place(x, out);
    if (!args || !kind || !at) {
      maxPool2dKernel.reference(x, out, geometry);
      return;
    }
    const [px, po] = at;
    arena.write(px, x);
    (kind === 'f32' ? wasm.max_pool2d_f32 : wasm.max_pool2d_f64)(px, po, ...(args as Twelve));
    arena.read(po, out);
  }

  function maxPool2dBackward(
    x: FloatArray,
    g: FloatArray,
    dx: FloatArray,
    geometry: readonly number[],
  ): void {
    const args = poolArgs(geometry, g.length);
    const kind = args && x.length === dx.length && kindOf(x, g, dx);
    const at = kind && arena.place(x, g, dx);
    if (!args || !kind || !at || x.length !== geometry[0] * geometry[1] * geometry[2] * geometry[3]) {
      maxPool2dBackwardKernel.reference(x, g, dx, geometry);
      return;
    }
    const [px, pg, pdx] = at;
    arena.write(px, x);
    arena.write(pg, g);
    (kind === 'f32' ? wasm.max_pool2d_backward_f32 : wasm.max_pool2d_backward_f64)(
      px,
      pg,
      pdx,
      ...(args as Twelve),
    );
    arena.read(pdx, dx);
  }

  /** The image's and the patches' element counts for a geometry (window.ts's geometryArgs). */
  function unfoldSizes(geometry: readonly number[]): [image: number, patches: number] {
    const [batch, height, width, channels, kh, kw, , , , , , , outH, outW] = geometry;
    return [batch * height * width * channels, batch * outH * outW * kh * kw * channels];
  }

  /**
   * Unfold (image → patches) and fold (patches → image) are one copy in opposite directions: the
   * input goes into the arena, the kernel writes the output, the output comes back.
   */
  function windowCopy(
    input: FloatArray,
    output: FloatArray,
    sizes: readonly [input: number, output: number],
    geometry: readonly number[],
    reference: (input: FloatArray, output: FloatArray, geometry: readonly number[]) => void,
    kernels: { f32: (...args: number[]) => void; f64: (...args: number[]) => void },
  ): void {
    const fits =
      !(small && Math.max(...sizes) < SMALL_ELEMENTS) &&
      input.length === sizes[0] &&
      output.length === sizes[1];
    const kind = fits ? kindOf(input, output) : undefined;
    const at = kind && arena.place(input, output);
    if (!kind || !at) {
      reference(input, output, geometry);
      return;
    }
    const [pin, pout] = at;
    arena.write(pin, input);
    kernels[kind](pin, pout, ...(geometry as Fourteen));
    arena.read(pout, output);
  }

  function unfold2d(x: FloatArray, patches: FloatArray, geometry: readonly number[]): void {
    const [image, count] = unfoldSizes(geometry);
    windowCopy(x, patches, [image, count], geometry, unfold2dKernel.reference, {
      f32: wasm.unfold2d_f32,
      f64: wasm.unfold2d_f64,
    });
  }

  function fold2d(patches: FloatArray, dx: FloatArray, geometry: readonly number[]): void {
    const [image, count] = unfoldSizes(geometry);
    windowCopy(patches, dx, [count, image], geometry, fold2dKernel.reference, {
      f32: wasm.fold2d_f32,
      f64: wasm.fold2d_f64,
    });
  }

  // One region serves every program of this backend (Backend.programArena says why that is safe).
  let replaying = false;
  const buffer = (): ArrayBuffer => arena.currentBuffer();
  function begin(): void {
    if (replaying) throw new Error('wasm backend: a program replayed inside another one');
    replaying = true;
    arena.pin();
  }
  function end(): void {
    replaying = false;
    arena.unpin();
  }

  // The region's offset is read at every replay: growing may move it (wasm-arena.ts).
  const region: ProgramArena = {
    get offset(): number {
      return arena.regionOffset() as number;
    },
    buffer,
    begin,
    end,
  };
  function programArena(bytes: number): ProgramArena | undefined {
    return arena.programRegion(bytes) === undefined ? undefined : region;
  }

  return {
    name: 'wasm',
    instance: { wasm, arena },
    programArena,
    residentArray: (type, length) => arena.residentArray(type, length),
    matmul,
    binary,
    unary,
    unaryBackward,
    reduce,
    softmax,
    softmaxBackward,
    denseForward,
    denseBackward,
    adamUpdate,
    gatherRows,
    scatterAddRows,
    maxPool2d,
    maxPool2dBackward,
    unfold2d,
    fold2d,
  };
}
