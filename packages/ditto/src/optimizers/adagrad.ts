/** Adagrad, in Keras 3's form. */
import type { Variable } from '../layers/variable.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { checkOptions, optionNames } from '../validate/index.js';
import { BASE_OPTIMIZER_OPTIONS, BaseOptimizer, type BaseOptimizerOptions } from './base-optimizer.js';
import { requireNonNegative } from './hyperparameters.js';

const ADAGRAD_OPTIONS = optionNames<AdagradOptions>({
  ...BASE_OPTIMIZER_OPTIONS,
  initialAccumulatorValue: true,
  epsilon: true,
});

export interface AdagradOptions extends BaseOptimizerOptions {
  /** Default 0.001 (Keras's default; the original paper's form uses 1). */
  learningRate?: BaseOptimizerOptions['learningRate'];
  /** Starting value of every accumulator (≥ 0); default 0.1. */
  initialAccumulatorValue?: number;
  /** Added to the accumulator inside the square root; default 1e-7. */
  epsilon?: number;
}

/** Keras's slot name. */
type AdagradSlots = { readonly accumulator: FloatArray };

/**
 * Adagrad as Keras 3 computes it: a ← a + g² (a starts at `initialAccumulatorValue`), then
 * w ← w − lr·g/√(a + ε).
 *
 * @example
 * ```ts
 * const adagrad = new Adagrad({ learningRate: 0.1 });
 * adagrad.applyGradients([{ variable: w, grad }]);
 * ```
 */
export class Adagrad extends BaseOptimizer<AdagradSlots> {
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    checkOptions('Adagrad', options, ADAGRAD_OPTIONS);
    super('adagrad', options.learningRate ?? 0.001, options);
    this.initialAccumulatorValue = requireNonNegative(
      'adagrad',
      'initialAccumulatorValue',
      options.initialAccumulatorValue ?? 0.1,
    );
    this.epsilon = requireNonNegative('adagrad', 'epsilon', options.epsilon ?? 1e-7);
  }

  protected hyperparameters(): Record<string, number | boolean | string> {
    return { initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }

  protected createSlots(variable: Variable): AdagradSlots {
    const accumulator = allocate(variable.dtype, variable.value.size);
    accumulator.fill(this.initialAccumulatorValue); // rounded to the dtype by the typed array
    return { accumulator };
  }

  protected updateVariable(variable: Variable, grad: FloatArray, _step: number): void {
    const w = variable.value.data;
    const n = w.length;
    const { accumulator: acc } = this.slotsOf(variable);
    if (w instanceof Float32Array) {
      const fr = Math.fround;
      const lr = fr(this.learningRate);
      const eps = fr(this.epsilon);
      for (let i = 0; i < n; i++) {
        const g = fr(grad[i]);
        const ai = fr(acc[i] + fr(g * g));
        acc[i] = ai;
        w[i] = w[i] - fr(fr(lr * g) / fr(Math.sqrt(fr(ai + eps))));
      }
    } else {
      const lr = this.learningRate;
      const eps = this.epsilon;
      for (let i = 0; i < n; i++) {
        const g = grad[i];
        const ai = acc[i] + g * g;
        acc[i] = ai;
        w[i] = w[i] - (lr * g) / Math.sqrt(ai + eps);
      }
    }
  }
}
