/**
 * scatterAdd: adds rows of updates into rows of a zero tensor picked by indices — the gradient of
 * an embedding lookup. Updates are added in ascending position order, one after another, so rows
 * that repeat accumulate in one fixed order on every backend and at any thread count.
 */
import { callKernel } from '../../engine/kernels.js';
import { record } from '../autograd.js';
import { allocate } from '../dtype.js';
import { formatShape, ShapeError } from '../shape.js';
import { Tensor } from '../tensor.js';
import { gather, indexBuffer, scatterAddRows } from './shape-ops.js';

/**
 * A tensor of `rows` rows (each shaped like one row of updates) where row r is the sum, in
 * ascending position order, of the update rows i with `indices[i] = r`. `updates` has shape
 * [indices.length, …rowShape]. The gradient of the updates is the gather of the result's gradient.
 *
 * @example
 * ```ts
 * scatterAdd([2, 0, 2], tensor([[1], [2], [3]]), 3).toArray(); // [[2], [0], [4]]
 * ```
 */
export function scatterAdd(indices: ArrayLike<number>, updates: Tensor, rows: number): Tensor {
  if (!Number.isInteger(rows) || rows < 0)
    throw new RangeError(`scatterAdd: rows must be a non-negative integer, got ${rows}`);
  if (updates.rank < 1 || updates.shape[0] !== indices.length) {
    throw new ShapeError(
      `scatterAdd: updates of shape ${formatShape(updates.shape)} need ${indices.length} rows, one per index`,
    );
  }
  const rowShape = updates.shape.slice(1);
  const width = updates.size / Math.max(indices.length, 1);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= rows) {
      throw new RangeError(`scatterAdd: index ${r} at position ${i} is outside [0, ${rows})`);
    }
  }
  const out = allocate(updates.dtype, rows * width);
  // The indices are a buffer of the call (they may change with every batch), never a constant.
  const index = indexBuffer(indices);
  callKernel(scatterAddRows, [updates.data, index, out], 2, [width]);
  return record(new Tensor(out, [rows, ...rowShape]), 'scatterAdd', [updates], (g) => [gather(g, index)]);
}
