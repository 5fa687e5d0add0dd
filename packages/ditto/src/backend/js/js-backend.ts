/**
 * The reference backend in plain TypeScript. Stores into a Float32Array round to float32, so most
 * kernels round simply by writing their result; where a value stays in a local variable, `Math.fround`
 * rounds it explicitly. Every other backend must reproduce this one bit for bit.
 *
 * Speed without changing a bit: the hot kernels choose their loop once per call (per op, per
 * transposition, per broadcast layout) instead of deciding per element, and the float32 matrix
 * product keeps a 4×4 block of outputs in registers — each output still accumulates its products
 * one rounded addition at a time in ascending k, so the result is the scalar loop's.
 */

import { exp, log } from '../../numeric/elementary.js';
import {
  type BinaryOp,
  binaryForward,
  type UnaryOp,
  unaryBackward,
  unaryForward,
} from '../../numeric/elementwise.js';
import type { FloatArray } from '../../tensor/dtype.js';
import type { Backend } from '../backend.js';

const identity = (x: number): number => x;

function rounderFor(array: FloatArray): (x: number) => number {
  return array instanceof Float32Array ? Math.fround : identity;
}

/**
 * float32 matrix product through strides: op(a)[i,p] = a[i·aRow + p·aCol], op(b)[p,j] =
 * b[p·bRow + j·bCol]. Every output is accumulated from +0 in ascending p with both the product and
 * the sum rounded to float32 (Math.fround), blocks of 4×4 outputs at a time.
 */
function matmulF32(
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  m: number,
  k: number,
  n: number,
  aRow: number,
  aCol: number,
  bRow: number,
  bCol: number,
): void {
  const fr = Math.fround;
  const a2 = 2 * aRow;
  const a3 = 3 * aRow;
  const b2 = 2 * bCol;
  const b3 = 3 * bCol;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let c00 = 0;
      let c01 = 0;
      let c02 = 0;
      let c03 = 0;
      let c10 = 0;
      let c11 = 0;
      let c12 = 0;
      let c13 = 0;
      let c20 = 0;
      let c21 = 0;
      let c22 = 0;
      let c23 = 0;
      let c30 = 0;
      let c31 = 0;
      let c32 = 0;
      let c33 = 0;
      let pa = i * aRow;
      let pb = j * bCol;
      for (let p = 0; p < k; p++) {
        const w0 = b[pb];
        const w1 = b[pb + bCol];
        const w2 = b[pb + b2];
        const w3 = b[pb + b3];
        let v = a[pa];
        c00 = fr(c00 + fr(v * w0));
        c01 = fr(c01 + fr(v * w1));
        c02 = fr(c02 + fr(v * w2));
        c03 = fr(c03 + fr(v * w3));
        v = a[pa + aRow];
        c10 = fr(c10 + fr(v * w0));
        c11 = fr(c11 + fr(v * w1));
        c12 = fr(c12 + fr(v * w2));
        c13 = fr(c13 + fr(v * w3));
        v = a[pa + a2];
        c20 = fr(c20 + fr(v * w0));
        c21 = fr(c21 + fr(v * w1));
        c22 = fr(c22 + fr(v * w2));
        c23 = fr(c23 + fr(v * w3));
        v = a[pa + a3];
        c30 = fr(c30 + fr(v * w0));
        c31 = fr(c31 + fr(v * w1));
        c32 = fr(c32 + fr(v * w2));
        c33 = fr(c33 + fr(v * w3));
        pa += aCol;
        pb += bRow;
      }
      let o = i * n + j;
      out[o] = c00;
      out[o + 1] = c01;
      out[o + 2] = c02;
      out[o + 3] = c03;
      o += n;
      out[o] = c10;
      out[o + 1] = c11;
      out[o + 2] = c12;
      out[o + 3] = c13;
      o += n;
      out[o] = c20;
      out[o + 1] = c21;
      out[o + 2] = c22;
      out[o + 3] = c23;
      o += n;
      out[o] = c30;
      out[o + 1] = c31;
      out[o + 2] = c32;
      out[o + 3] = c33;
    }
    for (; j < n; j++) {
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      let pa = i * aRow;
      let pb = j * bCol;
      for (let p = 0; p < k; p++) {
        const w = b[pb];
        c0 = fr(c0 + fr(a[pa] * w));
        c1 = fr(c1 + fr(a[pa + aRow] * w));
        c2 = fr(c2 + fr(a[pa + a2] * w));
        c3 = fr(c3 + fr(a[pa + a3] * w));
        pa += aCol;
        pb += bRow;
      }
      out[i * n + j] = c0;
      out[(i + 1) * n + j] = c1;
      out[(i + 2) * n + j] = c2;
      out[(i + 3) * n + j] = c3;
    }
  }
  for (; i < m; i++) {
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      let c3 = 0;
      let pa = i * aRow;
      let pb = j * bCol;
      for (let p = 0; p < k; p++) {
        const v = a[pa];
        c0 = fr(c0 + fr(v * b[pb]));
        c1 = fr(c1 + fr(v * b[pb + bCol]));
        c2 = fr(c2 + fr(v * b[pb + b2]));
        c3 = fr(c3 + fr(v * b[pb + b3]));
        pa += aCol;
        pb += bRow;
      }
      const o = i * n + j;
      out[o] = c0;
      out[o + 1] = c1;
      out[o + 2] = c2;
      out[o + 3] = c3;
    }
    for (; j < n; j++) {
      let c = 0;
      let pa = i * aRow;
      let pb = j * bCol;
      for (let p = 0; p < k; p++) {
        c = fr(c + fr(a[pa] * b[pb]));
        pa += aCol;
        pb += bRow;
      }
      out[i * n + j] = c;
    }
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
  // Element strides of op(a)[i, p] and op(b)[p, j].
  const aRow = transposeA ? 1 : k;
  const aCol = transposeA ? m : 1;
  const bRow = transposeB ? 1 : n;
  const bCol = transposeB ? k : 1;
  if (out instanceof Float32Array) {
    matmulF32(a, b, out, m, k, n, aRow, aCol, bRow, bCol);
    return;
  }
  out.fill(0);
  // Loop order i, p, j: every output still accumulates its products in ascending p (the canonical
  // order), while the innermost loop runs across outputs, as a SIMD kernel would.
  for (let i = 0; i < m; i++) {
    const outRow = i * n;
    for (let p = 0; p < k; p++) {
      const av = a[i * aRow + p * aCol];
      const bBase = p * bRow;
      for (let j = 0; j < n; j++) out[outRow + j] += av * b[bBase + j * bCol];
    }
  }
}

