/**
 * A tensor seen along one axis as [outer, length, inner] blocks: the view that stack, unstack,
 * split and reverse share, so each is a loop of contiguous copies.
 */
import { defineKernel } from '../../kernels/registry.js';
import type { FloatArray } from '../dtype.js';
import { normalizeAxis, type Shape, sizeOf } from '../shape.js';

export interface AxisBlocks {
  /** The axis, normalised to [0, rank). */
  readonly axis: number;
  /** Product of the dimensions before the axis. */
  readonly outer: number;
  /** The axis's length. */
  readonly length: number;
  /** Product of the dimensions after the axis (one contiguous run per axis position). */
  readonly inner: number;
}

/** The [outer, length, inner] view of `shape` along `axis` (negative axes count from the end). */
export function axisBlocks(op: string, shape: Shape, axis: number): AxisBlocks {
  const ax = normalizeAxis(op, axis, shape.length);
  return {
    axis: ax,
    outer: sizeOf(shape.slice(0, ax)),
    length: shape[ax],
    inner: sizeOf(shape.slice(ax + 1)),
  };
}

/**
 * For o in [0, outer): out[o·outStride + outOffset …+run] = x[o·xStride + xOffset …+run], after
 * filling out with +0 when `zeroFirst` (placing a piece's gradient back into a whole). The one data
 * movement behind unstack, split and their gradients.
 */
export const copyBlocks = defineKernel(
  'copyBlocks',
  (
    x: FloatArray,
    out: FloatArray,
    outer: number,
    run: number,
    xStride: number,
    xOffset: number,
    outStride: number,
    outOffset: number,
    zeroFirst: boolean,
  ) => {
    if (zeroFirst) out.fill(0);
    for (let o = 0; o < outer; o++) {
      const from = o * xStride + xOffset;
      out.set(x.subarray(from, from + run), o * outStride + outOffset);
    }
  },
);
