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

/**
 * A region of a backend's own memory that holds an engine program's internal buffers, so the
 * backend's kernels read and write them in place (see Backend.programArena).
 */
export interface ProgramArena {
  /**
   * The region's first byte in `buffer()`, 8-byte aligned. It may change between replays (a larger
   * region can be placed elsewhere), never during one: a program reads it at every replay.
   */
  readonly offset: number;
  /**
   * The buffer holding the region now. It is a new one after the memory has grown: views made on
   * the old one are then empty (detached) and must be made again.
   */
  buffer(): ArrayBuffer;
  /**
   * Brackets one replay: in between, `buffer()` stays the same (a call that would need the memory
   * to grow runs on the reference instead, with the same bits, and the memory grows at `end`).
   */
  begin(): void;
  end(): void;
}

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

  /**
   * Optional fused Dense forward, which the engine fuses matmul epilogues into (src/engine/fuse.ts). A backend
   * without it gets the same bits from its `matmul`, `binary` and `unary` kernels (see
   * the unfused calls in src/engine/fuse.ts). x is [m×k], w [k×n], bias [n] or null; z and y are [m×n]:
   *
   * 1. z[i,j] = Σ_p x[i,p]·w[p,j], accumulated from +0 in ascending p, every product and every
   *    partial sum rounded (exactly `matmul(x, w)`);
   * 2. with a bias, z[i,j] = z[i,j] + bias[j], rounded (the broadcast `add` of step 1's rounded sum:
   *    the bias is never the accumulator's starting value);
   * 3. y[i,j] = f(z[i,j]) as `unary(activation)` computes it (numeric/elementwise.ts), rounded once.
   *
   * z keeps the pre-activation for `denseBackward`. When `activation` is 'linear', y may be the same
   * array as z (step 3 is then skipped: linear is the identity). All arrays have one dtype.
   */
  denseForward?(
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
  ): void;

  /**
   * Optional fused Dense backward, the exact counterpart of what reverse-mode differentiation of
   * `activation(matmul(x, w) + bias)` computes (a backend without it gets the same bits from
   * `unaryBackward`, `reduce` and `matmul`, as src/engine/fuse.ts replaces). Given z from
   * `denseForward` and dy = ∂loss/∂y [m×n]:
   *
   * 1. dz[i,j] = f'(z[i,j])·dy[i,j] as `unaryBackward(activation)` computes it, rounded once. When
   *    `activation` is 'linear', dz may be the same array as dy (then nothing is written);
   * 2. db[j] = Σ_i dz[i,j], from +0 in ascending batch index i, each partial sum rounded;
   * 3. dw[p,j] = Σ_i x[i,p]·dz[i,j], from +0 in ascending batch index i, each product and partial
   *    sum rounded (`matmul(x, dz)` with transposeA);
   * 4. when dx is given, dx[i,p] = Σ_j dz[i,j]·w[p,j], from +0 in ascending j, each product and
   *    partial sum rounded (`matmul(dz, w)` with transposeB). The first layer passes null.
   *
   * The four results are independent of the order in which a backend computes them.
   */
  denseBackward?(
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
  ): void;

  /**
   * Optional fused Adam / AdamW update of one float32 variable, in place — AdamBase's float32
   * sequence (docs/optimizers.md), for a backend to run it with SIMD. A caller without it runs the
   * optimizer's own loop; the bits are the same. The caller computes the float32 scalars: lr,
   * wd (or null without weight decay), α = lr·√(1−β2^t)/(1−β1^t), 1−β1, 1−β2 and ε. For each i,
   * every operation rounded to float32:
   *
   * 1. g = grad[i]; w′ = w[i], or with weight decay w′ = w[i] − (w[i]·wd)·lr;
   * 2. m[i] = m[i] + (g − m[i])·(1−β1); v[i] = v[i] + (g·g − v[i])·(1−β2);
   * 3. with `vHat` (AMSGrad): vHat[i] = max(vHat[i], v[i]) (NaN wins), and that is the v used below;
   * 4. w[i] = w′ − (m[i]·α) / (√v + ε).
   */
  adamUpdate?(
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
  ): void;

  /**
   * Optional: room for `bytes` of an engine program's internal buffers (engine/program.ts) in the
   * backend's own memory, which its kernels then use in place instead of copying; undefined when
   * there is none. One region may serve every program of the backend: a program's internal buffers
   * are written before they are read within each replay, and one program replays at a time, so
   * nothing in the region needs to survive between replays (a program keeps its inputs and results,
   * which the caller writes and reads, in ordinary memory). The buffers are ordinary typed arrays
   * to every other backend and to the reference kernels.
   */
  programArena?(bytes: number): ProgramArena | undefined;

  /**
   * Optional: a zeroed array of `length` elements in the backend's own memory, which its kernels
   * use in place — for state that many calls read and write (variables, optimizer slots, a
   * program's inputs and results). It is an ordinary typed array to everything else, stays valid
   * for as long as the array object lives (its room is reused after that; a subarray does not keep
   * it), and holds what is written into it. Undefined when the backend has no such memory (the
   * wasm backend's only where its memory is shared) or the array is too small to gain from it.
   */
  residentArray?(
    type: 'float32' | 'float64' | 'int32',
    length: number,
  ): Float32Array | Float64Array | Int32Array | undefined;
}
