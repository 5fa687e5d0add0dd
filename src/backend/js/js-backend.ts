/**
 * The reference backend in plain TypeScript. Stores into a Float32Array round to float32, so most
 * kernels round simply by writing their result; where a value stays in a local variable, `Math.fround`
 * rounds it explicitly. Every other backend must reproduce this one bit for bit.
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
  out.fill(0);
  const f32 = out instanceof Float32Array;
  // Element strides of op(a)[i, p] and op(b)[p, j].
  const aRow = transposeA ? 1 : k;
  const aCol = transposeA ? m : 1;
  const bRow = transposeB ? 1 : n;
  const bCol = transposeB ? k : 1;
  // Loop order i, p, j: every output still accumulates its products in ascending p (the canonical
  // order), while the innermost loop runs across outputs, as a SIMD kernel would.
  for (let i = 0; i < m; i++) {
    const outRow = i * n;
    for (let p = 0; p < k; p++) {
      const av = a[i * aRow + p * aCol];
      const bBase = p * bRow;
      if (f32) {
        for (let j = 0; j < n; j++) out[outRow + j] += Math.fround(av * b[bBase + j * bCol]);
      } else {
        for (let j = 0; j < n; j++) out[outRow + j] += av * b[bBase + j * bCol];
      }
    }
  }
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

function unary(op: UnaryOp, x: FloatArray, out: FloatArray, alpha: number): void {
  for (let i = 0; i < x.length; i++) out[i] = unaryForward(op, x[i], alpha);
}

function unaryGrad(op: UnaryOp, x: FloatArray, dy: FloatArray, dx: FloatArray, alpha: number): void {
  for (let i = 0; i < x.length; i++) dx[i] = unaryBackward(op, x[i], dy[i], alpha);
}

function reduce(
  op: 'sum' | 'max',
  x: FloatArray,
  out: FloatArray,
  outer: number,
  axis: number,
  inner: number,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * axis * inner + i;
      if (op === 'sum') {
        // Accumulating in the output array rounds every partial sum to its dtype.
        const target = o * inner + i;
        out[target] = 0;
        for (let p = 0; p < axis; p++) out[target] += x[base + p * inner];
      } else {
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
};
