/** Lion (evolved sign momentum), in Keras 3's form. */
import type { Variable } from '../layers/variable.js';
import { roundingOf } from '../numeric/rounding.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { checkOptions, optionNames } from '../validate/index.js';
import { BASE_OPTIMIZER_OPTIONS, BaseOptimizer, type BaseOptimizerOptions } from './base-optimizer.js';
import { requireUnitInterval } from './hyperparameters.js';

const LION_OPTIONS = optionNames<LionOptions>({ ...BASE_OPTIMIZER_OPTIONS, beta1: true, beta2: true });

export interface LionOptions extends BaseOptimizerOptions {
  /** Default 0.001 (Keras's; Lion usually wants a 3–10× smaller rate than AdamW). */
  learningRate?: BaseOptimizerOptions['learningRate'];
  /** Weight of the momentum in the update's direction, in (0, 1]; default 0.9. */
  beta1?: number;
  /** Decay of the momentum, in [0, 1]; default 0.99. */
  beta2?: number;
}

/** Keras's slot name. */
type LionSlots = { readonly momentum: FloatArray };

/**
 * Lion as Keras 3 computes it (Chen et al. 2023): w ← w − lr·sign(β1·m + (1 − β1)·g), then
 * m ← β2·m + (1 − β2)·g. Every weight moves by exactly lr (or 0 where the direction is 0).
 *
 * @example
 * ```ts
 * const lion = new Lion({ learningRate: 1e-4 });
 * lion.applyGradients([{ variable: w, grad }]);
 * ```
 */
export class Lion extends BaseOptimizer<LionSlots> {
  readonly beta1: number;
  readonly beta2: number;

  constructor(options: LionOptions = {}) {
    checkOptions('Lion', options, LION_OPTIONS);
    super('lion', options.learningRate ?? 0.001, options);
    const beta1 = options.beta1 ?? 0.9;
    // Keras refuses β1 = 0: the optimizer would degenerate to signSGD.
    if (typeof beta1 !== 'number' || !(beta1 > 0 && beta1 <= 1)) {
      throw new RangeError(`lion: beta1 must be in (0, 1] (0 degenerates to signSGD), got ${String(beta1)}`);
    }
    this.beta1 = beta1;
    this.beta2 = requireUnitInterval('lion', 'beta2', options.beta2 ?? 0.99, true);
  }

  protected hyperparameters(): Record<string, number | boolean | string> {
    return { beta1: this.beta1, beta2: this.beta2 };
  }

  protected createSlots(variable: Variable): LionSlots {
    return { momentum: allocate(variable.dtype, variable.value.size) };
  }

  protected updateVariable(variable: Variable, grad: FloatArray, _step: number): void {
    const w = variable.value.data;
    const { momentum: m } = this.slotsOf(variable);
    const r = roundingOf(w);
    const lr = r(this.learningRate);
    // Keras casts β to the dtype first, then computes 1 − β in it.
    const beta1 = r(this.beta1);
    const beta2 = r(this.beta2);
    const oneMinusBeta1 = r(1 - beta1);
    const oneMinusBeta2 = r(1 - beta2);
    for (let i = 0; i < w.length; i++) {
      const g = r(grad[i]);
      const direction = Math.sign(r(r(m[i] * beta1) + r(g * oneMinusBeta1)));
      w[i] = r(w[i] - r(lr * direction));
      m[i] = r(r(m[i] * beta2) + r(g * oneMinusBeta2));
    }
  }
}
