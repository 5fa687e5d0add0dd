/**
 * A tensor seen along one axis as [outer, length, inner] blocks: the view that stack, unstack,
 * split and reverse share, so each is a loop of contiguous copies.
 */
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
