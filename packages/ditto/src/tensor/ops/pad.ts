/** pad: zero padding around a tensor (ZeroPadding1D/2D); its gradient is the slice of the interior. */
import { callKernel } from '../../engine/kernels.js';
import { defineKernel } from '../../kernels/registry.js';
import { record } from '../autograd.js';
import { allocate, type FloatArray } from '../dtype.js';
import { formatShape, ShapeError, sizeOf, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { slice } from './shape-ops.js';

/** out = +0 everywhere, then x at offset `before` (per axis), one last-axis row at a time. */
const padZeros = defineKernel(
  'padZeros',
  (
    x: FloatArray,
    out: FloatArray,
    shape: readonly number[],
    before: readonly number[],
    outShape: readonly number[],
  ) => {
    out.fill(0);
    const rank = shape.length;
    const row = shape[rank - 1];
    const outStrides = stridesOf(outShape);
    const index = new Array<number>(rank).fill(0);
    const rows = row === 0 ? 0 : x.length / row;
    for (let r = 0; r < rows; r++) {
      let to = before[rank - 1];
      for (let d = 0; d < rank - 1; d++) to += (index[d] + before[d]) * outStrides[d];
      out.set(x.subarray(r * row, (r + 1) * row), to);
      for (let d = rank - 2; d >= 0; d--) {
        if (++index[d] < shape[d]) break;
        index[d] = 0;
      }
    }
  },
);

/**
 * x with `paddings[d] = [before, after]` zeros added along each axis d (as `numpy.pad` with zeros).
 *
 * @example
 * ```ts
 * pad(tensor([[1, 2]]), [[0, 0], [1, 1]]).toArray(); // [[0, 1, 2, 0]]
 * ```
 */
export function pad(x: Tensor, paddings: ReadonlyArray<readonly [number, number]>): Tensor {
  const valid =
    paddings.length === x.rank &&
    paddings.every((p) => p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0));
  if (!valid || x.rank === 0) {
    throw new ShapeError(
      `pad: paddings must be one [before, after] pair of non-negative integers per axis of ${formatShape(x.shape)}, got ${JSON.stringify(paddings)}`,
    );
  }
  const before = paddings.map((p) => p[0]);
  const outShape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const out = allocate(x.dtype, sizeOf(outShape));
  callKernel(padZeros, [x.data, out], 1, [[...x.shape], before, outShape]);
  return record(new Tensor(out, outShape), 'pad', [x], (g) => [slice(g, before, x.shape)]);
}
