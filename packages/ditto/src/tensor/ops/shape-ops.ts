/** Ops that move data without arithmetic: reshape, transpose, slice, concat, gather. */
import { broadcastCopy, callKernel } from '../../engine/kernels.js';
import { defineKernel } from '../../kernels/registry.js';
import { record } from '../autograd.js';
import type { FloatArray } from '../dtype.js';
import { allocate } from '../dtype.js';
import { formatShape, normalizeAxis, type Shape, ShapeError, sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Same values in a new shape; one dimension may be −1 (inferred). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const inferred = shape.filter((d) => d === -1).length;
  if (inferred > 1)
    throw new ShapeError(`reshape: at most one dimension may be -1, got ${formatShape(shape)}`);
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const target = shape.map((d) => (d === -1 ? (known === 0 ? 0 : x.size / known) : d));
  if (!target.every((d) => Number.isInteger(d) && d >= 0) || sizeOf(target) !== x.size) {
    throw new ShapeError(
      `reshape: cannot reshape ${formatShape(x.shape)} (${x.size} values) to ${formatShape(shape)}`,
    );
  }
  return record(new Tensor(x.data, target), 'reshape', [x], (g) => [new Tensor(g.data, x.shape)]);
}

/** Permutes the axes (reverses them by default). */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const order = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  const valid = order.length === x.rank && [...order].sort((a, b) => a - b).every((a, i) => a === i);
  if (!valid)
    throw new ShapeError(
      `transpose: [${order.join(', ')}] is not a permutation of the axes of ${formatShape(x.shape)}`,
    );
  const shape = order.map((a) => x.shape[a]);
  const inStrides = stridesOf(x.shape);
  const strides = order.map((a) => inStrides[a]);
  const out = allocate(x.dtype, x.size);
  callKernel(broadcastCopy, [x.data, out], 1, [strides, shape]);
  const inverse = new Array<number>(order.length);
  order.forEach((a, i) => {
    inverse[a] = i;
  });
  return record(new Tensor(out, shape), 'transpose', [x], (g) => [transpose(g, inverse)]);
}

/** Copies the block [begin, begin + size) of x (size −1 means "to the end"). */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  if (begin.length !== x.rank || (size && size.length !== x.rank)) {
    throw new ShapeError(`slice: begin/size must have one entry per axis of ${formatShape(x.shape)}`);
  }
  const extent = x.shape.map((d, i) => (size === undefined || size[i] === -1 ? d - begin[i] : size[i]));
  x.shape.forEach((d, i) => {
    if (!Number.isInteger(begin[i]) || begin[i] < 0 || extent[i] < 0 || begin[i] + extent[i] > d) {
      throw new ShapeError(
        `slice: begin [${begin.join(', ')}] with size [${extent.join(', ')}] is outside ${formatShape(x.shape)}`,
      );
    }
  });
  const out = allocate(x.dtype, sizeOf(extent));
  const xShape = [...x.shape];
  callKernel(sliceCopy, [x.data, out], 1, [xShape, [...begin], extent, true]);
  return record(new Tensor(out, extent), 'slice', [x], (g) => {
    const dx = allocate(x.dtype, x.size);
    callKernel(sliceCopy, [g.data, dx], 1, [xShape, [...begin], extent, false]);
    return [new Tensor(dx, x.shape)];
  });
}

/**
 * Copies the block [begin, begin + extent) of a tensor of `shape` into a dense array (toBlock), or
 * a dense array into that block of a zero tensor of `shape` (the backward).
 */
const sliceCopy = defineKernel(
  'sliceCopy',
  (
    from: FloatArray,
    into: FloatArray,
    shape: readonly number[],
    begin: readonly number[],
    extent: readonly number[],
    toBlock: boolean,
  ) => {
    const rank = shape.length;
    const strides = stridesOf(shape);
    const index = new Array<number>(rank).fill(0);
    const count = sizeOf(extent);
    if (!toBlock) into.fill(0);
    for (let o = 0; o < count; o++) {
      let src = 0;
      for (let d = 0; d < rank; d++) src += (begin[d] + index[d]) * strides[d];
      if (toBlock) into[o] = from[src];
      else into[src] = from[o];
      for (let d = rank - 1; d >= 0; d--) {
        if (++index[d] < extent[d]) break;
        index[d] = 0;
      }
    }
  },
);

