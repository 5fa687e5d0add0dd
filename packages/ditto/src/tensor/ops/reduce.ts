/**
 * Reductions. A reduction over several axes visits the reduced elements of each output in row-major
 * order and accumulates them from +0, one rounded addition at a time (docs/determinism.md).
 */
import {
  binaryPrimitive,
  callKernel,
  copy,
  divideByScalar,
  equalMask,
  reducePrimitive,
} from '../../engine/kernels.js';
import { record } from '../autograd.js';
import { allocate } from '../dtype.js';
import { formatShape, normalizeAxis, type Shape, ShapeError, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast.js';
import { transpose } from './shape-ops.js';

export interface ReduceOptions {
  /** Keep reduced axes as dimensions of size 1 (default false). */
  keepDims?: boolean;
}

function normalizeAxes(op: string, x: Tensor, axes: number | readonly number[] | undefined): number[] {
  if (axes === undefined) return x.shape.map((_, i) => i);
  const list = (typeof axes === 'number' ? [axes] : [...axes]).map((a) => normalizeAxis(op, a, x.rank));
  if (new Set(list).size !== list.length)
    throw new ShapeError(`${op}: repeated axis in [${list.join(', ')}]`);
  return list.sort((a, b) => a - b);
}

function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/** Brings the reduced axes into one contiguous block, returning x (maybe transposed) and the block. */
function contiguous(x: Tensor, axes: readonly number[]): { x: Tensor; first: number; last: number } {
  const isBlock = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
  if (isBlock) return { x, first: axes[0], last: axes[axes.length - 1] };
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const moved = transpose(x, [...kept, ...axes]);
  return { x: moved, first: kept.length, last: x.rank - 1 };
}

function reduceRaw(op: 'sum' | 'max', x: Tensor, axes: readonly number[]): Float32Array | Float64Array {
  if (axes.length === 0) {
    const same = allocate(x.dtype, x.size);
    callKernel(copy, [x.data, same], 1, []);
    return same;
  }
  const { x: y, first, last } = contiguous(x, axes);
  const outer = sizeOf(y.shape.slice(0, first));
  const axis = sizeOf(y.shape.slice(first, last + 1));
  const inner = sizeOf(y.shape.slice(last + 1));
  const out = allocate(x.dtype, outer * inner);
  if (op === 'max' && axis === 0)
    throw new ShapeError(`max: cannot reduce over an empty axis of ${formatShape(x.shape)}`);
  reducePrimitive(op, y.data, out, outer, axis, inner);
  return out;
}

/**
 * Sum over the given axes (all by default).
 *
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]), 0).toArray(); // [4, 6]
 * ```
 */
export function sum(x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  const list = normalizeAxes('sum', x, axes);
  const shape = reducedShape(x.shape, list, options.keepDims ?? false);
  const out = new Tensor(reduceRaw('sum', x, list), shape);
  return record(out, 'sum', [x], (g) => [broadcastTo(g.data, reducedShape(x.shape, list, true), x.shape)]);
}

/** Mean over the given axes (all by default): the sum, divided once by the count. */
export function mean(x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  const list = normalizeAxes('mean', x, axes);
  const count = list.reduce((c, a) => c * x.shape[a], 1);
  const shape = reducedShape(x.shape, list, options.keepDims ?? false);
  const sums = reduceRaw('sum', x, list);
  const data = allocate(x.dtype, sums.length);
  callKernel(divideByScalar, [sums, data], 1, [count]);
  const out = new Tensor(data, shape);
  return record(out, 'mean', [x], (g) => {
    const scaled = allocate(g.dtype, g.size);
    callKernel(divideByScalar, [g.data, scaled], 1, [count]);
    return [broadcastTo(scaled, reducedShape(x.shape, list, true), x.shape)];
  });
}

/** Maximum over the given axes; the gradient is shared equally among tied maxima. */
export function max(x: Tensor, axes?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  const list = normalizeAxes('max', x, axes);
  const keptShape = reducedShape(x.shape, list, true);
  const out = new Tensor(reduceRaw('max', x, list), reducedShape(x.shape, list, options.keepDims ?? false));
  return record(out, 'max', [x], (g) => {
    const m = broadcastTo(out.data, keptShape, x.shape).data;
    const mask = allocate(x.dtype, x.size);
    callKernel(equalMask, [x.data, m, mask], 2, []);
    const ties = reduceRaw('sum', new Tensor(mask, x.shape), list);
    const share = allocate(x.dtype, ties.length);
    binaryPrimitive('div', g.data, [1], ties, [1], share, [ties.length]);
    const spread = broadcastTo(share, keptShape, x.shape).data;
    const dx = allocate(x.dtype, x.size);
    binaryPrimitive('mul', mask, [1], spread, [1], dx, [x.size]);
    return [new Tensor(dx, x.shape)];
  });
}

/** Sums a broadcast gradient back to the shape of the input it came from (leading axes first). */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const offset = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++)
    if (i < offset || (shape[i - offset] === 1 && g.shape[i] !== 1)) axes.push(i);
  return new Tensor(reduceRaw('sum', g, axes), shape);
}
