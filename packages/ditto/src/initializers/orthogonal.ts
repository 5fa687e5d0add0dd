/**
 * Keras's Orthogonal initializer.
 *
 * @module
 */

import { type Key, normal } from '../random/index.js';
import { allocate, type DType, type FloatArray } from '../tensor/dtype.js';
import { checkOptions, finiteOption } from './check.js';
import { scaledCopy } from './draw.js';
import { orthonormalFactor } from './householder-qr.js';
import type { SeedOption } from './initializer.js';
import { RandomInitializer } from './random-initializer.js';

/** Options of {@link Orthogonal}. */
export interface OrthogonalOptions extends SeedOption {
  /** Factor applied to the orthogonal matrix. Default 1. */
  gain?: number;
}

/**
 * An orthogonal matrix, as Keras's `Orthogonal`: for a shape of rank ≥ 2, rows = product of all
 * dimensions but the last, cols = the last; A is a max(rows, cols) × min(rows, cols) matrix of
 * standard normal draws `random.normal(key, rows · cols)` (row-major); Q is A's orthonormal QR
 * factor, sign-corrected so that R has a non-negative diagonal (computed in float64 by
 * Householder reflections); Q is transposed if rows < cols. The result is r(r(gain) · r(Q)) in the
 * dtype, so a tall weight has orthonormal columns (WᵀW = gain² I) and a wide one orthonormal rows.
 *
 * Keras draws and factors in the weight's dtype with its backend's QR; ditto factors in float64
 * and rounds once, so values agree with Keras's to about float32 rounding, not bit for bit.
 *
 * @example
 * ```ts
 * const recurrent = new Orthogonal().init([64, 64], 'float32', random.key(0));
 * ```
 */
export class Orthogonal extends RandomInitializer {
  readonly gain: number;

  constructor(options: OrthogonalOptions = {}) {
    checkOptions('initializers.orthogonal', options, ['gain', 'seed']);
    super('orthogonal', options.seed);
    this.gain = finiteOption(this.where, 'gain', options.gain ?? 1);
  }

  getConfig(): Record<string, unknown> {
    return { gain: this.gain, ...this.seedConfig() };
  }

  protected generate(shape: readonly number[], size: number, dtype: DType, source: Key): FloatArray {
    if (shape.length < 2) {
      throw new Error(
        `${this.where}: the shape must have rank ≥ 2, got [${shape.join(', ')}] of rank ${shape.length}`,
      );
    }
    if (size === 0) return allocate(dtype, 0);
    const cols = shape[shape.length - 1];
    const rows = size / cols;
    const tall = Math.max(rows, cols);
    const narrow = Math.min(rows, cols);
    const q = orthonormalFactor(Float64Array.from(normal(source, size)), tall, narrow);
    if (rows >= cols) return scaledCopy(q, this.gain, dtype);
    // Wide: the weight is Qᵀ, a rows × cols matrix with orthonormal rows.
    const transposed = new Float64Array(size);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) transposed[i * cols + j] = q[j * rows + i];
    return scaledCopy(transposed, this.gain, dtype);
  }
}

/**
 * Keras's `Orthogonal` initializer (see {@link Orthogonal}); default gain 1.
 *
 * @example
 * ```ts
 * const w = orthogonal({ gain: 1.1, seed: 7 }).init([32, 16], 'float32', random.key(0));
 * ```
 */
export function orthogonal(options?: OrthogonalOptions): Orthogonal {
  return new Orthogonal(options);
}
