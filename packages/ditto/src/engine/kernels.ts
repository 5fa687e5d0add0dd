/**
 * The primitives: one function per kernel, each making one {@link runPrimitive} call. Ops
 * (src/tensor/ops) are built from these and nothing else; the fuser (engine/fuse.ts) reads their
 * `params`.
 *
 * The Backend interface's kernels come first; then the data-movement and small arithmetic kernels
 * defined once here in TypeScript with {@link defineKernel} (a backend may register faster ones).
 */
import type { Backend } from '../backend/backend.js';
import { defineKernel } from '../kernels/registry.js';
import type { BinaryOp, UnaryOp } from '../numeric/elementwise.js';
import type { FloatArray } from '../tensor/dtype.js';
import { type Buffer, type PrimitiveCall, type Rebinding, runPrimitive } from './primitive.js';

const f = (b: Buffer) => b as FloatArray;

/** out[m×n] = op(a)·op(b) (Backend.matmul). */
export function matmulPrimitive(
  a: FloatArray,
  b: FloatArray,
  out: FloatArray,
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
): void {
  runPrimitive({
    kernel: 'matmul',
    signature: `matmul:${m},${k},${n},${transposeA},${transposeB}`,
    buffers: [a, b, out],
    inputCount: 2,
    work: m * k * n,
    params: { m, k, n, transposeA, transposeB },
    run: (backend, [x, y, o]) => backend.matmul(f(x), f(y), f(o), m, k, n, transposeA, transposeB),
  });
}

/** out = a op b with broadcasting (Backend.binary). */
export function binaryPrimitive(
  op: BinaryOp,
  a: FloatArray,
  aStrides: readonly number[],
  b: FloatArray,
  bStrides: readonly number[],
  out: FloatArray,
  outShape: readonly number[],
): void {
  runPrimitive({
    kernel: 'binary',
    signature: `binary:${op}:${aStrides}:${bStrides}:${outShape}`,
    buffers: [a, b, out],
    inputCount: 2,
    work: out.length,
    params: { op, aStrides, bStrides, outShape },
    run: (backend, [x, y, o]) => backend.binary(op, f(x), aStrides, f(y), bStrides, f(o), outShape),
  });
}

/** out[i] = f(x[i]) (Backend.unary). */
export function unaryPrimitive(op: UnaryOp, x: FloatArray, out: FloatArray, alpha: number): void {
  runPrimitive({
    kernel: 'unary',
    signature: `unary:${op}:${alpha}:${x.length}`,
    buffers: [x, out],
    inputCount: 1,
    work: x.length * 8,
    params: { op, alpha },
    run: (backend, [input, o]) => backend.unary(op, f(input), f(o), alpha),
  });
}

/** dx[i] = f'(x[i])·dy[i] (Backend.unaryBackward). */
export function unaryBackwardPrimitive(
  op: UnaryOp,
  x: FloatArray,
  dy: FloatArray,
  dx: FloatArray,
  alpha: number,
): void {
  runPrimitive({
    kernel: 'unaryBackward',
    signature: `unaryBackward:${op}:${alpha}:${x.length}`,
    buffers: [x, dy, dx],
    inputCount: 2,
    work: x.length * 8,
    params: { op, alpha },
    run: (backend, [input, g, o]) => backend.unaryBackward(op, f(input), f(g), f(o), alpha),
  });
}

/** Reduction of [outer, axis, inner] over the middle axis (Backend.reduce). */
export function reducePrimitive(
  op: 'sum' | 'max',
  x: FloatArray,
  out: FloatArray,
  outer: number,
  axis: number,
  inner: number,
): void {
  runPrimitive({
    kernel: 'reduce',
    signature: `reduce:${op}:${outer},${axis},${inner}`,
    buffers: [x, out],
    inputCount: 1,
    work: x.length,
    params: { op, outer, axis, inner },
    run: (backend, [input, o]) => backend.reduce(op, f(input), f(o), outer, axis, inner),
  });
}

/** Softmax or log-softmax over rows (Backend.softmax). */
export function softmaxPrimitive(
  x: FloatArray,
  out: FloatArray,
  rows: number,
  cols: number,
  log: boolean,
): void {
  runPrimitive({
    kernel: 'softmax',
    signature: `softmax:${rows},${cols},${log}`,
    buffers: [x, out],
    inputCount: 1,
    work: x.length * 16,
    params: { rows, cols, log },
    run: (backend, [input, o]) => backend.softmax(f(input), f(o), rows, cols, log),
  });
}

