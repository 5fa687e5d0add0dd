/** split: cuts a tensor into consecutive pieces along an axis (an LSTM's gates, for one). */
import { callKernel } from '../../engine/kernels.js';
import { record } from '../autograd.js';
import { allocate } from '../dtype.js';
import { formatShape, ShapeError } from '../shape.js';
import { Tensor } from '../tensor.js';
import { axisBlocks, copyBlocks } from './axis-blocks.js';

/**
 * Cuts x along `axis` into `sizes` (a count of equal pieces, or the length of each piece). Each
 * piece's gradient is placed back at its offset, zeros elsewhere.
 *
 * @example
 * ```ts
 * split(tensor([[1, 2, 3, 4]]), 2, 1).map((t) => t.toArray()); // [[[1, 2]], [[3, 4]]]
 * ```
 */
export function split(x: Tensor, sizes: number | readonly number[], axis = -1): Tensor[] {
  if (x.rank < 1) throw new ShapeError('split: needs a tensor with at least one dimension');
  const { axis: ax, outer, length, inner } = axisBlocks('split', x.shape, axis);
  let lengths: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes < 1 || length % sizes !== 0) {
      throw new ShapeError(
        `split: cannot cut axis ${ax} of ${formatShape(x.shape)} (length ${length}) into ${sizes} equal pieces`,
      );
    }
    lengths = new Array<number>(sizes).fill(length / sizes);
  } else {
    lengths = [...sizes];
    const total = lengths.reduce((s, n) => s + n, 0);
    if (!lengths.every((n) => Number.isInteger(n) && n >= 0) || total !== length) {
      throw new ShapeError(
        `split: sizes [${lengths.join(', ')}] do not add up to axis ${ax} of ${formatShape(x.shape)} (length ${length})`,
      );
    }
  }
  const pieces: Tensor[] = [];
  let start = 0;
  for (const size of lengths) {
    const from = start;
    const run = size * inner;
    const out = allocate(x.dtype, outer * run);
    callKernel(copyBlocks, [x.data, out], 1, [outer, run, length * inner, from * inner, run, 0, false]);
    const shape = [...x.shape];
    shape[ax] = size;
    pieces.push(
      record(new Tensor(out, shape), 'split', [x], (g) => {
        const dx = allocate(x.dtype, x.size);
        callKernel(copyBlocks, [g.data, dx], 1, [outer, run, run, 0, length * inner, from * inner, true]);
        return [new Tensor(dx, x.shape)];
      }),
    );
    start += size;
  }
  return pieces;
}
