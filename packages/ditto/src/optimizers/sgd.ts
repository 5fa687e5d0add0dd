/** Stochastic gradient descent with optional (Nesterov) momentum, in Keras 3's form. */
import type { Variable } from '../layers/variable.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { checkOptions, optionNames } from '../validate/index.js';
import { BASE_OPTIMIZER_OPTIONS, BaseOptimizer, type BaseOptimizerOptions } from './base-optimizer.js';
import { requireBoolean, requireUnitInterval } from './hyperparameters.js';

const SGD_OPTIONS = optionNames<SGDOptions>({ ...BASE_OPTIMIZER_OPTIONS, momentum: true, nesterov: true });

export interface SGDOptions extends BaseOptimizerOptions {
  /** Default 0.01. */
  learningRate?: BaseOptimizerOptions['learningRate'];
  /** Momentum in [0, 1]; 0 (the default) is plain gradient descent. */
  momentum?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
}

/** Keras's name 'momentum': the velocity, which already includes the learning rate. */
type SGDSlots = { readonly momentum: FloatArray };

/**
 * Gradient descent as Keras 3 defines it. Without momentum w ← w − g·lr. With momentum
 * m ← m·μ − g·lr, then w ← w + m, or with Nesterov w ← w + (m·μ − g·lr).
 *
 * @example
 * ```ts
 * const sgd = new SGD({ learningRate: 0.1, momentum: 0.9 });
 * sgd.applyGradients([{ variable: w, grad }]);
 * ```
 */
export class SGD extends BaseOptimizer<SGDSlots> {
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SGDOptions = {}) {
    checkOptions('SGD', options, SGD_OPTIONS);
    super('sgd', options.learningRate ?? 0.01, options);
    this.momentum = requireUnitInterval('sgd', 'momentum', options.momentum ?? 0, true);
    this.nesterov = requireBoolean('sgd', 'nesterov', options.nesterov ?? false);
  }

  protected hyperparameters(): Record<string, number | boolean | string> {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }

  protected createSlots(variable: Variable): SGDSlots {
    // Keras keeps no velocity without momentum; a zero-length array keeps the slot type simple.
    return { momentum: allocate(variable.dtype, this.momentum === 0 ? 0 : variable.value.size) };
  }

  protected updateVariable(variable: Variable, grad: FloatArray, _step: number): void {
    const w = variable.value.data;
    const n = w.length;
    const { momentum: m } = this.slotsOf(variable);
    const nesterov = this.nesterov;
    if (w instanceof Float32Array) {
      const fr = Math.fround;
      const lr = fr(this.learningRate);
      const mu = fr(this.momentum);
      if (this.momentum === 0) {
        for (let i = 0; i < n; i++) w[i] = w[i] - fr(fr(grad[i]) * lr);
        return;
      }
      for (let i = 0; i < n; i++) {
        const gLr = fr(fr(grad[i]) * lr);
        const mNew = fr(fr(m[i] * mu) - gLr);
        m[i] = mNew;
        w[i] = nesterov ? w[i] + fr(fr(mNew * mu) - gLr) : w[i] + mNew;
      }
    } else {
      const lr = this.learningRate;
      const mu = this.momentum;
      if (mu === 0) {
        for (let i = 0; i < n; i++) w[i] = w[i] - grad[i] * lr;
        return;
      }
      for (let i = 0; i < n; i++) {
        const gLr = grad[i] * lr;
        const mNew = m[i] * mu - gLr;
        m[i] = mNew;
        w[i] = nesterov ? w[i] + (mNew * mu - gLr) : w[i] + mNew;
      }
    }
  }
}
