/** stack and unstack: joining equal-shaped tensors along a new axis, and taking one apart again. */
import { callKernel } from '../../engine/kernels.js';
import { record } from '../autograd.js';
import { allocate } from '../dtype.js';
import { formatShape, normalizeAxis, ShapeError, sameShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { axisBlocks, copyBlocks } from './axis-blocks.js';
import { concatRows } from './shape-ops.js';

/**
 * Joins tensors of one shape along a new axis (`axis` in [−rank−1, rank]); the gradient of each
 * input is its slice of the result's gradient.
 *
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
 * ```
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  if (tensors.length === 0) throw new ShapeError('stack: needs at least one tensor');
  const first = tensors[0];
  for (const [i, t] of tensors.entries()) {
    if (!sameShape(t.shape, first.shape)) {
      throw new ShapeError(
        `stack: tensor ${i} has shape ${formatShape(t.shape)}, tensor 0 has ${formatShape(first.shape)}`,
      );
    }
    if (t.dtype !== first.dtype)
      throw new TypeError(`stack: tensor ${i} is ${t.dtype}, tensor 0 is ${first.dtype}`);
  }
  const ax = normalizeAxis('stack', axis, first.rank + 1);
  const shape = [...first.shape.slice(0, ax), tensors.length, ...first.shape.slice(ax)];
  const outer = sizeOf(first.shape.slice(0, ax));
  const inner = sizeOf(first.shape.slice(ax));
  const count = tensors.length;
  const out = allocate(first.dtype, sizeOf(shape));
  // Stacking is concatenation of one-position slices: each output row interleaves the inputs.
  callKernel(concatRows, [...tensors.map((t) => t.data), out], count, [
    outer,
    new Array<number>(count).fill(inner),
  ]);
  return record(new Tensor(out, shape), 'stack', tensors, (g) => unstackRaw(g, ax));
}

function unstackRaw(x: Tensor, axis: number): Tensor[] {
  const { axis: ax, outer, length, inner } = axisBlocks('unstack', x.shape, axis);
  const shape = [...x.shape.slice(0, ax), ...x.shape.slice(ax + 1)];
  const parts: Tensor[] = [];
  for (let k = 0; k < length; k++) {
    const out = allocate(x.dtype, outer * inner);
    callKernel(copyBlocks, [x.data, out], 1, [outer, inner, length * inner, k * inner, inner, 0, false]);
    parts.push(new Tensor(out, shape));
  }
  return parts;
}

/**
 * The slices of x along an axis, each without that axis (the inverse of {@link stack}). The
 * gradient stacks the slices' gradients back, zeros where a slice got none.
 *
 * @example
 * ```ts
 * unstack(tensor([[1, 2], [3, 4]]), 1).map((t) => t.toArray()); // [[1, 3], [2, 4]]
 * ```
 */
export function unstack(x: Tensor, axis = 0): Tensor[] {
  if (x.rank < 1) throw new ShapeError('unstack: needs a tensor with at least one dimension');
  const ax = normalizeAxis('unstack', axis, x.rank);
  const parts = unstackRaw(x, ax);
  const { outer, length, inner } = axisBlocks('unstack', x.shape, ax);
  // One gradient node per part, each placing its own gradient: parts that the loss never reaches
  // cost nothing in the backward pass.
  return parts.map((part, k) =>
    record(part, 'unstack', [x], (g) => {
      const dx = allocate(x.dtype, x.size);
      callKernel(copyBlocks, [g.data, dx], 1, [outer, inner, inner, 0, length * inner, k * inner, true]);
      return [new Tensor(dx, x.shape)];
    }),
  );
}
