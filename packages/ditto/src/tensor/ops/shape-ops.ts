/** Ops that move data without arithmetic: reshape, transpose, slice, concat, gather. */
import { record } from '../autograd.js';
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
  const index = new Array<number>(x.rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = x.data[src];
    for (let d = x.rank - 1; d >= 0; d--) {
      index[d]++;
      src += strides[d];
      if (index[d] < shape[d]) break;
      src -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
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
  const copy = (into: Float32Array | Float64Array, from: Float32Array | Float64Array, toBlock: boolean) => {
    const strides = stridesOf(x.shape);
    const index = new Array<number>(x.rank).fill(0);
    for (let o = 0; o < into.length && o < sizeOf(extent); o++) {
      let src = 0;
      for (let d = 0; d < x.rank; d++) src += (begin[d] + index[d]) * strides[d];
      if (toBlock) into[o] = from[src];
      else into[src] = from[o];
      for (let d = x.rank - 1; d >= 0; d--) {
        if (++index[d] < extent[d]) break;
        index[d] = 0;
      }
    }
  };
  copy(out, x.data, true);
  return record(new Tensor(out, extent), 'slice', [x], (g) => {
    const dx = allocate(x.dtype, x.size);
    copy(dx, g.data, false);
    return [new Tensor(dx, x.shape)];
  });
}

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
  const rowLength = shape[ax] * inner;
  let offset = 0;
  for (const t of tensors) {
    const chunk = t.shape[ax] * inner;
    for (let o = 0; o < outer; o++)
      out.set(t.data.subarray(o * chunk, (o + 1) * chunk), o * rowLength + offset);
    offset += chunk;
  }
  return record(new Tensor(out, shape), 'concat', tensors, (g) => {
    let start = 0;
    return tensors.map((t) => {
      const begin = shape.map((_, i) => (i === ax ? start : 0));
      start += t.shape[ax];
      return slice(g, begin, t.shape);
    });
  });
}

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
  const out = allocate(x.dtype, indices.length * width);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= rows) {
      throw new RangeError(`gather: index ${r} at position ${i} is outside [0, ${rows})`);
    }
    out.set(x.data.subarray(r * width, (r + 1) * width), i * width);
  }
  return record(new Tensor(out, [...indexShape, ...x.shape.slice(1)]), 'gather', [x], (g) => {
    const dx = allocate(x.dtype, x.size);
    for (let i = 0; i < indices.length; i++) {
      const base = indices[i] * width;
      for (let j = 0; j < width; j++) dx[base + j] += g.data[i * width + j];
    }
    return [new Tensor(dx, x.shape)];
  });
}
