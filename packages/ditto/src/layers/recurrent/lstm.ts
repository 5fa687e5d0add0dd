import type { Initializer } from '../../initializers/initializer.js';
import type { Key } from '../../random/index.js';
import type { DType, FloatArray } from '../../tensor/dtype.js';
import * as ops from '../../tensor/ops/index.js';
import { type CellActivation, lstmCell } from '../../tensor/ops/lstm-cell.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkBoolean, checkOptions, optionNames } from '../../validate/index.js';
import { type ActivationFn, getActivation, unaryActivation } from '../activations.js';
import { RECURRENT_OPTIONS, RecurrentLayer, type RecurrentOptions, type StepContext } from './recurrent.js';

export interface LSTMOptions extends RecurrentOptions {
  /** Gate activation (default 'sigmoid'). */
  recurrentActivation?: string | ActivationFn;
  /** Start the forget gate's bias at 1 (default true, as Keras). */
  unitForgetBias?: boolean;
}

const LSTM_OPTIONS = optionNames<LSTMOptions>({
  ...RECURRENT_OPTIONS,
  recurrentActivation: true,
  unitForgetBias: true,
});

/**
 * The bias initializer with ones on the forget gate: Keras draws [units] for the input gate, puts
 * ones for the forget gate and draws [2·units] for the cell and output gates; this draws one
 * [4·units] array from the key and overwrites the forget block, which gives the same values for
 * the default (zeros) and for every constant initializer.
 */
function withUnitForgetBias(base: Initializer, units: number): Initializer {
  return {
    ...base,
    name: base.name,
    init(shape: readonly number[], dtype: DType, key: Key): FloatArray {
      const values = base.init(shape, dtype, key);
      values.fill(1, units, 2 * units);
      return values;
    },
    getConfig: () => ({ ...base.getConfig(), unitForgetBias: true }),
  };
}

/**
 * Long short-term memory, Keras 3's `LSTM`. Weights in Keras's layout and gate order i, f, c, o:
 * kernel [features, 4·units], recurrentKernel [units, 4·units], bias [4·units]. One step, in
 * Keras's order: z = x·W + h₋₁·U + b; i = σ(z_i), f = σ(z_f), c = f·c₋₁ + i·tanh(z_c),
 * o = σ(z_o), h = o·tanh(c) (σ the recurrent activation, tanh the activation).
 *
 * @example
 * ```ts
 * const model = new Sequential([new LSTM(32, { inputShape: [20, 1] }), new Dense(1)]);
 * model.compile({ loss: 'mse', optimizer: 'adam' });
 * ```
 */
export class LSTM extends RecurrentLayer {
  /** Its `call` is built from primitives alone: the engine may trace and replay it. */
  static readonly traceable = true;
  protected readonly gates = 4;
  protected readonly stateCount = 2;
  readonly recurrentActivation: { name: string; fn: ActivationFn };
  readonly unitForgetBias: boolean;

  constructor(units: number, options: LSTMOptions = {}) {
    checkOptions('LSTM', options, LSTM_OPTIONS);
    super(units, options);
    this.recurrentActivation = getActivation(options.recurrentActivation ?? 'sigmoid');
    this.unitForgetBias = options.unitForgetBias ?? true;
    checkBoolean(this.name, 'unitForgetBias', this.unitForgetBias);
  }

  withOptions(overrides: RecurrentOptions): LSTM {
    return new LSTM(this.units, this.copyOptions(overrides));
  }

  protected override biasInitializer(): Initializer {
    const base = super.biasInitializer();
    return this.unitForgetBias ? withUnitForgetBias(base, this.units) : base;
  }

  protected step(x: Tensor, states: readonly Tensor[], context: StepContext): Tensor[] {
    const [h, c] = states;
    const previous = context.recurrentMask ? ops.mul(h, context.recurrentMask) : h;
    let z = ops.add(ops.matmul(x, this.kernel.value), ops.matmul(previous, this.recurrentKernel.value));
    if (this.biasVar) z = ops.add(z, this.biasVar.value);
    const fused = this.fusedActivations();
    if (fused) return lstmCell(z, c, fused.gate, fused.activation);
    const [zi, zf, zc, zo] = ops.split(z, 4, 1);
    const sigma = this.recurrentActivation.fn;
    const act = this.resolved.activation.fn;
    const cNext = ops.add(ops.mul(sigma(zf), c), ops.mul(sigma(zi), act(zc)));
    const hNext = ops.mul(sigma(zo), act(cNext));
    return [hNext, cNext];
  }

  /**
   * Both activations as unary ops, when they are (every built-in one but softmax and logSoftmax):
   * the step is then one fused cell op (tensor/ops/lstm-cell.ts), otherwise the chain of ops it
   * stands for — the same bits either way, the chain only slower.
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
      unitForgetBias: this.unitForgetBias,
    };
  }
}
