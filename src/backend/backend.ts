/**
 * The kernel interface. A backend implements these kernels and nothing else; tensors, gradients,
 * layers and models sit above it. Kernels take typed arrays in and write typed arrays out (the caller
 * allocates), so a WebAssembly backend can implement them without hidden allocation.
 *
 * Every kernel follows the numeric contract in docs/determinism.md: float32 rounding of every
 * arithmetic result, and the canonical reduction order — each output is accumulated from +0 along the
 * reduced index in ascending order, one rounded addition at a time.
 */

import type { BinaryOp, UnaryOp } from '../numeric/elementwise.js';
import type { FloatArray } from '../tensor/dtype.js';

export interface Backend {
  /** Short name recorded in run fingerprints, e.g. 'js' or 'wasm'. */
  readonly name: string;

  /**
   * out[m×n] = op(a) · op(b) where op transposes when asked: a is [m×k] (or [k×m] when transposeA),
   * b is [k×n] (or [n×k] when transposeB). Each output accumulates its k products in ascending k,
   * each product and each sum rounded to the dtype.
   */
  matmul(
    a: FloatArray,
    b: FloatArray,
    out: FloatArray,
    m: number,
    k: number,
    n: number,
    transposeA: boolean,
    transposeB: boolean,
  ): void;

  /**
   * out = a op b with broadcasting: out has `outShape`; `aStrides`/`bStrides` address a and b in
   * out's index space (0 on broadcast dimensions).
   */
  binary(
    op: BinaryOp,
    a: FloatArray,
    aStrides: readonly number[],
    b: FloatArray,
    bStrides: readonly number[],
    out: FloatArray,
    outShape: readonly number[],
  ): void;

  /** out[i] = f(x[i]) (see numeric/elementwise.ts). */
  unary(op: UnaryOp, x: FloatArray, out: FloatArray, alpha: number): void;

  /** dx[i] = f'(x[i])·dy[i]. */
  unaryBackward(op: UnaryOp, x: FloatArray, dy: FloatArray, dx: FloatArray, alpha: number): void;

  /**
   * Reduces x viewed as [outer, axis, inner] along the middle dimension into out [outer, inner]:
   * 'sum' accumulates from +0 in ascending axis index; 'max' keeps the first maximum (NaN wins).
   */
  reduce(op: 'sum' | 'max', x: FloatArray, out: FloatArray, outer: number, axis: number, inner: number): void;

  /**
   * Softmax (or log-softmax) over the last dimension of x viewed as [rows, cols]:
   * m = max of the row; e_j = exp(x_j − m); s = Σ e_j in ascending j; softmax_j = e_j / s;
   * logSoftmax_j = (x_j − m) − log(s).
   */
  softmax(x: FloatArray, out: FloatArray, rows: number, cols: number, log: boolean): void;

  /**
   * Backward of softmax given its output y: dx_j = y_j·(dy_j − Σ_i dy_i·y_i); of logSoftmax given its
   * output y: dx_j = dy_j − exp(y_j)·Σ_i dy_i. Sums in ascending i.
   */
  softmaxBackward(
    y: FloatArray,
    dy: FloatArray,
    dx: FloatArray,
    rows: number,
    cols: number,
    log: boolean,
  ): void;
}
