/**
 * The Adam update shared by Adam and AdamW, in Keras 3's form (ε added to √v, the bias corrections
 * folded into the step size α). AdamW is Adam with decoupled weight decay switched on by default.
 */
import { getBackend } from '../backend/registry.js';
import { stateArray } from '../backend/resident.js';
import { backendForWork, backendKernel } from '../kernels/registry.js';
import type { Variable } from '../layers/variable.js';
import type { FloatArray } from '../tensor/dtype.js';
import { optionNames } from '../validate/index.js';
import { BASE_OPTIMIZER_OPTIONS, BaseOptimizer, type BaseOptimizerOptions } from './base-optimizer.js';
import { requireBoolean, requireNonNegative, requireUnitInterval } from './hyperparameters.js';
import { powerFor } from './power.js';

export interface AdamOptions extends BaseOptimizerOptions {
  /** Default 0.001. */
  learningRate?: BaseOptimizerOptions['learningRate'];
  /** Decay of the first-moment average, in [0, 1); default 0.9. */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1); default 0.999. */
  beta2?: number;
  /** Keras's ε ("ε-hat" of Kingma & Ba), added to √v; default 1e-7. */
  epsilon?: number;
  /** The AMSGrad variant: divide by the running maximum of v (default false). */
  amsgrad?: boolean;
  /**
   * Decoupled weight decay (Keras's base-optimizer `weight_decay`): w ← w − w·wd·lr before the Adam
   * step. Off unless given; AdamW defaults it to 0.004.
   */
  weightDecay?: number;
}

/** The option names Adam and AdamW accept. */
export const ADAM_OPTIONS = optionNames<AdamOptions>({
  ...BASE_OPTIMIZER_OPTIONS,
  beta1: true,
  beta2: true,
  epsilon: true,
  amsgrad: true,
  weightDecay: true,
});

/** Keras's slot names; 'velocity_hat' has length 0 unless amsgrad is on. */
export type AdamSlots = {
  readonly momentum: FloatArray;
  readonly velocity: FloatArray;
  readonly velocity_hat: FloatArray;
};

/**
 * The Adam family's update, with t the step (1, 2, …): optionally w ← w − w·wd·lr first, then
 * α = lr·√(1−β2^t)/(1−β1^t); m ← m + (g−m)(1−β1); v ← v + (g²−v)(1−β2); w ← w − m·α/(√v + ε).
 * The exact float32 order of operations is in docs/optimizers.md. Use Adam or AdamW.
 */
interface Float32Scalars {
  readonly step: number;
  readonly learningRate: number;
  readonly lr: number;
  readonly wd: number;
  readonly alpha: number;
  readonly oneMinusBeta1: number;
  readonly oneMinusBeta2: number;
  readonly eps: number;
}

export abstract class AdamBase extends BaseOptimizer<AdamSlots> {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  readonly weightDecay: number | undefined;

  protected constructor(name: string, options: AdamOptions) {
    super(name, options.learningRate ?? 0.001, options);
    this.beta1 = requireUnitInterval(name, 'beta1', options.beta1 ?? 0.9, false);
    this.beta2 = requireUnitInterval(name, 'beta2', options.beta2 ?? 0.999, false);
    this.epsilon = requireNonNegative(name, 'epsilon', options.epsilon ?? 1e-7);
    this.amsgrad = requireBoolean(name, 'amsgrad', options.amsgrad ?? false);
    this.weightDecay =
      options.weightDecay === undefined
        ? undefined
        : requireNonNegative(name, 'weightDecay', options.weightDecay);
  }

  protected hyperparameters(): Record<string, number | boolean | string> {
    const config: Record<string, number | boolean | string> = {
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      amsgrad: this.amsgrad,
    };
    if (this.weightDecay !== undefined) config.weightDecay = this.weightDecay;
    return config;
  }

  protected createSlots(variable: Variable): AdamSlots {
    const size = variable.value.size;
    // Where the backend keeps state (Backend.residentArray): its Adam kernel updates them in place.
    return {
      momentum: stateArray(variable.dtype, size),
      velocity: stateArray(variable.dtype, size),
      velocity_hat: stateArray(variable.dtype, this.amsgrad ? size : 0),
    };
  }

  /** The float32 scalars of a step, computed once per step and learning rate (every variable uses them). */
  private float32Scalars(step: number): Float32Scalars {
    const cached = this.scalars;
    if (cached && cached.step === step && cached.learningRate === this.learningRate) return cached;
    const fr = Math.fround;
    const lr = fr(this.learningRate);
    const beta1Power = powerFor('float32', this.beta1, step);
    const beta2Power = powerFor('float32', this.beta2, step);
    const scalars: Float32Scalars = {
      step,
      learningRate: this.learningRate,
      lr,
      wd: fr(this.weightDecay ?? 0),
      alpha: fr(fr(lr * fr(Math.sqrt(fr(1 - beta2Power)))) / fr(1 - beta1Power)),
      // Keras computes 1 − β from the Python float, then casts: one rounding of the double difference.
      oneMinusBeta1: fr(1 - this.beta1),
      oneMinusBeta2: fr(1 - this.beta2),
      eps: fr(this.epsilon),
    };
    this.scalars = scalars;
    return scalars;
  }

  private scalars: Float32Scalars | undefined;

  protected updateVariable(variable: Variable, grad: FloatArray, step: number): void {
    const w = variable.value.data;
    const n = w.length;
    const { momentum: m, velocity: v, velocity_hat: vHat } = this.slotsOf(variable);
    const amsgrad = this.amsgrad;
    const decay = this.weightDecay !== undefined;
    if (w instanceof Float32Array) {
      const { lr, wd, alpha, oneMinusBeta1, oneMinusBeta2, eps } = this.float32Scalars(step);
      // One sequence of float32 operations (docs/optimizers.md), implemented once as a backend
      // kernel: the reference in TypeScript, f32x4 SIMD on wasm — the same bits either way.
      // Small variables run on the reference kernel: same bits, no copies into WebAssembly memory.
      const kernel = backendKernel('adamUpdate', backendForWork(getBackend(), n * 16));
      kernel(
        w,
        grad instanceof Float32Array ? grad : Float32Array.from(grad),
        m as Float32Array,
        v as Float32Array,
        amsgrad ? (vHat as Float32Array) : null,
        lr,
        decay ? wd : null,
        alpha,
        oneMinusBeta1,
        oneMinusBeta2,
        eps,
      );
    } else {
      const lr = this.learningRate;
      const wd = this.weightDecay ?? 0;
      const beta1Power = powerFor('float64', this.beta1, step);
      const beta2Power = powerFor('float64', this.beta2, step);
      const alpha = (lr * Math.sqrt(1 - beta2Power)) / (1 - beta1Power);
      const oneMinusBeta1 = 1 - this.beta1;
      const oneMinusBeta2 = 1 - this.beta2;
      const eps = this.epsilon;
      for (let i = 0; i < n; i++) {
        const g = grad[i];
        let wi = w[i];
        if (decay) wi = wi - wi * wd * lr;
        const mi = m[i] + (g - m[i]) * oneMinusBeta1;
        let vi = v[i] + (g * g - v[i]) * oneMinusBeta2;
        m[i] = mi;
        v[i] = vi;
        if (amsgrad) {
          vi = Math.max(vHat[i], vi);
          vHat[i] = vi;
        }
        w[i] = wi - (mi * alpha) / (Math.sqrt(vi) + eps);
      }
    }
  }
}
