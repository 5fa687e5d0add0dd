/**
 * Reduces a broadcast binary op to the [outer × inner] form the wasm kernel runs: each operand is
 * read at o·outerStride + i·innerStride with innerStride 0 (broadcast) or 1 (contiguous). Same-shape
 * ops, row broadcasts ([r, c] with [c]), column broadcasts ([r, c] with [r, 1]) and scalars all take
 * this form once adjacent dimensions that are laid out alike are merged.
 */

export interface BinaryPlan {
  outer: number;
  inner: number;
  aOuter: number;
  aInner: number;
  bOuter: number;
  bInner: number;
}

/**
 * The [outer × inner] plan for out's shape and the operands' strides (0 on broadcast dimensions),
 * or undefined when the layout needs more than two dimensions.
 *
 * @example
 * ```ts
 * planBinary([4, 3], [3, 1], [0, 1]); // { outer: 4, inner: 3, aOuter: 3, aInner: 1, bOuter: 0, bInner: 1 }
 * ```
 */
export function planBinary(
  shape: readonly number[],
  aStrides: readonly number[],
  bStrides: readonly number[],
): BinaryPlan | undefined {
  // Dimensions of size 1 never move an index, so their strides are irrelevant: drop them.
  // Then merge each dimension into its right neighbour when both operands continue the
  // neighbour's stride pattern (stride_d = stride_{d+1}·size_{d+1}, which 0 = 0·size also satisfies).
  const sizes: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    const last = sizes.length - 1;
    if (last >= 0 && aStrides[d] === as[last] * sizes[last] && bStrides[d] === bs[last] * sizes[last]) {
      sizes[last] *= shape[d];
    } else {
      sizes.push(shape[d]);
      as.push(aStrides[d]);
      bs.push(bStrides[d]);
    }
  }
  // Now innermost first.
  if (sizes.length > 2) return undefined;
  if (sizes.length === 0) return { outer: 1, inner: 1, aOuter: 0, aInner: 0, bOuter: 0, bInner: 0 };
  const [aInner, bInner] = [as[0], bs[0]];
  if ((aInner !== 0 && aInner !== 1) || (bInner !== 0 && bInner !== 1)) return undefined;
  if (sizes.length === 1) return { outer: 1, inner: sizes[0], aOuter: 0, aInner, bOuter: 0, bInner };
  return { outer: sizes[1], inner: sizes[0], aOuter: as[1], aInner, bOuter: bs[1], bInner };
}
