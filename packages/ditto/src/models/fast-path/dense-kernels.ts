/**
 * Dense forward and backward for the fast path: the backend's fused kernels when it has them,
 * otherwise the same computation from its basic kernels (`matmul`, `binary`, `unary`,
 * `unaryBackward`, `reduce`) — the exact sequence Backend.denseForward / denseBackward define, and
 * the one the autograd path runs.
 */
import type { Backend } from '../../backend/backend.js';
import type { UnaryOp } from '../../numeric/elementwise.js';
import type { FloatArray } from '../../tensor/dtype.js';

/**
 * z = x·w (+ bias), y = f(z), from a backend's basic kernels. `scratch` ([m×n], not aliased with
 * the others) holds the product before the bias is added, so no kernel writes into its own input.
 */
export function denseForwardComposite(
  backend: Backend,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  z: FloatArray,
  y: FloatArray,
  scratch: FloatArray,
  m: number,
  k: number,
  n: number,
  activation: UnaryOp,
  alpha: number,
): void {
  if (bias) {
    backend.matmul(x, w, scratch, m, k, n, false, false);
    backend.binary('add', scratch, [n, 1], bias, [0, 1], z, [m, n]);
  } else {
    backend.matmul(x, w, z, m, k, n, false, false);
  }
  if (y !== z) backend.unary(activation, z, y, alpha);
}

/** dz = f'(z)·dy, db = Σ_i dz, dw = xᵀ·dz, dx = dz·wᵀ from a backend's basic kernels. */
export function denseBackwardComposite(
  backend: Backend,
  x: FloatArray,
  w: FloatArray,
  z: FloatArray,
  dy: FloatArray,
  dz: FloatArray,
  dx: FloatArray | null,
  dw: FloatArray,
  db: FloatArray | null,
  m: number,
  k: number,
  n: number,
  activation: UnaryOp,
  alpha: number,
): void {
  if (dz !== dy) backend.unaryBackward(activation, z, dy, dz, alpha);
  if (db) backend.reduce('sum', dz, db, 1, m, n);
  backend.matmul(x, dz, dw, k, m, n, true, false);
  if (dx) backend.matmul(dz, w, dx, m, n, k, false, true);
}

/** Backend.denseForward when the backend has it, else {@link denseForwardComposite}. */
export function denseForward(
  backend: Backend,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  z: FloatArray,
  y: FloatArray,
  scratch: FloatArray,
  m: number,
  k: number,
  n: number,
  activation: UnaryOp,
  alpha: number,
): void {
  if (backend.denseForward) backend.denseForward(x, w, bias, z, y, m, k, n, activation, alpha);
  else denseForwardComposite(backend, x, w, bias, z, y, scratch, m, k, n, activation, alpha);
}

/** Backend.denseBackward when the backend has it, else {@link denseBackwardComposite}. */
export function denseBackward(
  backend: Backend,
  x: FloatArray,
  w: FloatArray,
  z: FloatArray,
  dy: FloatArray,
  dz: FloatArray,
  dx: FloatArray | null,
  dw: FloatArray,
  db: FloatArray | null,
  m: number,
  k: number,
  n: number,
  activation: UnaryOp,
  alpha: number,
): void {
  if (backend.denseBackward) backend.denseBackward(x, w, z, dy, dz, dx, dw, db, m, k, n, activation, alpha);
  else denseBackwardComposite(backend, x, w, z, dy, dz, dx, dw, db, m, k, n, activation, alpha);
}