/** Joins tensors along an axis. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError('concat: needs at least one tensor');
  const first = tensors[0];
  const ax = normalizeAxis('concat', axis, first.rank);
  for (const t of tensors) {
    const fits = t.rank === first.rank && t.shape.every((d, i) => i === ax || d === first.shape[i]);
    if (!fits) {
      throw new ShapeError(
        `concat: shapes ${tensors.map((u) => formatShape(u.shape)).join(', ')} differ outside axis ${axis}`,
      );
    }
    if (t.dtype !== first.dtype) throw new TypeError(`concat: dtypes differ (${first.dtype} and ${t.dtype})`);
  }
  const shape = [...first.shape];
  shape[ax] = tensors.reduce((s, t) => s + t.shape[ax], 0);
  const outer = sizeOf(first.shape.slice(0, ax));
  const inner = sizeOf(first.shape.slice(ax + 1));
  const out = allocate(first.dtype, sizeOf(shape));
  const chunks = tensors.map((t) => t.shape[ax] * inner);
  callKernel(concatRows, [...tensors.map((t) => t.data), out], tensors.length, [outer, chunks]);
  return record(new Tensor(out, shape), 'concat', tensors, (g) => {
    let start = 0;
    return tensors.map((t) => {
      const begin = shape.map((_, i) => (i === ax ? start : 0));
      start += t.shape[ax];
      return slice(g, begin, t.shape);
    });
  });
}

/** out = the inputs' rows of `chunks[i]` values each, interleaved over `outer` rows (concat). */
export const concatRows = defineKernel('concatRows', (...args: unknown[]) => {
  const chunks = args[args.length - 1] as readonly number[];
  const outer = args[args.length - 2] as number;
  const parts = args.slice(0, chunks.length) as FloatArray[];
  const out = args[chunks.length] as FloatArray;
  const rowLength = chunks.reduce((s, c) => s + c, 0);
  let offset = 0;
  parts.forEach((part, p) => {
    const chunk = chunks[p];
    for (let o = 0; o < outer; o++)
      out.set(part.subarray(o * chunk, (o + 1) * chunk), o * rowLength + offset);
    offset += chunk;
  });
});

/**
 * Rows of x (along axis 0) picked by integer indices, as an embedding lookup does. The gradient
 * adds each row's gradient back in ascending index position, so repeated indices accumulate in a
 * fixed order.
 */
export function gather(x: Tensor, indices: ArrayLike<number>, indexShape: Shape = [indices.length]): Tensor {
  if (x.rank < 1) throw new ShapeError('gather: needs a tensor with at least one dimension');
  if (sizeOf(indexShape) !== indices.length) {
    throw new ShapeError(
      `gather: index shape ${formatShape(indexShape)} does not hold ${indices.length} indices`,
    );
  }
  const rows = x.shape[0];
  const width = x.size / Math.max(rows, 1);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= rows) {
      throw new RangeError(`gather: index ${r} at position ${i} is outside [0, ${rows})`);
    }
  }
  // The indices are a buffer of the call (they change with every batch), never a captured constant.
  const index = indexBuffer(indices);
  const out = allocate(x.dtype, indices.length * width);
  callKernel(gatherRows, [x.data, index, out], 2, [width]);
  return record(new Tensor(out, [...indexShape, ...x.shape.slice(1)]), 'gather', [x], (g) => {
    const dx = allocate(x.dtype, x.size);
    callKernel(scatterAddRows, [g.data, index, dx], 2, [width]);
    return [new Tensor(dx, x.shape)];
  });
}

export type IndexArray = Int32Array | Float32Array | Float64Array;

/** The indices as a typed array a primitive can take (the caller's own when it is one). */
export function indexBuffer(indices: ArrayLike<number>): IndexArray {
  if (indices instanceof Int32Array || indices instanceof Float32Array || indices instanceof Float64Array) {
    return indices;
  }
  return Int32Array.from(indices as ArrayLike<number>);
}

/** out[i, :] = x[indices[i], :] for rows of `width` values. */
export const gatherRows = defineKernel(
  'gatherRows',
  (x: FloatArray, indices: IndexArray, out: FloatArray, width: number) => {
    for (let i = 0; i < indices.length; i++) {
      const r = indices[i];
      out.set(x.subarray(r * width, (r + 1) * width), i * width);
    }
  },
);

/**
 * dx = 0, then dx[indices[i], :] += g[i, :] for i ascending — a fixed order, so repeated indices
 * accumulate the same way on every backend and thread count.
 */
export const scatterAddRows = defineKernel(
  'scatterAddRows',
  (g: FloatArray, indices: IndexArray, dx: FloatArray, width: number) => {
    dx.fill(0);
    for (let i = 0; i < indices.length; i++) {
      const base = indices[i] * width;
      for (let j = 0; j < width; j++) dx[base + j] += g[i * width + j];
    }
  },
);
