/** FTRL-proximal ("follow the regularized leader"), in Keras 3's form. */
import type { Variable } from '../layers/variable.js';
import { exp, log } from '../numeric/elementary.js';
import { type Rounding, roundingOf } from '../numeric/rounding.js';
import { allocate, type FloatArray } from '../tensor/dtype.js';
import { checkOptions, optionNames } from '../validate/index.js';
import { BASE_OPTIMIZER_OPTIONS, BaseOptimizer, type BaseOptimizerOptions } from './base-optimizer.js';
import { requireNonNegative } from './hyperparameters.js';

const FTRL_OPTIONS = optionNames<FtrlOptions>({
  ...BASE_OPTIMIZER_OPTIONS,
  learningRatePower: true,
  initialAccumulatorValue: true,
  l1RegularizationStrength: true,
  l2RegularizationStrength: true,
  l2ShrinkageRegularizationStrength: true,
  beta: true,
});

export interface FtrlOptions extends BaseOptimizerOptions {
  /** Default 0.001. */
  learningRate?: BaseOptimizerOptions['learningRate'];
  /** How the step shrinks with the accumulated squared gradients (≤ 0; 0: a fixed rate); default −0.5. */
  learningRatePower?: number;
  /** Starting value of every accumulator (≥ 0); default 0.1. */
  initialAccumulatorValue?: number;
  /** L1 strength λ1 (≥ 0): weights whose |linear| ≤ λ1 are exactly 0; default 0. */
  l1RegularizationStrength?: number;
  /** L2 stabilisation strength λ2 (≥ 0); default 0. */
  l2RegularizationStrength?: number;
  /** L2 shrinkage (≥ 0): adds 2·s·w to the gradient used for the linear term; default 0. */
  l2ShrinkageRegularizationStrength?: number;
  /** The paper's β (≥ 0), added to λ2 as β / (2·lr); default 0. */
  beta?: number;
}

/** Keras's slot names. */
type FtrlSlots = { readonly accumulator: FloatArray; readonly linear: FloatArray };

/**
 * x^p for an accumulator x ≥ 0 and p = −learningRatePower ≥ 0: 1 for p = 0, the correctly rounded
 * √x for the default p = ½, otherwise r(exp(p·log x)) with ditto's exp and log in double (never the
 * engine's Math.pow, whose last bits differ between engines); 0^p = 0 for p > 0.
 */
function accumulatorPower(x: number, p: number, r: Rounding): number {
  if (p === 0) return 1;
  if (p === 0.5) return r(Math.sqrt(x));
  if (x === 0) return 0;
  return r(exp(p * log(x)));
}

/**
 * FTRL as Keras 3 computes it (McMahan et al. 2013). With p = −learningRatePower,
 * λ2' = λ2 + β/(2·lr) and g' = g + 2·s·w (s the shrinkage strength): n' = n + g²;
 * z ← z + g' − (n'^p − n^p)/lr · w; w ← (clip(z, −λ1, λ1) − z) / (n'^p/lr + 2·λ2'); n ← n'.
 *
 * @example
 * ```ts
 * const ftrl = new Ftrl({ learningRate: 0.05, l1RegularizationStrength: 0.01 });
 * ftrl.applyGradients([{ variable: w, grad }]);
 * ```
 */
export class Ftrl extends BaseOptimizer<FtrlSlots> {
  readonly learningRatePower: number;
  readonly initialAccumulatorValue: number;
  readonly l1RegularizationStrength: number;
  readonly l2RegularizationStrength: number;
  readonly l2ShrinkageRegularizationStrength: number;
  readonly beta: number;

  constructor(options: FtrlOptions = {}) {
    checkOptions('Ftrl', options, FTRL_OPTIONS);
    super('ftrl', options.learningRate ?? 0.001, options);
    const power = options.learningRatePower ?? -0.5;
    if (typeof power !== 'number' || !Number.isFinite(power) || power > 0) {
      throw new RangeError(`ftrl: learningRatePower must be a finite number <= 0, got ${String(power)}`);
    }
    this.learningRatePower = power;
    this.initialAccumulatorValue = requireNonNegative(
      'ftrl',
      'initialAccumulatorValue',
      options.initialAccumulatorValue ?? 0.1,
    );
    this.l1RegularizationStrength = requireNonNegative(
      'ftrl',
      'l1RegularizationStrength',
      options.l1RegularizationStrength ?? 0,
    );
    this.l2RegularizationStrength = requireNonNegative(
      'ftrl',
      'l2RegularizationStrength',
      options.l2RegularizationStrength ?? 0,
    );
    this.l2ShrinkageRegularizationStrength = requireNonNegative(
      'ftrl',
      'l2ShrinkageRegularizationStrength',
      options.l2ShrinkageRegularizationStrength ?? 0,
    );
    this.beta = requireNonNegative('ftrl', 'beta', options.beta ?? 0);
  }

  protected hyperparameters(): Record<string, number | boolean | string> {
    return {
      learningRatePower: this.learningRatePower,
      initialAccumulatorValue: this.initialAccumulatorValue,
      l1RegularizationStrength: this.l1RegularizationStrength,
      l2RegularizationStrength: this.l2RegularizationStrength,
      l2ShrinkageRegularizationStrength: this.l2ShrinkageRegularizationStrength,
      beta: this.beta,
    };
  }

  protected createSlots(variable: Variable): FtrlSlots {
    const accumulator = allocate(variable.dtype, variable.value.size);
    accumulator.fill(this.initialAccumulatorValue); // rounded to the dtype by the typed array
    return { accumulator, linear: allocate(variable.dtype, variable.value.size) };
  }

  protected updateVariable(variable: Variable, grad: FloatArray, _step: number): void {
    const w = variable.value.data;
    const { accumulator: n, linear: z } = this.slotsOf(variable);
    const r = roundingOf(w);
    const lr = r(this.learningRate);
    const p = -this.learningRatePower;
    // Keras: l2 + β / (2·lr) with lr a tensor of the dtype, each operation in it; 2·s from the
    // Python floats, then cast.
    const l2 = r(r(this.l2RegularizationStrength) + r(r(this.beta) / r(2 * lr)));
    const twoL2 = r(2 * l2);
    const twoShrinkage = r(2 * this.l2ShrinkageRegularizationStrength);
    const l1 = r(this.l1RegularizationStrength);
    for (let i = 0; i < w.length; i++) {
      const g = r(grad[i]);
      const wi = w[i];
      const shrunk = r(g + r(twoShrinkage * wi));
      const nNew = r(n[i] + r(g * g));
      const powerNew = accumulatorPower(nNew, p, r);
      const sigma = r(r(powerNew - accumulatorPower(n[i], p, r)) / lr);
      const zi = r(z[i] + r(shrunk - r(sigma * wi)));
      z[i] = zi;
      const quadratic = r(r(powerNew / lr) + twoL2);
      const clipped = Math.min(Math.max(zi, -l1), l1);
      w[i] = r(r(clipped - zi) / quadratic);
      n[i] = nNew;
    }
  }
}
