/** Adamax (Adam with the infinity norm), in Keras 3's form. */
import type { Variable } from '../layers/variable.js';
import { roundingOf } from '../numeric/rounding.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { checkOptions, optionNames } from '../validate/index.js';
import { BASE_OPTIMIZER_OPTIONS, BaseOptimizer, type BaseOptimizerOptions } from './base-optimizer.js';
import { requireNonNegative, requireUnitInterval } from './hyperparameters.js';
import { powerFor } from './power.js';

const ADAMAX_OPTIONS = optionNames<AdamaxOptions>({
  ...BASE_OPTIMIZER_OPTIONS,
  beta1: true,
  beta2: true,
  epsilon: true,
});

export interface AdamaxOptions extends BaseOptimizerOptions {
  /** Default 0.001. */
  learningRate?: BaseOptimizerOptions['learningRate'];
  /** Decay of the first-moment average, in [0, 1); default 0.9. */
  beta1?: number;
  /** Decay of the infinity norm, in [0, 1]; default 0.999. */
  beta2?: number;
  /** Added to the infinity norm u (after the maximum); default 1e-7. */
  epsilon?: number;
}

/** Keras's slot names. */
type AdamaxSlots = { readonly momentum: FloatArray; readonly norm: FloatArray };

/**
 * Adamax as Keras 3 computes it (Kingma & Ba, §7.1): with t the step (1, 2, …),
 * m ← m + (g − m)(1 − β1); u ← max(β2·u, |g|); w ← w − lr·m / ((1 − β1^t)(u + ε)).
 * PyTorch adds ε inside the maximum instead (u ← max(β2·u, |g| + ε)); the two agree for ε = 0.
 * The exact order of operations is in docs/optimizers.md.
 *
 * @example
 * ```ts
 * const adamax = new Adamax({ learningRate: 0.002 });
 * adamax.applyGradients([{ variable: w, grad }]);
 * ```
 */
export class Adamax extends BaseOptimizer<AdamaxSlots> {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: AdamaxOptions = {}) {
    checkOptions('Adamax', options, ADAMAX_OPTIONS);
    super('adamax', options.learningRate ?? 0.001, options);
    this.beta1 = requireUnitInterval('adamax', 'beta1', options.beta1 ?? 0.9, false);
    this.beta2 = requireUnitInterval('adamax', 'beta2', options.beta2 ?? 0.999, true);
    this.epsilon = requireNonNegative('adamax', 'epsilon', options.epsilon ?? 1e-7);
  }

  protected hyperparameters(): Record<string, number | boolean | string> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  protected createSlots(variable: Variable): AdamaxSlots {
    const size = variable.value.size;
    return { momentum: allocate(variable.dtype, size), norm: allocate(variable.dtype, size) };
  }

  protected updateVariable(variable: Variable, grad: FloatArray, step: number): void {
    const w = variable.value.data;
    const { momentum: m, norm: u } = this.slotsOf(variable);
    const r = roundingOf(w);
    const lr = r(this.learningRate);
    // Keras: 1 − β1 from the Python float (one rounding); β2 and ε cast to the dtype.
    const oneMinusBeta1 = r(1 - this.beta1);
    const beta2 = r(this.beta2);
    const eps = r(this.epsilon);
    const correction = r(1 - powerFor(variable.dtype, this.beta1, step));
    for (let i = 0; i < w.length; i++) {
      const g = r(grad[i]);
      const mi = r(m[i] + r(r(g - m[i]) * oneMinusBeta1));
      const ui = Math.max(r(beta2 * u[i]), Math.abs(g));
      m[i] = mi;
      u[i] = ui;
      w[i] = r(w[i] - r(r(lr * mi) / r(correction * r(ui + eps))));
    }
  }
}
