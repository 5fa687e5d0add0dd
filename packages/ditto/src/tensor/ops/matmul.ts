import { matmulPrimitive } from '../../engine/kernels.js';
import { record } from '../autograd.js';
import { allocate } from '../dtype.js';
import { formatShape, ShapeError } from '../shape.js';
import { Tensor } from '../tensor.js';

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * Matrix product of two 2-D tensors, optionally transposing either. Each output accumulates its
 * products in ascending inner index (docs/determinism.md).
 *
 * @example
 * ```ts
 * matmul(tensor([[1, 2]]), tensor([[3], [4]])).toArray(); // [[11]]
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  const describe = () =>
    `${formatShape(a.shape)}${transposeA ? 'ᵀ' : ''} × ${formatShape(b.shape)}${transposeB ? 'ᵀ' : ''}`;
  if (a.rank !== 2 || b.rank !== 2)
    throw new ShapeError(`matmul: both operands must be 2-D, got ${describe()}`);
  if (a.dtype !== b.dtype) throw new TypeError(`matmul: dtypes differ: ${a.dtype} and ${b.dtype}`);
  const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [k2, n] = transposeB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (k !== k2) throw new ShapeError(`matmul: inner dimensions differ (${k} vs ${k2}): ${describe()}`);
  const out = allocate(a.dtype, m * n);
  matmulPrimitive(a.data, b.data, out, m, k, n, transposeA, transposeB);
  return record(new Tensor(out, [m, n]), 'matmul', [a, b], (g) => {
    // C = op(A)·op(B): dop(A) = G·op(B)ᵀ, dop(B) = op(A)ᵀ·G, then undo the transposes.
    const ga = transposeA
      ? matmul(b, g, { transposeA: transposeB, transposeB: true })
      : matmul(g, b, { transposeB: !transposeB });
    const gb = transposeB
      ? matmul(g, a, { transposeA: true, transposeB: transposeA })
      : matmul(a, g, { transposeA: !transposeA });
    return [ga, gb];
  });
}