/**
 * The element stride of dimensions [from, to) taken together as one index (row-major), or −1 when
 * the operand's strides over them are not one arithmetic progression. Size-1 dimensions never matter.
 */
function groupStride(shape: readonly number[], strides: readonly number[], from: number, to: number): number {
  let stride = -1;
  let inner = 1;
  for (let d = to - 1; d >= from; d--) {
    if (shape[d] !== 1) {
      if (stride === -1) stride = strides[d];
      else if (strides[d] !== stride * inner) return -1;
    }
    inner *= shape[d];
  }
  return stride === -1 ? 0 : stride;
}

/**
 * out viewed as [rows, cols] with a at r·ar + c·ac and b at r·br + c·bc — same shapes, a bias row, a
 * scalar or a column broadcast all fit — or null when no such view exists.
 */
function plan2d(
  shape: readonly number[],
  aStrides: readonly number[],
  bStrides: readonly number[],
): [number, number, number, number, number, number] | null {
  const rank = shape.length;
  for (let split = 0; split <= rank; split++) {
    const ar = groupStride(shape, aStrides, 0, split);
    const br = groupStride(shape, bStrides, 0, split);
    const ac = groupStride(shape, aStrides, split, rank);
    const bc = groupStride(shape, bStrides, split, rank);
    if (ar < 0 || br < 0 || ac < 0 || bc < 0) continue;
    let rows = 1;
    for (let d = 0; d < split; d++) rows *= shape[d];
    let cols = 1;
    for (let d = split; d < rank; d++) cols *= shape[d];
    return [rows, cols, ar, ac, br, bc];
  }
  return null;
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
  const size = out.length;
  const rank = outShape.length;
  if (size === 0) return;
  const plan = plan2d(outShape, aStrides, bStrides);
  if (plan) {
    binary2d(op, a, b, out, plan);
    return;
  }
  // Odometer over out's index space, tracking the matching offsets into a and b.
  const index = new Array<number>(rank).fill(0);
  let ai = 0;
  let bi = 0;
  for (let o = 0; o < size; o++) {
    out[o] = binaryForward(op, a[ai], b[bi]);
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      ai += aStrides[d];
      bi += bStrides[d];
      if (index[d] < outShape[d]) break;
      ai -= aStrides[d] * outShape[d];
      bi -= bStrides[d] * outShape[d];
      index[d] = 0;
    }
  }
}