/** Backward of softmax / log-softmax given its output (Backend.softmaxBackward). */
export function softmaxBackwardPrimitive(
  y: FloatArray,
  dy: FloatArray,
  dx: FloatArray,
  rows: number,
  cols: number,
  log: boolean,
): void {
  runPrimitive({
    kernel: 'softmaxBackward',
    signature: `softmaxBackward:${rows},${cols},${log}`,
    buffers: [y, dy, dx],
    inputCount: 2,
    work: y.length * 16,
    params: { rows, cols, log },
    run: (backend, [out, g, o]) => backend.softmaxBackward(f(out), f(g), f(o), rows, cols, log),
  });
}

// ——— Kernels defined here (reference implementations; a backend may register its own) ———

/** out[i] = x[i] / divisor, rounded once to out's type (a mean's division by its count). */
export const divideByScalar = defineKernel(
  'divideByScalar',
  (x: FloatArray, out: FloatArray, divisor: number) => {
    for (let i = 0; i < out.length; i++) out[i] = x[i] / divisor;
  },
);

/** Copies x of `shape` into out of the broadcast `target` shape (strides 0 on broadcast axes). */
export const broadcastCopy = defineKernel(
  'broadcastCopy',
  (x: FloatArray, out: FloatArray, strides: readonly number[], target: readonly number[]) => {
    // The same values, without the index walk: one value everywhere, or an unchanged layout.
    if (x.length === 1) {
      out.fill(x[0]);
      return;
    }
    if (x.length === out.length && isContiguous(strides, target)) {
      out.set(x);
      return;
    }
    const rank = target.length;
    const tail = contiguousTail(strides, target);
    if (tail < rank && blockOf(target, tail) >= MIN_RUN) {
      copyBlocks(x, out, strides, target, tail, 0, 0, 0);
      return;
    }
    if (rank === 2) {
      copyRows(x, out, strides, target);
      return;
    }
    const index = new Array<number>(rank).fill(0);
    let src = 0;
    for (let o = 0; o < out.length; o++) {
      out[o] = x[src];
      for (let d = rank - 1; d >= 0; d--) {
        index[d]++;
        src += strides[d];
        if (index[d] < target[d]) break;
        src -= strides[d] * target[d];
        index[d] = 0;
      }
    }
  },
);

/**
 * The element walk for two axes (a [rows, 1] column spread over short rows, as a loss's sum
 * gradient): the same copies in the same order, without the odometer's index array.
 */
function copyRows(
  x: FloatArray,
  out: FloatArray,
  strides: readonly number[],
  target: readonly number[],
): void {
  const rows = target[0];
  const cols = target[1];
  const rowStride = strides[0];
  const colStride = strides[1];
  let o = 0;
  for (let r = 0; r < rows; r++) {
    let src = r * rowStride;
    for (let c = 0; c < cols; c++, src += colStride) out[o++] = x[src];
  }
}

/** Runs shorter than this are walked element by element (a builtin copy per run costs more). */
const MIN_RUN = 16;

/** Elements of one block of axes d… of `target`. */
function blockOf(target: readonly number[], d: number): number {
  let size = 1;
  for (let a = d; a < target.length; a++) size *= target[a];
  return size;
}

/** The first axis of the longest run of trailing axes that x holds contiguously (rank when none). */
function contiguousTail(strides: readonly number[], target: readonly number[]): number {
  let expected = 1;
  let d = target.length;
  while (d > 0 && (target[d - 1] === 1 || strides[d - 1] === expected)) {
    expected *= target[d - 1];
    d--;
  }
  return d;
}

/**
 * The block of axes d… at out[o…] from x[src…]: axes from `tail` on are one contiguous run; an axis
 * of stride 0 fills its first slice and repeats it by doubling copies within out (bit copies, so the
 * values are exactly the element-by-element walk's).
 */
function copyBlocks(
  x: FloatArray,
  out: FloatArray,
  strides: readonly number[],
  target: readonly number[],
  tail: number,
  d: number,
  src: number,
  o: number,
): void {
  if (d === tail) {
    const run = blockOf(target, tail);
    out.set(x.subarray(src, src + run), o);
    return;
  }
  const block = blockOf(target, d + 1);
  if (strides[d] === 0) {
    copyBlocks(x, out, strides, target, tail, d + 1, src, o);
    const total = block * target[d];
    for (let filled = block; filled < total; filled *= 2)
      out.copyWithin(o + filled, o, o + Math.min(filled, total - filled));
    return;
  }
  for (let i = 0; i < target[d]; i++)
    copyBlocks(x, out, strides, target, tail, d + 1, src + i * strides[d], o + i * block);
}

