import * as ops from '../../tensor/ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { checkOptions, optionNames } from '../../validate/index.js';
import { RECURRENT_OPTIONS, RecurrentLayer, type RecurrentOptions, type StepContext } from './recurrent.js';

const SIMPLE_RNN_OPTIONS = optionNames<RecurrentOptions>(RECURRENT_OPTIONS);

/**
 * A fully connected recurrent layer, Keras 3's `SimpleRNN`: h = activation(x·kernel + bias +
 * h₋₁·recurrentKernel), with kernel [features, units], recurrentKernel [units, units], bias [units].
 *
 * @example
 * ```ts
 * const model = new Sequential([new SimpleRNN(8, { inputShape: [10, 1] }), new Dense(1)]);
 * ```
 */
export class SimpleRNN extends RecurrentLayer {
  /** Its `call` is built from primitives alone: the engine may trace and replay it. */
  static readonly traceable = true;
  protected readonly gates = 1;
  protected readonly stateCount = 1;

  constructor(units: number, options: RecurrentOptions = {}) {
    checkOptions('SimpleRNN', options, SIMPLE_RNN_OPTIONS);
    super(units, options);
  }

  withOptions(overrides: RecurrentOptions): SimpleRNN {
    return new SimpleRNN(this.units, this.copyOptions(overrides));
  }

  protected step(x: Tensor, states: readonly Tensor[], context: StepContext): Tensor[] {
    const previous = context.recurrentMask ? ops.mul(states[0], context.recurrentMask) : states[0];
    // Keras's order: (x·W + b) + h₋₁·U.
    let h = ops.matmul(x, this.kernel.value);
    if (this.biasVar) h = ops.add(h, this.biasVar.value);
    h = ops.add(h, ops.matmul(previous, this.recurrentKernel.value));
    return [this.resolved.activation.fn(h)];
  }
}