/** The binary op over a [rows, cols] view (see plan2d): the same formula per element, one loop per op. */
function binary2d(
  op: BinaryOp,
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  [rows, cols, ar, ac, br, bc]: [number, number, number, number, number, number],
): void {
  let o = 0;
  switch (op) {
    case 'add':
      for (let r = 0; r < rows; r++) {
        let ia = r * ar;
        let ib = r * br;
        for (let c = 0; c < cols; c++, ia += ac, ib += bc) out[o++] = a[ia] + b[ib];
      }
      return;
    case 'sub':
      for (let r = 0; r < rows; r++) {
        let ia = r * ar;
        let ib = r * br;
        for (let c = 0; c < cols; c++, ia += ac, ib += bc) out[o++] = a[ia] - b[ib];
      }
      return;
    case 'mul':
      for (let r = 0; r < rows; r++) {
        let ia = r * ar;
        let ib = r * br;
        for (let c = 0; c < cols; c++, ia += ac, ib += bc) out[o++] = a[ia] * b[ib];
      }
      return;
    case 'div':
      for (let r = 0; r < rows; r++) {
        let ia = r * ar;
        let ib = r * br;
        for (let c = 0; c < cols; c++, ia += ac, ib += bc) out[o++] = a[ia] / b[ib];
      }
      return;
    case 'maximum':
      // numeric/elementwise.ts's formula, written out (a loss's clip runs it over every prediction).
      for (let r = 0; r < rows; r++) {
        let ia = r * ar;
        let ib = r * br;
        for (let c = 0; c < cols; c++, ia += ac, ib += bc) {
          const x = a[ia];
          const y = b[ib];
          out[o++] = Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : x >= y ? x : y;
        }
      }
      return;
    case 'minimum':
      for (let r = 0; r < rows; r++) {
        let ia = r * ar;
        let ib = r * br;
        for (let c = 0; c < cols; c++, ia += ac, ib += bc) {
          const x = a[ia];
          const y = b[ib];
          out[o++] = Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : x <= y ? x : y;
        }
      }
      return;
    default:
      for (let r = 0; r < rows; r++) {
        let ia = r * ar;
        let ib = r * br;
        for (let c = 0; c < cols; c++, ia += ac, ib += bc) out[o++] = binaryForward(op, a[ia], b[ib]);
      }
  }
}

/**
 * out[i] = f(x[i]). The cheap ops run in a loop of their own (the formula is numeric/elementwise.ts's,
 * written out); the others call `unaryForward`, whose transcendental work dwarfs the dispatch.
 */
function unary(op: UnaryOp, x: FloatArray, out: FloatArray, alpha: number): void {
  const n = x.length;
  switch (op) {
    case 'linear':
      for (let i = 0; i < n; i++) out[i] = x[i];
      return;
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i];
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
      return;
    case 'square':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = v * v;
      }
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = v < 0 ? 0 : v;
      }
      return;
    case 'leakyRelu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = v < 0 ? alpha * v : v;
      }
      return;
    default:
      for (let i = 0; i < n; i++) out[i] = unaryForward(op, x[i], alpha);
  }
}

/** dx[i] = f'(x[i])·dy[i], the cheap ops in loops of their own (formulas of numeric/elementwise.ts). */
function unaryGrad(op: UnaryOp, x: FloatArray, dy: FloatArray, dx: FloatArray, alpha: number): void {
  const n = x.length;
  switch (op) {
    case 'linear':
      for (let i = 0; i < n; i++) dx[i] = dy[i];
      return;
    case 'neg':
      for (let i = 0; i < n; i++) dx[i] = -dy[i];
      return;
    case 'square':
      for (let i = 0; i < n; i++) dx[i] = 2 * x[i] * dy[i];
      return;
    case 'relu':
      for (let i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
      return;
    case 'leakyRelu':
      for (let i = 0; i < n; i++) dx[i] = x[i] < 0 ? alpha * dy[i] : dy[i];
      return;
    default:
      for (let i = 0; i < n; i++) dx[i] = unaryBackward(op, x[i], dy[i], alpha);
  }
}

function reduce(
  op: 'sum' | 'max',
  x: FloatArray,
  out: FloatArray,
  outer: number,
  axis: number,
  inner: number,
): void {
  if (op === 'sum') {
    reduceSum(x, out, outer, axis, inner);
    return;
  }
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * axis * inner + i;
      let best = axis > 0 ? x[base] : Number.NEGATIVE_INFINITY;
      for (let p = 1; p < axis; p++) {
        const v = x[base + p * inner];
        if (v > best || Number.isNaN(v)) best = v;
        if (Number.isNaN(best)) break;
      }
      out[o * inner + i] = best;
    }
  }
}

/**
 * Sums along the middle axis: each output from +0 in ascending axis index, every partial sum rounded
 * to out's dtype — in a local for rows (inner = 1), in out itself otherwise (the p loop outside the
 * i loop keeps the memory access sequential without changing any output's order).
 */
