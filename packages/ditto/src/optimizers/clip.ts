/**
 * Gradient clipping as Keras's `clipnorm` and `clipvalue` do it, per variable, in the dtype of the
 * output array (float32: every operation rounded with `Math.fround`; float64: plain doubles).
 * The order of operations is part of the numeric contract (docs/optimizers.md).
 */
import type { FloatArray } from '../tensor/dtype.js';

/**
 * Keras's `clipnorm`: out = g·c / max(‖g‖₂, c), with ‖g‖₂ = √(Σ g²) summed in index order from +0,
 * one rounded square and one rounded addition at a time (‖g‖₂ is 0 when the sum is 0). Gradients
 * whose norm is at most c are still multiplied by c and divided by c, as in Keras.
 *
 * @example
 * ```ts
 * const out = new Float64Array(2);
 * clipByNorm(new Float64Array([3, 4]), 1, out); // out = [0.6, 0.8]
 * ```
 */
export function clipByNorm(grad: FloatArray, clipNorm: number, out: FloatArray): void {
  const n = grad.length;
  if (out instanceof Float32Array) {
    const c = Math.fround(clipNorm);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const g = Math.fround(grad[i]);
      sum = Math.fround(sum + Math.fround(g * g));
    }
    const norm = sum > 0 ? Math.fround(Math.sqrt(sum)) : sum;
    const denominator = Math.max(norm, c);
    for (let i = 0; i < n; i++) out[i] = Math.fround(Math.fround(grad[i]) * c) / denominator;
  } else {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += grad[i] * grad[i];
    const norm = sum > 0 ? Math.sqrt(sum) : sum;
    const denominator = Math.max(norm, clipNorm);
    for (let i = 0; i < n; i++) out[i] = (grad[i] * clipNorm) / denominator;
  }
}

/**
 * Keras's `clipvalue`: out = min(max(g, −c), c) elementwise (NaN stays NaN).
 *
 * @example
 * ```ts
 * const out = new Float32Array(3);
 * clipByValue(new Float32Array([-5, 0.5, 5]), 1, out); // out = [-1, 0.5, 1]
 * ```
 */
export function clipByValue(grad: FloatArray, clipValue: number, out: FloatArray): void {
  const c = out instanceof Float32Array ? Math.fround(clipValue) : clipValue;
  for (let i = 0; i < grad.length; i++) out[i] = Math.min(Math.max(grad[i], -c), c);
}

/**
 * Keras's `global_clipnorm`: the factor every gradient is multiplied by, scale = c·min(1/‖G‖, 1/c),
 * plus (‖G‖ − ‖G‖) so that an infinite or NaN norm makes every gradient NaN, as Keras does. ‖G‖ is
 * √(Σ_v s_v) with s_v = Σ g² of variable v in index order from +0 and the s_v summed in the order
 * of the variables from +0 (Keras's `global_norm`: one sum per variable, then their sum). With
 * `float32` every operation is rounded with `Math.fround` (1/c from the double, then rounded, as
 * Keras computes `1.0 / clip_norm` in Python); otherwise plain doubles. Under the threshold the
 * factor is c·(1/c), which may differ from 1 in the last bit — as in Keras.
 *
 * @example
 * ```ts
 * globalNormScale([new Float64Array([3, 4]), new Float64Array([12])], 1, false); // 1/13
 * ```
 */
export function globalNormScale(grads: readonly FloatArray[], clipNorm: number, float32: boolean): number {
  const r = float32 ? Math.fround : (x: number) => x;
  let total = 0;
  for (const grad of grads) {
    let sum = 0;
    for (let i = 0; i < grad.length; i++) {
      const g = r(grad[i]);
      sum = r(sum + r(g * g));
    }
    total = r(total + sum);
  }
  const norm = r(Math.sqrt(total));
  const c = r(clipNorm);
  const scale = r(c * Math.min(r(1 / norm), r(1 / clipNorm)));
  return r(scale + r(norm - norm));
}

/**
 * out = r(g·scale) elementwise, r the rounding of the output's dtype (Keras's `v * scale` after
 * {@link globalNormScale}).
 *
 * @example
 * ```ts
 * const out = new Float64Array(2);
 * scaleInto(new Float64Array([3, 4]), 0.5, out); // out = [1.5, 2]
 * ```
 */
export function scaleInto(grad: FloatArray, scale: number, out: FloatArray): void {
  if (out instanceof Float32Array) {
    for (let i = 0; i < grad.length; i++) out[i] = Math.fround(grad[i]) * scale;
  } else {
    for (let i = 0; i < grad.length; i++) out[i] = grad[i] * scale;
  }
}
