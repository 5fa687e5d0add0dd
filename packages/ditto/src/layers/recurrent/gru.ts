import { gruCell } from '../../tensor/ops/gru-cell.js';
import * as ops from '../../tensor/ops/index.js';
import type { CellActivation } from '../../tensor/ops/lstm-cell.js';
import { scalar, type Tensor } from '../../tensor/tensor.js';
import { checkBoolean, checkOptions, optionNames } from '../../validate/index.js';
import { type ActivationFn, getActivation, unaryActivation } from '../activations.js';
import { RECURRENT_OPTIONS, RecurrentLayer, type RecurrentOptions, type StepContext } from './recurrent.js';

export interface GRUOptions extends RecurrentOptions {
  /** Gate activation (default 'sigmoid'). */
  recurrentActivation?: string | ActivationFn;
  /**
   * Apply the reset gate after the recurrent matmul (default true, Keras 3 and cuDNN's variant);
   * the bias then has two rows [input bias; recurrent bias], shape [2, 3·units]. tfjs supports only
   * `false` (bias [3·units]).
   */
  resetAfter?: boolean;
}

const GRU_OPTIONS = optionNames<GRUOptions>({
  ...RECURRENT_OPTIONS,
  recurrentActivation: true,
  resetAfter: true,
});

/**
 * Gated recurrent unit, Keras 3's `GRU`. Weights in Keras's layout and gate order z, r, h:
 * kernel [features, 3·units], recurrentKernel [units, 3·units], bias [2, 3·units] (resetAfter) or
 * [3·units]. One step, in Keras's order (σ the recurrent activation, φ the activation):
 * x̂ = x·W + b_in; with resetAfter, ĥ = h₋₁·U + b_rec, z = σ(x̂_z + ĥ_z), r = σ(x̂_r + ĥ_r),
 * h̃ = φ(x̂_h + r·ĥ_h); without, ĥ = h₋₁·U[:, :2u], h̃ = φ(x̂_h + (r·h₋₁)·U[:, 2u:]);
 * then h = z·h₋₁ + (1 − z)·h̃.
 *
 * @example
 * ```ts
 * const model = new Sequential([new GRU(16, { inputShape: [30, 4] }), new Dense(1)]);
 * ```
 */
export class GRU extends RecurrentLayer {
  /** Its `call` is built from primitives alone: the engine may trace and replay it. */
  static readonly traceable = true;
  protected readonly gates = 3;
  protected readonly stateCount = 1;
  readonly recurrentActivation: { name: string; fn: ActivationFn };
  readonly resetAfter: boolean;

  constructor(units: number, options: GRUOptions = {}) {
    checkOptions('GRU', options, GRU_OPTIONS);
    super(units, options);
    this.recurrentActivation = getActivation(options.recurrentActivation ?? 'sigmoid');
    this.resetAfter = options.resetAfter ?? true;
    checkBoolean(this.name, 'resetAfter', this.resetAfter);
  }

  withOptions(overrides: RecurrentOptions): GRU {
    return new GRU(this.units, this.copyOptions(overrides));
  }

  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  protected step(x: Tensor, states: readonly Tensor[], context: StepContext): Tensor[] {
    // Keras 3 applies the recurrent mask to h₋₁ everywhere in the step, the final blend included.
    const h = context.recurrentMask ? ops.mul(states[0], context.recurrentMask) : states[0];
    const u = this.units;
    let inputBias: Tensor | null = null;
    let recurrentBias: Tensor | null = null;
    if (this.biasVar) {
      if (this.resetAfter) {
        const [b0, b1] = ops.split(this.biasVar.value, 2, 0);
        inputBias = ops.reshape(b0, [3 * u]);
        recurrentBias = ops.reshape(b1, [3 * u]);
      } else inputBias = this.biasVar.value;
    }
    let xp = ops.matmul(x, this.kernel.value);
    if (inputBias) xp = ops.add(xp, inputBias);
    const fused = this.resetAfter ? this.fusedActivations() : undefined;
    if (fused) {
      let inner = ops.matmul(h, this.recurrentKernel.value);
      if (recurrentBias) inner = ops.add(inner, recurrentBias);
      return [gruCell(xp, inner, h, fused.gate, fused.activation)];
    }
    const [xz, xr, xh] = ops.split(xp, 3, 1);
    const sigma = this.recurrentActivation.fn;
    let hh: Tensor;
    let z: Tensor;
    if (this.resetAfter) {
      let inner = ops.matmul(h, this.recurrentKernel.value);
      if (recurrentBias) inner = ops.add(inner, recurrentBias);
      const [rz, rr, rh] = ops.split(inner, 3, 1);
      z = sigma(ops.add(xz, rz));
      const r = sigma(ops.add(xr, rr));
      hh = this.resolved.activation.fn(ops.add(xh, ops.mul(r, rh)));
    } else {
      const [uzr, uh] = ops.split(this.recurrentKernel.value, [2 * u, u], 1);
      const [rz, rr] = ops.split(ops.matmul(h, uzr), 2, 1);
      z = sigma(ops.add(xz, rz));
      const r = sigma(ops.add(xr, rr));
      hh = this.resolved.activation.fn(ops.add(xh, ops.matmul(ops.mul(r, h), uh)));
    }
    const one = scalar(1, z.dtype);
    return [ops.add(ops.mul(z, h), ops.mul(ops.sub(one, z), hh))];
  }

  /**
   * Both activations as unary ops, when they are (every built-in one but softmax and logSoftmax):
   * a resetAfter step is then one fused cell op after its matmuls (tensor/ops/gru-cell.ts),
   * otherwise the chain of ops it stands for — the same bits either way, the chain only slower.
   */
  private fusedActivations(): { gate: CellActivation; activation: CellActivation } | undefined {
    const gate = unaryActivation(this.recurrentActivation.fn);
    const activation = unaryActivation(this.resolved.activation.fn);
    return gate && activation ? { gate, activation } : undefined;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      recurrentActivation: this.recurrentActivation.name,
      resetAfter: this.resetAfter,
    };
  }
}