function reduceSum(x: FloatArray, out: FloatArray, outer: number, axis: number, inner: number): void {
  const f32 = out instanceof Float32Array;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * axis;
      let acc = 0;
      if (f32) for (let p = 0; p < axis; p++) acc = Math.fround(acc + x[base + p]);
      else for (let p = 0; p < axis; p++) acc += x[base + p];
      out[o] = acc;
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const target = o * inner;
    const base = o * axis * inner;
    for (let i = 0; i < inner; i++) out[target + i] = 0;
    for (let p = 0; p < axis; p++) {
      const row = base + p * inner;
      for (let i = 0; i < inner; i++) out[target + i] += x[row + i];
    }
  }
}

function softmax(x: FloatArray, out: FloatArray, rows: number, cols: number, logOutput: boolean): void {
  const r = rounderFor(out);
  for (let row = 0; row < rows; row++) {
    const base = row * cols;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < cols; j++) if (x[base + j] > max || Number.isNaN(x[base + j])) max = x[base + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) sum = r(sum + r(exp(r(x[base + j] - max))));
    if (logOutput) {
      const logSum = r(log(sum));
      for (let j = 0; j < cols; j++) out[base + j] = r(x[base + j] - max) - logSum;
    } else {
      for (let j = 0; j < cols; j++) out[base + j] = r(exp(r(x[base + j] - max))) / sum;
    }
  }
}

function softmaxBackward(
  y: FloatArray,
  dy: FloatArray,
  dx: FloatArray,
  rows: number,
  cols: number,
  logOutput: boolean,
): void {
  const r = rounderFor(dx);
  for (let row = 0; row < rows; row++) {
    const base = row * cols;
    let acc = 0;
    if (logOutput) {
      for (let j = 0; j < cols; j++) acc = r(acc + dy[base + j]);
      for (let j = 0; j < cols; j++) dx[base + j] = dy[base + j] - r(r(exp(y[base + j])) * acc);
    } else {
      for (let j = 0; j < cols; j++) acc = r(acc + r(dy[base + j] * y[base + j]));
      for (let j = 0; j < cols; j++) dx[base + j] = y[base + j] * r(dy[base + j] - acc);
    }
  }
}

/** Fused Dense forward (see Backend.denseForward): matmul, then the bias row, then the activation. */
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
  matmul(x, w, z, m, k, n, false, false);
  if (bias) {
    // z is rounded to its dtype by the store, as the broadcast add would round it.
    for (let i = 0, o = 0; i < m; i++) for (let j = 0; j < n; j++, o++) z[o] = z[o] + bias[j];
  }
  if (y !== z) unary(activation, z, y, alpha);
  else if (activation !== 'linear') {
    throw new Error(`denseForward: y may share z's array only for a linear activation, not '${activation}'`);
  }
}

/** Fused Dense backward (see Backend.denseBackward). */
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
  if (dz !== dy) unaryGrad(activation, z, dy, dz, alpha);
  else if (activation !== 'linear') {
    throw new Error(
      `denseBackward: dz may share dy's array only for a linear activation, not '${activation}'`,
    );
  }
  if (db) reduceSum(dz, db, 1, m, n);
  matmul(x, dz, dw, k, m, n, true, false);
  if (dx) matmul(dz, w, dx, m, n, k, false, true);
}

/** Fused Adam / AdamW update of a float32 variable (see Backend.adamUpdate): AdamBase's loop. */
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
  const fr = Math.fround;
  const n = w.length;
  const decay = weightDecay !== null;
  const wd = weightDecay ?? 0;
  for (let i = 0; i < n; i++) {
    const g = fr(grad[i]);
    let wi = w[i];
    if (decay) wi = fr(wi - fr(fr(wi * wd) * lr));
    const mi = fr(m[i] + fr(fr(g - m[i]) * oneMinusBeta1));
    let vi = fr(v[i] + fr(fr(fr(g * g) - v[i]) * oneMinusBeta2));
    m[i] = mi;
    v[i] = vi;
    if (vHat) {
      vi = Math.max(vHat[i], vi);
      vHat[i] = vi;
    }
    w[i] = wi - fr(fr(mi * alpha) / fr(fr(Math.sqrt(vi)) + epsilon));
  }
}

/** The plain-TypeScript reference backend. */
export const jsBackend: Backend = {
  name: 'js',
  matmul,
  binary,
  unary,
  unaryBackward: unaryGrad,
  reduce,
  softmax,
  softmaxBackward,
  denseForward,
  denseBackward,
  adamUpdate,
};
