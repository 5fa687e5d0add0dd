/** RMSprop (optionally centered, optionally with momentum), in Keras 3's form. */
import type { Variable } from '../layers/variable.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { checkOptions, optionNames } from '../validate/index.js';
import { BASE_OPTIMIZER_OPTIONS, BaseOptimizer, type BaseOptimizerOptions } from './base-optimizer.js';
import { requireBoolean, requireNonNegative, requireUnitInterval } from './hyperparameters.js';

const RMSPROP_OPTIONS = optionNames<RMSpropOptions>({
  ...BASE_OPTIMIZER_OPTIONS,
  rho: true,
  momentum: true,
  epsilon: true,
  centered: true,
});

export interface RMSpropOptions extends BaseOptimizerOptions {
  /** Default 0.001. */
  learningRate?: BaseOptimizerOptions['learningRate'];
  /** Decay of the average of squared gradients, in [0, 1]; default 0.9. */
  rho?: number;
  /** Momentum in [0, 1]; default 0 (none). */
  momentum?: number;
  /** Added to the average of squared gradients inside the square root; default 1e-7. */
  epsilon?: number;
  /** Divide by the estimated variance (v − ḡ²) instead of v (default false). */
  centered?: boolean;
}

/** Keras's slot names; 'momentum' and 'average_gradient' have length 0 when not used. */
type RMSpropSlots = {
  readonly velocity: FloatArray;
  readonly momentum: FloatArray;
  readonly average_gradient: FloatArray;
};

/**
 * RMSprop as Keras 3 computes it: v ← ρ·v + (1−ρ)·g²; with `centered` also ḡ ← ρ·ḡ + (1−ρ)·g and
 * d = v − ḡ² + ε, otherwise d = v + ε; Δ = lr·g/√d; with momentum μ > 0, p ← μ·p + Δ and w ← w − p,
 * otherwise w ← w − Δ. Note ε sits inside the square root here, unlike Adam.
 *
 * @example
 * ```ts
 * const rms = new RMSprop({ learningRate: 0.01, centered: true });
 * rms.applyGradients([{ variable: w, grad }]);
 * ```
 */
export class RMSprop extends BaseOptimizer<RMSpropSlots> {
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(options: RMSpropOptions = {}) {
    checkOptions('RMSprop', options, RMSPROP_OPTIONS);
    super('rmsprop', options.learningRate ?? 0.001, options);
    this.rho = requireUnitInterval('rmsprop', 'rho', options.rho ?? 0.9, true);
    this.momentum = requireUnitInterval('rmsprop', 'momentum', options.momentum ?? 0, true);
    this.epsilon = requireNonNegative('rmsprop', 'epsilon', options.epsilon ?? 1e-7);
    this.centered = requireBoolean('rmsprop', 'centered', options.centered ?? false);
  }

  protected hyperparameters(): Record<string, number | boolean | string> {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }

  protected createSlots(variable: Variable): RMSpropSlots {
    const size = variable.value.size;
    return {
      velocity: allocate(variable.dtype, size),
      momentum: allocate(variable.dtype, this.momentum > 0 ? size : 0),
      average_gradient: allocate(variable.dtype, this.centered ? size : 0),
    };
  }

  protected updateVariable(variable: Variable, grad: FloatArray, _step: number): void {
    const w = variable.value.data;
    const n = w.length;
    const { velocity: v, momentum: p, average_gradient: a } = this.slotsOf(variable);
    const centered = this.centered;
    const useMomentum = this.momentum > 0;
    if (w instanceof Float32Array) {
      const fr = Math.fround;
      const lr = fr(this.learningRate);
      const rho = fr(this.rho);
      // Keras computes 1 − ρ from the Python float, then casts: one rounding of the double difference.
      const oneMinusRho = fr(1 - this.rho);
      const eps = fr(this.epsilon);
      const mu = fr(this.momentum);
      for (let i = 0; i < n; i++) {
        const g = fr(grad[i]);
        const vi = fr(fr(rho * v[i]) + fr(oneMinusRho * fr(g * g)));
        v[i] = vi;
        let denominator: number;
        if (centered) {
          const ai = fr(fr(rho * a[i]) + fr(oneMinusRho * g));
          a[i] = ai;
          denominator = fr(fr(vi - fr(ai * ai)) + eps);
        } else {
          denominator = fr(vi + eps);
        }
        const increment = fr(fr(lr * g) / fr(Math.sqrt(denominator)));
        if (useMomentum) {
          const pi = fr(fr(mu * p[i]) + increment);
          p[i] = pi;
          w[i] = w[i] - pi;
        } else {
          w[i] = w[i] - increment;
        }
      }
    } else {
      const lr = this.learningRate;
      const rho = this.rho;
      const oneMinusRho = 1 - this.rho;
      const eps = this.epsilon;
      const mu = this.momentum;
      for (let i = 0; i < n; i++) {
        const g = grad[i];
        const vi = rho * v[i] + oneMinusRho * (g * g);
        v[i] = vi;
        let denominator: number;
        if (centered) {
          const ai = rho * a[i] + oneMinusRho * g;
          a[i] = ai;
          denominator = vi - ai * ai + eps;
        } else {
          denominator = vi + eps;
        }
        const increment = (lr * g) / Math.sqrt(denominator);
        if (useMomentum) {
          const pi = mu * p[i] + increment;
          p[i] = pi;
          w[i] = w[i] - pi;
        } else {
          w[i] = w[i] - increment;
        }
      }
    }
  }
}