/** Whether reading at these strides walks an array of `shape` in its own row-major order. */
function isContiguous(strides: readonly number[], shape: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** A strided copy: out (of `shape`) reads x at the given per-axis strides (a transpose). */
export const stridedCopy = broadcastCopy;

/** out = a copy of x. */
export const copy = defineKernel('copy', (x: FloatArray, out: FloatArray) => {
  out.set(x);
});

/** out = value everywhere. */
export const fillValue = defineKernel('fill', (out: FloatArray, value: number) => {
  out.fill(value);
});

/** out[i] = a[i] where pickA(a[i], b[i]) else 0, and outB the rest ('ge' or 'le'): maximum/minimum's backward. */
export const selectGradient = defineKernel(
  'selectGradient',
  (a: FloatArray, b: FloatArray, g: FloatArray, ga: FloatArray, gb: FloatArray, compare: 'ge' | 'le') => {
    for (let i = 0; i < g.length; i++) {
      const pickA = compare === 'ge' ? a[i] >= b[i] : a[i] <= b[i];
      if (pickA) {
        ga[i] = g[i];
        gb[i] = 0;
      } else {
        ga[i] = 0;
        gb[i] = g[i];
      }
    }
  },
);

/** mask[i] = 1 where x[i] equals the broadcast maximum m[i], else 0 (max's backward). */
export const equalMask = defineKernel('equalMask', (x: FloatArray, m: FloatArray, mask: FloatArray) => {
  for (let i = 0; i < mask.length; i++) mask[i] = x[i] === m[i] ? 1 : 0;
});

type DefinedKernel = {
  readonly name: string;
  resolve(backend?: Backend | string): (...args: never[]) => void;
};

/** Options of {@link callKernel}. */
export interface KernelCallOptions {
  work?: number;
  signature?: string;
  effect?: boolean;
  /**
   * For an effect whose static arguments hold its owner's objects (a Dropout layer): the same
   * arguments for another owner's corresponding objects (PrimitiveCall.rebind, engine/twin.ts).
   */
  rebind?: (binding: Rebinding) => readonly unknown[];
}

/** Runs a kernel defined with defineKernel as a primitive: buffers first, then static arguments. */
export function callKernel(
  kernel: DefinedKernel,
  buffers: readonly Buffer[],
  inputCount: number,
  staticArgs: readonly unknown[],
  options: KernelCallOptions = {},
): void {
  runPrimitive(kernelCall(kernel, buffers, inputCount, staticArgs, options));
}

function kernelCall(
  kernel: DefinedKernel,
  buffers: readonly Buffer[],
  inputCount: number,
  staticArgs: readonly unknown[],
  options: KernelCallOptions,
): PrimitiveCall {
  const signature =
    options.signature ?? `${kernel.name}:${buffers.map((b) => b.length)}:${staticArgs.map(String)}`;
  const rebindArgs = options.rebind;
  return {
    kernel: kernel.name,
    signature,
    buffers,
    inputCount,
    work: options.work ?? buffers.reduce((s, b) => s + b.length, 0),
    effect: options.effect,
    params: { staticArgs },
    run: kernelRunner(kernel, staticArgs),
    rebind:
      rebindArgs &&
      ((binding) =>
        kernelCall(kernel, buffers, inputCount, rebindArgs(binding), { ...options, rebind: rebindArgs })),
  };
}

type Runner = (backend: Backend, buffers: readonly Buffer[]) => void;

/**
 * A call's `run`: resolves the kernel once per backend and builds its argument list once per
 * buffer list (a replayed call gets the same views every time), so a replay allocates nothing.
 */
function kernelRunner(
  kernel: { resolve(backend?: Backend | string): (...args: never[]) => void },
  staticArgs: readonly unknown[],
): Runner {
  let lastBackend: Backend | undefined;
  let implementation: (...args: unknown[]) => void = () => {};
  let lastBuffers: readonly Buffer[] | undefined;
  let args: unknown[] = [];
  return (backend, buffers) => {
    if (backend !== lastBackend) {
      lastBackend = backend;
      implementation = kernel.resolve(backend) as (...args: unknown[]) => void;
    }
    if (buffers !== lastBuffers) {
      lastBuffers = buffers;
      args = [...buffers, ...staticArgs];
    }
    implementation(...args);
  };
}
