/** Nadam (Adam with Nesterov momentum), in Keras 3's momentum-cache form. */
import type { Variable } from '../layers/variable.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { checkOptions, optionNames } from '../validate/index.js';
import { BASE_OPTIMIZER_OPTIONS, BaseOptimizer, type BaseOptimizerOptions } from './base-optimizer.js';
import { requireNonNegative, requireUnitInterval } from './hyperparameters.js';
import { powerFor } from './power.js';

/** Base of Keras's (and Dozat's) momentum schedule: u_t = β1·(1 − ½·0.96^t). */
const SCHEDULE_DECAY = 0.96;

const NADAM_OPTIONS = optionNames<NadamOptions>({
  ...BASE_OPTIMIZER_OPTIONS,
  beta1: true,
  beta2: true,
  epsilon: true,
});

export interface NadamOptions extends BaseOptimizerOptions {
  /** Default 0.001. */
  learningRate?: BaseOptimizerOptions['learningRate'];
  /** Decay of the first-moment average, in [0, 1); default 0.9. */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1); default 0.999. */
  beta2?: number;
  /** Added to √v̂; default 1e-7. */
  epsilon?: number;
}

/** Keras's slot names. */
type NadamSlots = { readonly momentum: FloatArray; readonly velocity: FloatArray };

/**
 * Nadam as Keras 3 computes it. With u_t = β1·(1 − ½·0.96^t) and U_t = u_1·u_2·…·u_t (the
 * "momentum cache", kept across steps): m ← m + (g−m)(1−β1); v ← v + (g²−v)(1−β2);
 * m̂ = u_{t+1}·m/(1 − U_t·u_{t+1}) + (1−u_t)·g/(1 − U_t); v̂ = v/(1 − β2^t); w ← w − m̂·lr/(√v̂ + ε).
 *
 * @example
 * ```ts
 * const nadam = new Nadam();
 * nadam.applyGradients([{ variable: w, grad }]);
 * ```
 */
export class Nadam extends BaseOptimizer<NadamSlots> {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** U_t for float32 variables: the running product, rounded to float32 at every step as Keras does. */
  private uProduct32 = 1;
  /** U_t for float64 variables. */
  private uProduct64 = 1;

  constructor(options: NadamOptions = {}) {
    checkOptions('Nadam', options, NADAM_OPTIONS);
    super('nadam', options.learningRate ?? 0.001, options);
    this.beta1 = requireUnitInterval('nadam', 'beta1', options.beta1 ?? 0.9, false);
    this.beta2 = requireUnitInterval('nadam', 'beta2', options.beta2 ?? 0.999, false);
    this.epsilon = requireNonNegative('nadam', 'epsilon', options.epsilon ?? 1e-7);
  }

  protected hyperparameters(): Record<string, number | boolean | string> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  protected createSlots(variable: Variable): NadamSlots {
    const size = variable.value.size;
    return { momentum: allocate(variable.dtype, size), velocity: allocate(variable.dtype, size) };
  }

  protected override stateScalars(): Record<string, number> {
    return { uProduct32: this.uProduct32, uProduct64: this.uProduct64 };
  }

  protected override restoreStateScalars(scalars: Readonly<Record<string, number>>): void {
    this.uProduct32 = scalars.uProduct32 ?? 1;
    this.uProduct64 = scalars.uProduct64 ?? 1;
  }

  /** U_t ← U_{t−1}·β1·(1 − ½·0.96^t), once per step before any variable (Keras's order). */
  protected override beginStep(step: number): void {
    const fr = Math.fround;
    const factor32 = fr(1 - fr(0.5 * powerFor('float32', SCHEDULE_DECAY, step)));
    this.uProduct32 = fr(fr(this.uProduct32 * fr(this.beta1)) * factor32);
    const factor64 = 1 - 0.5 * powerFor('float64', SCHEDULE_DECAY, step);
    this.uProduct64 = this.uProduct64 * this.beta1 * factor64;
  }

  protected updateVariable(variable: Variable, grad: FloatArray, step: number): void {
    const w = variable.value.data;
    const n = w.length;
    const { momentum: m, velocity: v } = this.slotsOf(variable);
    if (w instanceof Float32Array) {
      const fr = Math.fround;
      const lr = fr(this.learningRate);
      const beta1 = fr(this.beta1);
      const beta2 = fr(this.beta2);
      const eps = fr(this.epsilon);
      const uT = fr(beta1 * fr(1 - fr(0.5 * powerFor('float32', SCHEDULE_DECAY, step))));
      const uNext = fr(beta1 * fr(1 - fr(0.5 * powerFor('float32', SCHEDULE_DECAY, step + 1))));
      const uProduct = this.uProduct32;
      const uProductNext = fr(uProduct * uNext);
      // Keras computes these 1 − β from the values already cast to the variable's dtype.
      const oneMinusBeta1 = fr(1 - beta1);
      const oneMinusBeta2 = fr(1 - beta2);
      const momentumDenominator = fr(1 - uProductNext);
      const gradientWeight = fr(1 - uT);
      const gradientDenominator = fr(1 - uProduct);
      const velocityDenominator = fr(1 - powerFor('float32', this.beta2, step));
      for (let i = 0; i < n; i++) {
        const g = fr(grad[i]);
        const mi = fr(m[i] + fr(fr(g - m[i]) * oneMinusBeta1));
        const vi = fr(v[i] + fr(fr(fr(g * g) - v[i]) * oneMinusBeta2));
        m[i] = mi;
        v[i] = vi;
        const mHat = fr(
          fr(fr(uNext * mi) / momentumDenominator) + fr(fr(gradientWeight * g) / gradientDenominator),
        );
        const vHat = fr(vi / velocityDenominator);
        w[i] = w[i] - fr(fr(mHat * lr) / fr(fr(Math.sqrt(vHat)) + eps));
      }
    } else {
      const lr = this.learningRate;
      const beta1 = this.beta1;
      const beta2 = this.beta2;
      const eps = this.epsilon;
      const uT = beta1 * (1 - 0.5 * powerFor('float64', SCHEDULE_DECAY, step));
      const uNext = beta1 * (1 - 0.5 * powerFor('float64', SCHEDULE_DECAY, step + 1));
      const uProduct = this.uProduct64;
      const uProductNext = uProduct * uNext;
      const oneMinusBeta1 = 1 - beta1;
      const oneMinusBeta2 = 1 - beta2;
      const momentumDenominator = 1 - uProductNext;
      const gradientWeight = 1 - uT;
      const gradientDenominator = 1 - uProduct;
      const velocityDenominator = 1 - powerFor('float64', beta2, step);
      for (let i = 0; i < n; i++) {
        const g = grad[i];
        const mi = m[i] + (g - m[i]) * oneMinusBeta1;
        const vi = v[i] + (g * g - v[i]) * oneMinusBeta2;
        m[i] = mi;
        v[i] = vi;
        const mHat = (uNext * mi) / momentumDenominator + (gradientWeight * g) / gradientDenominator;
        const vHat = vi / velocityDenominator;
        w[i] = w[i] - (mHat * lr) / (Math.sqrt(vHat) + eps);
      }
    }
  }
}
