/** Adadelta, in Keras 3's form. */
import type { Variable } from '../layers/variable.js';
import { roundingOf } from '../numeric/rounding.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { checkOptions, optionNames } from '../validate/index.js';
import { BASE_OPTIMIZER_OPTIONS, BaseOptimizer, type BaseOptimizerOptions } from './base-optimizer.js';
import { requireNonNegative, requireUnitInterval } from './hyperparameters.js';

const ADADELTA_OPTIONS = optionNames<AdadeltaOptions>({
  ...BASE_OPTIMIZER_OPTIONS,
  rho: true,
  epsilon: true,
});

export interface AdadeltaOptions extends BaseOptimizerOptions {
  /** Default 0.001 (Keras's; Zeiler's original form is learning rate 1). */
  learningRate?: BaseOptimizerOptions['learningRate'];
  /** Decay of both running averages, in [0, 1]; default 0.95. */
  rho?: number;
  /** Added inside both square roots; default 1e-7. */
  epsilon?: number;
}

/** Keras's slot names. */
type AdadeltaSlots = { readonly accumulated_grad: FloatArray; readonly accumulated_delta_var: FloatArray };

/**
 * Adadelta as Keras 3 computes it (Zeiler 2012, with a learning rate): with rms(x) = √(x + ε),
 * a ← ρ·a + (1 − ρ)·g²; Δ = −rms(d)·g / rms(a); d ← ρ·d + (1 − ρ)·Δ²; w ← w + lr·Δ.
 * PyTorch's `torch.optim.Adadelta` has the same form (its defaults differ: lr 1, ρ 0.9, ε 1e-6).
 *
 * @example
 * ```ts
 * const adadelta = new Adadelta({ learningRate: 1 });
 * adadelta.applyGradients([{ variable: w, grad }]);
 * ```
 */
export class Adadelta extends BaseOptimizer<AdadeltaSlots> {
  readonly rho: number;
  readonly epsilon: number;

  constructor(options: AdadeltaOptions = {}) {
    checkOptions('Adadelta', options, ADADELTA_OPTIONS);
    super('adadelta', options.learningRate ?? 0.001, options);
    this.rho = requireUnitInterval('adadelta', 'rho', options.rho ?? 0.95, true);
    this.epsilon = requireNonNegative('adadelta', 'epsilon', options.epsilon ?? 1e-7);
  }

  protected hyperparameters(): Record<string, number | boolean | string> {
    return { rho: this.rho, epsilon: this.epsilon };
  }

  protected createSlots(variable: Variable): AdadeltaSlots {
    const size = variable.value.size;
    return {
      accumulated_grad: allocate(variable.dtype, size),
      accumulated_delta_var: allocate(variable.dtype, size),
    };
  }

  protected updateVariable(variable: Variable, grad: FloatArray, _step: number): void {
    const w = variable.value.data;
    const { accumulated_grad: a, accumulated_delta_var: d } = this.slotsOf(variable);
    const r = roundingOf(w);
    const lr = r(this.learningRate);
    const rho = r(this.rho);
    // Keras: 1 − ρ from the Python float, then cast: one rounding of the double difference.
    const oneMinusRho = r(1 - this.rho);
    const eps = r(this.epsilon);
    for (let i = 0; i < w.length; i++) {
      const g = r(grad[i]);
      const ai = r(r(rho * a[i]) + r(oneMinusRho * r(g * g)));
      a[i] = ai;
      const delta = -r(r(r(Math.sqrt(r(d[i] + eps))) * g) / r(Math.sqrt(r(ai + eps))));
      d[i] = r(r(rho * d[i]) + r(oneMinusRho * r(delta * delta)));
      w[i] = r(w[i] + r(lr * delta));
    }
  }
}
